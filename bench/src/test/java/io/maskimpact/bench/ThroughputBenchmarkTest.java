package io.maskimpact.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.maskimpact.analysis.AnalysisOptions;
import io.maskimpact.family.TinyModels;
import io.maskimpact.run.JobConf;
import io.maskimpact.testing.SparkTestBase;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-stage breakdown of the throughput benchmark, on the shipped tiny model (no time is asserted). */
class ThroughputBenchmarkTest extends SparkTestBase {

    @TempDir
    Path dir;

    @Test
    void breakdownTimesEveryStageOfAPair() throws Exception {
        Path model = TinyModels.modelsDir().resolve(TinyModels.LLAVA);
        AnalysisOptions options = AnalysisOptions.defaults();
        ThroughputBenchmark.Breakdown b = ThroughputBenchmark.breakdown(model, dir, 2, options, 4, spark);
        assertThat(b.pairs()).isEqualTo(2);
        assertThat(b.steps()).isEqualTo(options.maxNewTokens());
        assertThat(b.rowsPerPair()).isPositive();
        assertThat(b.wall().keySet()).as("the pipeline's stages, in order").containsExactly(
                "image read + decode", "image preprocessing", "template, tokenizer, vision tower, projector",
                "prefill (first step)", "later decode steps", "analysis (masking, distances, row arrays)",
                "row building (TableRows)", "Parquet write (one task; beyond a job's fixed cost)");
        assertThat(b.cpu().keySet()).isEqualTo(b.wall().keySet());
        b.wall().forEach((stage, s) -> assertThat(s).as(stage).isGreaterThanOrEqualTo(0.0));
        b.cpu().forEach((stage, s) -> assertThat(s).as(stage).isGreaterThanOrEqualTo(0.0));
        assertThat(b.firstLoad()).isPositive();
        assertThat(b.writeJobSeconds()).isPositive();

        String md = ThroughputBenchmark.markdown(TinyModels.LLAVA, List.of(
                        new ThroughputBenchmark.Run("local[1]", 4, 100, 10, 4, 5, 4, 4),
                        new ThroughputBenchmark.Run("local[2]", 4, 100, 8, 2, 5, 4, 2)),
                b, Map.of(), "1.0 / 1.0", "./submit.sh bench throughput");
        assertThat(md).startsWith("## Throughput: pairs per second, local[1] vs local[2]")
                .contains("| local[1] | 4 | 100 | 10.00 | 0.40 | 4.00 | 1.00 |")
                .contains("local[2] / local[1] = **2.00x** pairs/s for the impact job (goal 1.8x: met), 1.25x over the whole run")
                .contains("The tasks' CPU work per pair is 1000.0 ms with local[1] and 1000.0 ms with local[2]")
                .contains("| image read + decode |", "| total |");
        assertThat(dir.resolve("write")).as("the timed table is removed").doesNotExist();
        assertThat(JobConf.DEFAULT_MAX_NEW_TOKENS).isEqualTo(options.maxNewTokens());
    }
}
