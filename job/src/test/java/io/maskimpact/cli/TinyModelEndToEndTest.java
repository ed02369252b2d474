package io.maskimpact.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.maskimpact.analysis.MaskMode;
import io.maskimpact.model.TokenKind;
import io.maskimpact.schema.OutputSchema;
import io.maskimpact.testing.Cli;
import io.maskimpact.testing.Pairs;
import io.maskimpact.testing.SparkTestBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job end to end on each shipped tiny checkpoint (models/), through the real command line,
 * with the real model family: row counts computed from the checkpoint's own files (config.json
 * for layers, heads and the image grid; tokenizer.json for the question's tokens), schema,
 * layout and codec. Runs once per checkpoint found, like Iceberg's tests run once per format.
 */
class TinyModelEndToEndTest extends SparkTestBase {
    private static final int STEPS = 3;
    private static final String[] MODES = {"vision", "text", "both"};

    @TempDir
    static Path tmp;
    static List<Pairs.Row> rows;
    static Path manifest;

    static Stream<String> checkpoints() throws IOException {
        Path models = modelsDir();
        if (models == null) {
            return Stream.of("(none)");
        }
        try (Stream<Path> dirs = Files.list(models)) {
            List<String> names = dirs.filter(d -> Files.isRegularFile(d.resolve("config.json"))
                    && Files.isRegularFile(d.resolve("tokenizer.json"))).map(d -> d.getFileName().toString()).sorted().toList();
            return names.isEmpty() ? Stream.of("(none)") : names.stream();
        }
    }

    static Path modelsDir() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("models")) && Files.isRegularFile(dir.resolve("submit.sh"))) {
                return dir.resolve("models");
            }
        }
        return null;
    }

    @BeforeAll
    static void fixtures() {
        rows = Pairs.withModes(Pairs.toy(tmp.resolve("pairs"), 31, 3), MODES);
        manifest = Pairs.csv(tmp.resolve("pairs/manifest.csv"), rows);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("checkpoints")
    void rowCountsSchemaAndCodecOnTheRealModel(String name) throws Exception {
        assumeTrue(!name.equals("(none)"), "no tiny checkpoint in models/");
        Path model = modelsDir().resolve(name);
        Path out = tmp.resolve("out-" + name);
        Cli.Result r = Cli.run("run", "--manifest", manifest.toString(), "--model", model.toString(), "--out",
                out.toString(), "--max-new-tokens", String.valueOf(STEPS), "--variants", "all", "--partitions", "2");
        assertThat(r.code()).as("exit code on %s\n%s", name, r).isEqualTo(0);

        // the checkpoint's own description of the sizes
        JsonNode config = new ObjectMapper().readTree(model.resolve("config.json").toFile());
        JsonNode text = config.path("text_config");
        JsonNode vision = config.path("vision_config");
        int layers = text.path("num_hidden_layers").asInt();
        int heads = text.path("num_attention_heads").asInt();
        // LLaVA resizes to its image_size; a Qwen-VL model keeps the 96-pixel toy images (within its pixel bounds)
        // and merges 2x2 patches
        int grid = vision.has("image_size") ? vision.path("image_size").asInt() / vision.path("patch_size").asInt()
                : io.maskimpact.toy.ToyData.SIZE / (vision.path("patch_size").asInt() * vision.path("spatial_merge_size").asInt());
        int variants = 2 + heads + heads + 1; // Full, Attn, Head_h, AttnWeight_Head_h, AttnWeight_Avg
        Map<String, Long> stepsOf = new HashMap<>();
        for (Object[] s : sql("SELECT pair_id, count(*) FROM parquet.`%s/steps` GROUP BY pair_id", out)) {
            stepsOf.put((String) s[0], (Long) s[1]);
        }
        long expected = 0;
        try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(model.resolve("tokenizer.json"))) {
            for (Pairs.Row p : rows) {
                MaskMode mode = MaskMode.parse(p.maskMode());
                long visionTokens = mode.masks(TokenKind.VISION, false) ? (long) grid * grid : 0;
                long textTokens = mode.masks(TokenKind.TEXT, false)
                        ? tokenizer.encode(p.question(), false, false).getIds().length : 0;
                long steps = stepsOf.getOrDefault(p.pairId(), 0L);
                assertThat(steps).as("steps of %s", p.pairId()).isBetween(1L, (long) STEPS);
                for (int t = 0; t < steps; t++) {
                    long generated = mode.masks(TokenKind.GENERATED, false) ? t : 0;
                    expected += (long) layers * variants * (visionTokens + textTokens + generated);
                }
            }
        }
        assertThat(scalarSql("SELECT count(*) FROM parquet.`%s/impact`", out))
                .as("impact rows of %s = sum over pairs and steps of layers x maskable tokens x variants", name)
                .isEqualTo(expected);
        assertThat(scalarSql("SELECT count(*) - count(DISTINCT pair_id, generation_step, layer, token_position, variant) FROM parquet.`%s/impact`", out))
                .isEqualTo(0L);
        assertThat(scalarSql("SELECT count(DISTINCT layer) FROM parquet.`%s/impact`", out)).isEqualTo((long) layers);
        assertThat(sql("SELECT max(patch_row), max(patch_col) FROM parquet.`%s/impact` WHERE token_kind = 'vision'", out).get(0))
                .containsExactly(grid - 1, grid - 1);
        assertThat(scalarSql("SELECT count(*) FROM parquet.`%s/impact` WHERE isnan(l2_distance) OR isnan(cosine_distance)", out))
                .as("no NaN distances").isEqualTo(0L);
        assertThat(sql("SELECT status, count(*) FROM parquet.`%s/pairs` GROUP BY status", out)).containsExactly(row("ok", 3L));
        assertThat(spark.read().parquet(out.resolve("impact").toString()).schema().fieldNames())
                .containsExactlyInAnyOrder(OutputSchema.IMPACT_SCHEMA.fieldNames());
        List<Path> files = new ArrayList<>();
        for (String table : List.of(OutputSchema.IMPACT, OutputSchema.PAIRS, OutputSchema.STEPS)) {
            files.addAll(RunEndToEndTest.dataFiles(out.resolve(table)));
        }
        assertThat(files).isNotEmpty();
        for (Path f : files) {
            assertThat(RunEndToEndTest.codecs(f)).as("codec of %s", f).containsExactly("ZSTD");
        }
        JsonNode m = new ObjectMapper().readTree(out.resolve("_manifest.json").toFile());
        assertThat(m.path("layers").asInt()).isEqualTo(layers);
        assertThat(m.path("heads").asInt()).isEqualTo(heads);
        List<String> partitions = new ArrayList<>();
        m.path("tables").path("impact").path("partitions").forEach(p -> partitions.add(p.path("path").asText()));
        assertThat(partitions).first().isEqualTo("impact/generation_step=0");
    }

    @org.junit.jupiter.api.Test
    void demoCoversThreeModesAndSeveralSteps() throws Exception {
        Path model = modelsDir() == null ? null : modelsDir().resolve("tiny-llava");
        assumeTrue(model != null && Files.isRegularFile(model.resolve("config.json")), "models/tiny-llava is not there");
        Path out = tmp.resolve("demo");
        Cli.Result r = Cli.run("demo", "--out", out.toString(), "--model", model.toString());
        assertThat(r.code()).as("demo\n%s", r).isEqualTo(0);
        assertThat(r.out()).as("next steps").contains("Next steps:").contains("./submit.sh serve --out " + out)
                .contains("./submit.sh query --out " + out).contains("./submit.sh sql --out " + out)
                .contains("Demo inputs: " + out.resolve("_input"));
        assertThat(scalarSql("SELECT count(*) FROM parquet.`%s/pairs` WHERE status = 'ok'", out)).isEqualTo(9L);
        assertThat(sql("SELECT DISTINCT mask_mode FROM parquet.`%s/pairs` ORDER BY mask_mode", out).stream().map(a -> a[0]).toList())
                .containsExactly("both", "text", "vision");
        assertThat(((Number) scalarSql("SELECT min(steps) FROM parquet.`%s/pairs`", out)).longValue()).as("generation steps per pair")
                .isGreaterThanOrEqualTo(3L);
        assertThat(scalarSql("SELECT count(DISTINCT variant) FROM parquet.`%s/impact`", out)).as("every variant")
                .isEqualTo((long) new ObjectMapper().readTree(out.resolve("_manifest.json").toFile()).path("variants").size());

        Cli.Result again = Cli.run("demo", "--out", out.toString(), "--model", model.toString());
        assertThat(again.code()).as("a second demo in its own folder\n%s", again).isEqualTo(0);
        assertThat(scalarSql("SELECT count(DISTINCT run_id) FROM parquet.`%s/impact`", out)).as("the demo replaced its run")
                .isEqualTo(1L);
    }

    @org.junit.jupiter.api.Test
    void demoRunsTheToyQwen3VlOnItsGridAndAnswersRight() throws Exception {
        Path models = modelsDir();
        assumeTrue(models != null && Files.isRegularFile(models.resolve("tiny-qwen3-vl/config.json")),
                "models/tiny-qwen3-vl is not there");
        String home = System.getProperty("maskimpact.home");
        System.setProperty("maskimpact.home", models.getParent().toString());
        try {
            Path out = tmp.resolve("demo-qwen");
            Cli.Result r = Cli.run("demo", "--out", out.toString());
            assertThat(r.code()).as("demo\n%s", r).isEqualTo(0);
            Map<String, String> expected = new HashMap<>();
            for (String line : Files.readAllLines(out.resolve("_input/demo-manifest.jsonl"))) {
                JsonNode row = new ObjectMapper().readTree(line);
                expected.put(row.get("pair_id").asText(), row.get("answer").asText());
            }
            List<Object[]> pairs = sql("SELECT pair_id, model, grid_rows, grid_cols, answer FROM parquet.`%s/pairs`", out);
            assertThat(pairs).hasSize(expected.size());
            for (Object[] p : pairs) {
                assertThat(p[1]).as("the demo's default model").isEqualTo("tiny-qwen3-vl");
                assertThat(new Object[] {p[2], p[3]}).as("6x6 merged cells of 32 pixels").containsExactly(6, 6);
                assertThat(p[4]).as("answer of %s", p[0]).isEqualTo(expected.get((String) p[0]));
            }
        } finally {
            if (home == null) {
                System.clearProperty("maskimpact.home");
            } else {
                System.setProperty("maskimpact.home", home);
            }
        }
    }

    @org.junit.jupiter.api.Test
    void demoRefusesAFolderThatIsNotItsOwn() throws Exception {
        Path out = tmp.resolve("not-the-demos");
        Files.createDirectories(out);
        Files.writeString(out.resolve("notes.txt"), "mine");
        Cli.Result r = Cli.run("demo", "--out", out.toString());
        assertThat(r.code()).as("demo into a foreign folder\n%s", r).isEqualTo(ExitCodes.CANNOT_START);
        assertThat(r.err()).contains("not the demo's");
        try (java.util.stream.Stream<Path> s = Files.list(out)) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).as("nothing written").containsExactly("notes.txt");
        }
    }
}
