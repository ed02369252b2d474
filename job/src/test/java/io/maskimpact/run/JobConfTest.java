package io.maskimpact.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.maskimpact.analysis.Algorithm;
import io.maskimpact.analysis.MaskMode;
import io.maskimpact.output.OutputFormat;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Settings: precedence command line > config file > spark.maskimpact.* > default, and checked values. */
class JobConfTest {
    @TempDir
    Path tmp;

    @Test
    void defaultsApplyWhenNothingIsSet() throws Exception {
        JobConf.Resolved r = JobConf.resolve(Map.of(), new SparkConf(false));
        JobConf c = r.conf();
        assertThat(c.analysis().maskMode()).isEqualTo(MaskMode.BOTH);
        assertThat(c.analysis().maxNewTokens()).isEqualTo(JobConf.DEFAULT_MAX_NEW_TOKENS);
        assertThat(c.analysis().algorithm()).isEqualTo(Algorithm.EXACT);
        assertThat(c.format()).isEqualTo(OutputFormat.PARQUET);
        assertThat(c.mode()).isEqualTo(WriteMode.ERROR);
        assertThat(c.roundDecimals()).as("no rounding by default").isEqualTo(-1);
        assertThat(c.zstdLevel()).isEqualTo(6);
        assertThat(c.model()).endsWith("models/tiny-llava");
        assertThat(c.runId()).matches("\\d{8}-\\d{6}-[0-9a-f]{4}");
        assertThat(r.explicit()).as("nothing was set explicitly").isEmpty();
    }

    @Test
    void commandLineBeatsFileBeatsSparkConfBeatsDefault() throws Exception {
        Path file = tmp.resolve("job.properties");
        Files.writeString(file, """
                # a comment
                mask-mode = vision
                max-new-tokens = 5
                zstd-level=9
                spark.sql.shuffle.partitions = 3
                """);
        SparkConf spark = new SparkConf(false)
                .set("spark.maskimpact.mask-mode", "text")
                .set("spark.maskimpact.max-new-tokens", "7")
                .set("spark.maskimpact.algorithm", "naive")
                .set("spark.maskimpact.round-decimals", "4");
        Map<String, String> cli = new HashMap<>();
        cli.put(JobConf.CONF, file.toString());
        cli.put(JobConf.MAX_NEW_TOKENS, "2");
        JobConf.Resolved r = JobConf.resolve(cli, spark);
        assertThat(r.conf().analysis().maxNewTokens()).as("command line over file and Spark conf").isEqualTo(2);
        assertThat(r.conf().analysis().maskMode()).as("file over Spark conf").isEqualTo(MaskMode.VISION);
        assertThat(r.conf().zstdLevel()).as("file over default").isEqualTo(9);
        assertThat(r.conf().analysis().algorithm()).as("Spark conf over default").isEqualTo(Algorithm.NAIVE);
        assertThat(r.conf().roundDecimals()).isEqualTo(4);
        assertThat(r.conf().format()).as("default").isEqualTo(OutputFormat.PARQUET);
        assertThat(r.sparkSettings()).as("spark.* keys of the file go to the session").containsEntry("spark.sql.shuffle.partitions", "3");
        assertThat(r.explicit()).contains(JobConf.MAX_NEW_TOKENS, JobConf.MASK_MODE, JobConf.ALGORITHM)
                .doesNotContain(JobConf.FORMAT);
    }

    @Test
    void badValuesNameTheirSource() throws IOException {
        assertThatThrownBy(() -> JobConf.resolve(Map.of(JobConf.MAX_NEW_TOKENS, "many"), new SparkConf(false)))
                .isInstanceOf(JobConfException.class)
                .hasMessage("Invalid value for --max-new-tokens: 'many' (expected a whole number from 1 to 1024)");
        Path file = tmp.resolve("bad.properties");
        Files.writeString(file, "zstd-level = 40\n");
        assertThatThrownBy(() -> JobConf.resolve(Map.of(JobConf.CONF, file.toString()), new SparkConf(false)))
                .hasMessage("Invalid value for zstd-level in " + file + ": 40 (expected a whole number from 1 to 22)");
        Files.writeString(file, "mask_mode = text\n");
        assertThatThrownBy(() -> JobConf.resolve(Map.of(JobConf.CONF, file.toString()), new SparkConf(false)))
                .hasMessageStartingWith("Cannot read config file " + file + ": unknown setting 'mask_mode'");
        assertThatThrownBy(() -> JobConf.resolve(Map.of(JobConf.FORMAT, "orc"), new SparkConf(false)))
                .hasMessage("Invalid value for --format: 'orc' (expected parquet or delta)");
        assertThatThrownBy(() -> JobConf.resolve(Map.of(JobConf.CONF, tmp.resolve("nope").toString()), new SparkConf(false)))
                .hasMessage("Cannot read config file " + tmp.resolve("nope") + ": file not found");
        assertThatThrownBy(() -> JobConf.resolve(Map.of(JobConf.RUN_ID, "../x"), new SparkConf(false)))
                .hasMessageContaining("--run-id");
    }

    @Test
    void effectsAreOffByDefaultAndReadLikeEveryOption() throws Exception {
        assertThat(JobConf.resolve(Map.of(), new SparkConf(false)).conf().analysis().effects())
                .isEqualTo(io.maskimpact.analysis.EffectOptions.OFF);
        JobConf c = JobConf.resolve(Map.of(JobConf.EFFECTS, "true", JobConf.EFFECT_LAYERS, "1-2", JobConf.EFFECT_BLOCK, "2"),
                new SparkConf(false)).conf();
        assertThat(c.analysis().effects()).isEqualTo(new io.maskimpact.analysis.EffectOptions(true, 1, 2, 2));
        assertThat(c.analysis().effects().layersLabel()).isEqualTo("1-2");
        assertThat(JobConf.resolve(c.toSettings(), new SparkConf(false)).conf().analysis().effects())
                .isEqualTo(c.analysis().effects());
        assertThat(c.analysisDifferences(JobConf.resolve(Map.of(), new SparkConf(false)).conf())).contains(JobConf.EFFECTS);
        assertThatThrownBy(() -> JobConf.resolve(Map.of(JobConf.EFFECT_LAYERS, "3-1"), new SparkConf(false)))
                .hasMessageStartingWith("Invalid value for --effect-layers: Cannot read effect layers '3-1'");
        assertThatThrownBy(() -> JobConf.resolve(Map.of(JobConf.EFFECT_BLOCK, "0"), new SparkConf(false)))
                .hasMessageStartingWith("Invalid value for --effect-block:");
    }

    @Test
    void settingsRoundTripAndTheRecordSerializes() throws Exception {
        Map<String, String> cli = Map.of(JobConf.MASK_MODE, "text", JobConf.VARIANTS, "heads,attn-weights",
                JobConf.ROUND_DECIMALS, "3", JobConf.OUT, "/tmp/o", JobConf.RUN_ID, "r-1", JobConf.FORMAT, "delta");
        JobConf c = JobConf.resolve(cli, new SparkConf(false)).conf();
        JobConf again = JobConf.resolve(c.toSettings(), null).conf();
        assertThat(again).as("toSettings() resolves back to the same settings").isEqualTo(c);

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(c);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertThat(in.readObject()).as("the record shipped to executors").isEqualTo(c);
        }
    }

    @Test
    void imageSplittingGoesToTheImageProcessorAndChangesRows() throws Exception {
        JobConf model = JobConf.resolve(Map.of(), new SparkConf(false)).conf();
        assertThat(model.imageSplitting()).as("the model's own setting by default").isNull();
        assertThat(model.imageProcessor().imageSplitting()).isNull();
        Path file = tmp.resolve("tiles.properties");
        Files.writeString(file, "image-splitting = false\n");
        JobConf off = JobConf.resolve(Map.of(JobConf.CONF, file.toString()), new SparkConf(false)).conf();
        assertThat(off.imageProcessor().imageSplitting()).isFalse();
        assertThat(JobConf.resolve(off.toSettings(), null).conf()).as("round trip").isEqualTo(off);
        assertThat(off.analysisDifferences(model)).containsExactly(JobConf.IMAGE_SPLITTING);
        assertThatThrownBy(() -> JobConf.resolve(Map.of(JobConf.IMAGE_SPLITTING, "sometimes"), new SparkConf(false)))
                .hasMessageStartingWith("Invalid value for --image-splitting");
    }

    @Test
    void analysisDifferencesListTheSettingsThatChangeRows() throws Exception {
        JobConf a = JobConf.resolve(Map.of(JobConf.MASK_MODE, "text"), new SparkConf(false)).conf();
        JobConf b = JobConf.resolve(Map.of(JobConf.MASK_MODE, "vision", JobConf.ZSTD_LEVEL, "5"), new SparkConf(false)).conf();
        assertThat(a.analysisDifferences(b)).containsExactly(JobConf.MASK_MODE);
    }
}
