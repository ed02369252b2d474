package io.maskimpact.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.maskimpact.analysis.FakeAnalyzer;
import io.maskimpact.analysis.MaskMode;
import io.maskimpact.model.TokenKind;
import io.maskimpact.schema.OutputSchema;
import io.maskimpact.testing.Cli;
import io.maskimpact.testing.FakeModels;
import io.maskimpact.testing.ImpactFiles;
import io.maskimpact.testing.Pairs;
import io.maskimpact.testing.SparkTestBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job end to end through the real command line, on the fake model family: row counts,
 * schema, partition layout, codec in the footers, small tables and the run manifest.
 */
class RunEndToEndTest extends SparkTestBase {
    private static final int LAYERS = 2;
    private static final int HEADS = 2;
    private static final int GRID_ROWS = 2;
    private static final int GRID_COLS = 3;
    private static final int STEPS = 3;

    @TempDir
    static Path tmp;
    static Path model;
    static List<Pairs.Row> rows;
    static Path manifest;

    @BeforeAll
    static void fixtures() {
        model = FakeModels.save(tmp.resolve("fake-model"), FakeModels.config(tmp, LAYERS, HEADS, GRID_ROWS, GRID_COLS));
        // against pair_id order, so that the files' order comes from the job, not from the manifest
        List<Pairs.Row> toy = new java.util.ArrayList<>(Pairs.withModes(Pairs.toy(tmp.resolve("pairs"), 11, 6), "vision", "text", "both"));
        java.util.Collections.reverse(toy);
        rows = toy;
        manifest = Pairs.csv(tmp.resolve("pairs/manifest.csv"), rows);
    }

    /** Rows of one pair, counted from the fake tokenizer's rules, not from the job's output. */
    static long expectedRows(Pairs.Row r, int steps, int variants) {
        MaskMode mode = MaskMode.parse(r.maskMode() == null ? "both" : r.maskMode());
        long vision = mode.masks(TokenKind.VISION, false) ? GRID_ROWS * GRID_COLS : 0;
        long text = mode.masks(TokenKind.TEXT, false) ? FakeAnalyzer.words(r.question()).length : 0;
        long total = 0;
        for (int t = 0; t < steps; t++) {
            long generated = mode.masks(TokenKind.GENERATED, false) ? t : 0;
            total += (long) LAYERS * (vision + text + generated) * variants;
        }
        return total;
    }

    @Test
    void writesTheContractTables() throws IOException {
        Path out = tmp.resolve("out-basic");
        Cli.Result r = Cli.run("run", "--manifest", manifest.toString(), "--model", model.toString(), "--out",
                out.toString(), "--max-new-tokens", String.valueOf(STEPS), "--partitions", "2");
        assertThat(r.code()).as("exit code of a clean run\n%s", r).isEqualTo(0);

        int variants = 2 + HEADS; // Full, Attn, Head_0..H-1
        long expected = rows.stream().mapToLong(p -> expectedRows(p, STEPS, variants)).sum();
        assertThat(scalarSql("SELECT count(*) FROM parquet.`%s/impact`", out)).as("impact rows = pairs x steps x layers x tokens x variants")
                .isEqualTo(expected);
        assertThat(scalarSql("SELECT count(*) FROM (SELECT DISTINCT run_id, pair_id, generation_step, layer, token_position, variant FROM parquet.`%s/impact`)", out))
                .as("no duplicate row keys").isEqualTo(expected);

        // schema and layout
        assertThat(spark.read().parquet(out.resolve("impact").toString()).schema().fieldNames())
                .as("impact columns (partition column read last)")
                .containsExactlyInAnyOrder(OutputSchema.IMPACT_SCHEMA.fieldNames());
        try (Stream<Path> dirs = Files.list(out.resolve("impact"))) {
            Set<String> partitions = dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .collect(Collectors.toCollection(TreeSet::new));
            assertThat(partitions).as("one partition folder per generation step")
                    .containsExactly("generation_step=0", "generation_step=1", "generation_step=2");
        }
        List<Path> files = dataFiles(out.resolve("impact"));
        assertThat(files).as("impact files").isNotEmpty()
                .allSatisfy(f -> assertThat(f.getFileName().toString()).matches("part-.*\\.zstd\\.parquet"));
        for (Path f : files) {
            assertThat(codecs(f)).as("codec of every column chunk in %s", f).containsExactly("ZSTD");
            for (String column : List.of(OutputSchema.RUN_ID, OutputSchema.PAIR_ID, OutputSchema.TOKEN_MASKED,
                    OutputSchema.TOKEN_KIND, OutputSchema.VARIANT)) {
                assertThat(encodings(f, column)).as("%s is dictionary-encoded in %s", column, f)
                        .containsAnyOf("PLAIN_DICTIONARY", "RLE_DICTIONARY");
            }
            assertThat(types(f)).as("physical types in %s", f).containsEntry(OutputSchema.L2_DISTANCE, "FLOAT")
                    .containsEntry(OutputSchema.COSINE_DISTANCE, "FLOAT");
        }
        assertThat(ImpactFiles.assertRowsInKeyOrder(spark, out.resolve("impact"))).as("files checked")
                .isEqualTo(2 * STEPS);
        assertThat(sql("SELECT DISTINCT variant FROM parquet.`%s/impact` ORDER BY variant", out).stream().map(a -> a[0]).toList())
                .containsExactly("Attn", "Full", "Head_0", "Head_1");
        assertThat(scalarSql("SELECT count(*) FROM parquet.`%s/impact` WHERE token_kind = 'vision' AND (patch_row IS NULL OR patch_col IS NULL)", out))
                .as("vision rows have a grid cell").isEqualTo(0L);
        assertThat(scalarSql("SELECT count(*) FROM parquet.`%s/impact` WHERE token_kind <> 'vision' AND patch_row IS NOT NULL", out))
                .as("other rows have none").isEqualTo(0L);
        assertThat(scalarSql("SELECT typeof(l2_distance) FROM parquet.`%s/impact` LIMIT 1", out)).isEqualTo("float");

        // small tables
        assertThat(sql("SELECT status, count(*) FROM parquet.`%s/pairs` GROUP BY status", out))
                .containsExactly(row("ok", 6L));
        assertThat(scalarSql("SELECT count(*) FROM parquet.`%s/steps`", out)).isEqualTo(6L * STEPS);
        assertThat(scalarSql("SELECT count(*) FROM parquet.`%s/errors`", out)).isEqualTo(0L);
        assertThat(scalarSql("SELECT sum(impact_rows) FROM parquet.`%s/pairs`", out)).isEqualTo(expected);

        // the run manifest lists every data file with its size
        JsonNode m = new ObjectMapper().readTree(out.resolve("_manifest.json").toFile());
        assertThat(m.path("format_version").asInt()).isEqualTo(1);
        Set<String> listed = new TreeSet<>();
        m.path("tables").path("impact").path("partitions").forEach(p -> p.path("files").forEach(f -> {
            listed.add(f.path("path").asText());
            assertThat(f.path("bytes").asLong()).isEqualTo(size(out.resolve(f.path("path").asText())));
        }));
        assertThat(listed).isEqualTo(files.stream().map(f -> out.relativize(f).toString()).collect(Collectors.toCollection(TreeSet::new)));
        assertThat(r.out()).contains("6 ok, 0 failed").contains("ZSTD in every column chunk");
    }

    @Test
    void theModelIsLoadedOncePerJvmAndDevice() {
        Path fresh = FakeModels.write(tmp.resolve("fresh-model"));
        int before = io.maskimpact.testing.FakeBackend.LOADS.get();
        for (String out : new String[] {"out-once-1", "out-once-2"}) {
            Cli.Result r = Cli.run("run", "--manifest", manifest.toString(), "--model", fresh.toString(), "--out",
                    tmp.resolve(out).toString(), "--max-new-tokens", "1", "--partitions", "3");
            assertThat(r.code()).as("%s", r).isEqualTo(0);
        }
        assertThat(io.maskimpact.testing.FakeBackend.LOADS.get() - before)
                .as("loads for 2 runs of 3 tasks each in one JVM (driver check included)").isEqualTo(1);
    }

    @Test
    void limitTakesTheFirstRowsAndCsvHoldsTheSameRows() throws IOException {
        Path out = tmp.resolve("out-limit");
        Cli.Result r = Cli.run("run", "--manifest", manifest.toString(), "--model", model.toString(), "--out",
                out.toString(), "--max-new-tokens", "2", "--limit", "4", "--csv", "--round-decimals", "3",
                "--variants", "full,attn-weights");
        assertThat(r.code()).as("exit code\n%s", r).isEqualTo(0);
        assertThat(sql("SELECT pair_id FROM parquet.`%s/pairs` ORDER BY pair_id", out).stream().map(a -> a[0]).toList())
                .as("--limit 4 analyses the manifest's first 4 rows")
                .containsExactlyElementsOf(rows.subList(0, 4).stream().map(Pairs.Row::pairId).sorted().toList());
        int variants = 1 + HEADS + 1; // Full, AttnWeight_Head_0..H-1, AttnWeight_Avg
        long expected = rows.subList(0, 4).stream().mapToLong(p -> expectedRows(p, 2, variants)).sum();
        assertThat(scalarSql("SELECT count(*) FROM parquet.`%s/impact`", out)).isEqualTo(expected);
        assertThat(scalarSql("SELECT count(*) FROM parquet.`%s/impact` WHERE abs(l2_distance * 1000 - round(l2_distance * 1000)) > 1e-3", out))
                .as("distances rounded to 3 decimals").isEqualTo(0L);

        // CSV export: one file per table, same rows as the Parquet tables
        for (String table : OutputSchema.TABLES) {
            Path csv = out.resolve("csv").resolve(table + ".csv");
            assertThat(csv).as("CSV export of %s", table).isRegularFile();
            org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> fromCsv = spark.read().option("header", "true")
                    .option("escape", "\"").option("multiLine", "true").schema(io.maskimpact.output.CsvExport.schema(table))
                    .csv(csv.toString());
            org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> fromParquet = spark.read()
                    .parquet(out.resolve(table).toString()).select(io.maskimpact.output.CsvExport.columns(table));
            assertThat(fromCsv.count()).as("%s rows in CSV", table).isEqualTo(fromParquet.count());
            assertThat(fromCsv.exceptAll(fromParquet).count()).as("%s: CSV rows missing from Parquet", table).isEqualTo(0L);
            assertThat(fromParquet.exceptAll(fromCsv).count()).as("%s: Parquet rows missing from CSV", table).isEqualTo(0L);
        }
    }

    @Test
    void badPairsBecomeErrorRowsAndTheRunGoesOn() throws IOException {
        Path dir = tmp.resolve("bad");
        List<Pairs.Row> good = Pairs.toy(dir, 12, 3);
        Files.writeString(dir.resolve("images/not-an-image.png"), "hello, I am text");
        Files.write(dir.resolve("images/empty.png"), new byte[0]);
        List<Pairs.Row> all = new java.util.ArrayList<>(good);
        all.add(new Pairs.Row("missing", "images/nope.png", "what is it?", null, null));
        all.add(new Pairs.Row("text-file", "images/not-an-image.png", "what is it?", null, null));
        all.add(new Pairs.Row("zero-bytes", "images/empty.png", "what is it?", null, null));
        all.add(new Pairs.Row("blank-question", good.get(0).image(), "   ", null, null));
        all.add(new Pairs.Row(good.get(1).pairId(), good.get(1).image(), "a duplicate id", null, null));
        all.add(new Pairs.Row("escapes", "../../etc/passwd", "what is it?", null, null));
        all.add(new Pairs.Row("bad-mode", good.get(0).image(), "what is it?", null, "sideways"));
        all.add(new Pairs.Row("too-long", good.get(0).image(), "word ".repeat(40), null, null));
        Path m = Pairs.csv(dir.resolve("manifest.csv"), all);
        Path small = FakeModels.save(tmp.resolve("fake-small-context"),
                FakeModels.config(tmp, LAYERS, HEADS, GRID_ROWS, GRID_COLS).put("max_context", 30));
        Path out = tmp.resolve("out-bad");
        Cli.Result r = Cli.run("run", "--manifest", m.toString(), "--model", small.toString(), "--out", out.toString(),
                "--max-new-tokens", "2");
        assertThat(r.code()).as("some pairs succeeded: exit 0\n%s", r).isEqualTo(0);
        List<Object[]> errors = sql("SELECT pair_id, stage, error_class, message FROM parquet.`%s/errors` ORDER BY pair_id, stage", out);
        assertThat(errors.stream().map(e -> e[0] + "/" + e[1]).toList()).as("one errors row per rejected input")
                .containsExactlyInAnyOrder("missing/image", "text-file/image", "zero-bytes/image", "blank-question/prompt",
                        good.get(1).pairId() + "/manifest", "escapes/image", "bad-mode/manifest", "too-long/prompt");
        assertThat(errors).allSatisfy(e -> assertThat((String) e[3]).as("message of %s", e[0]).startsWith("Cannot ")
                .doesNotContain("\n"));
        assertThat(sql("SELECT pair_id, status FROM parquet.`%s/pairs` ORDER BY pair_id", out).stream()
                .map(e -> e[0] + "=" + e[1]).toList())
                .as("analysed or attempted pairs have a pairs row; manifest rejections do not")
                .containsExactlyInAnyOrder(good.get(0).pairId() + "=ok", good.get(1).pairId() + "=ok",
                        good.get(2).pairId() + "=ok", "missing=error", "text-file=error", "zero-bytes=error",
                        "too-long=error");
        assertThat(scalarSql("SELECT count(DISTINCT pair_id) FROM parquet.`%s/impact`", out)).isEqualTo(3L);
        assertThat(scalarSql("SELECT image FROM parquet.`%s/pairs` WHERE pair_id = '%s'", out, good.get(0).pairId()))
                .as("the image is copied into the run").isEqualTo("images/" + good.get(0).pairId() + ".png");
        assertThat(out.resolve("images/" + good.get(0).pairId() + ".png")).isRegularFile();
    }

    @Test
    void nothingAnalysedIsExitCode4AndBadInputsAre3() throws IOException {
        Path dir = tmp.resolve("none");
        Files.createDirectories(dir);
        Path m = Pairs.csv(dir.resolve("m.csv"), List.of(new Pairs.Row("a", "nope.png", "q?", null, null)));
        Cli.Result none = Cli.run("run", "--manifest", m.toString(), "--model", model.toString(), "--out",
                tmp.resolve("out-none").toString());
        assertThat(none.code()).as("no pair analysed\n%s", none).isEqualTo(ExitCodes.NOTHING_ANALYSED);
        assertThat(scalarSql("SELECT count(*) FROM parquet.`%s/impact`", tmp.resolve("out-none")))
                .as("an empty impact table is still readable").isEqualTo(0L);

        Files.writeString(dir.resolve("cols.csv"), "id,image,question\na,b,c\n");
        Cli.Result badManifest = Cli.run("run", "--manifest", dir.resolve("cols.csv").toString(), "--model",
                model.toString(), "--out", tmp.resolve("out-x").toString());
        assertThat(badManifest.code()).isEqualTo(ExitCodes.CANNOT_START);
        assertThat(badManifest.err()).contains("missing required column pair_id");
        assertThat(tmp.resolve("out-x")).as("nothing written").doesNotExist();

        Cli.Result badModel = Cli.run("run", "--manifest", manifest.toString(), "--model",
                tmp.resolve("no-such-model").toString(), "--out", tmp.resolve("out-y").toString());
        assertThat(badModel.code()).isEqualTo(ExitCodes.CANNOT_START);
        assertThat(badModel.err().strip().lines().count()).as("one line says what to fix: %s", badModel.err()).isEqualTo(1);
        assertThat(tmp.resolve("out-y")).doesNotExist();

        Cli.Result usage = Cli.run("run", "--manifest", manifest.toString(), "--out", tmp.resolve("out-z").toString(),
                "--mask-mode", "sideways");
        assertThat(usage.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(usage.err()).contains("--mask-mode").contains("sideways");
    }

    @Test
    void aFailedTaskStopsTheRunWithExitCode1AndAHintToResume() {
        com.fasterxml.jackson.databind.node.ObjectNode config = FakeModels.config(tmp, LAYERS, HEADS, GRID_ROWS, GRID_COLS);
        config.putArray("crash_pairs").add(rows.get(1).pairId());
        Path crashing = FakeModels.save(tmp.resolve("crashing-model"), config);
        Cli.Result r = Cli.run("run", "--manifest", manifest.toString(), "--model", crashing.toString(), "--out",
                tmp.resolve("out-crash").toString(), "--max-new-tokens", "1");
        assertThat(r.code()).as("%s", r).isEqualTo(ExitCodes.SOFTWARE);
        assertThat(r.err()).contains("Run failed: the fake model crashed on pair " + rows.get(1).pairId())
                .contains("--mode resume");
        assertThat(tmp.resolve("out-crash/_manifest.json")).as("no manifest for a failed run").doesNotExist();
    }

    static List<Path> dataFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".parquet") && !p.getFileName().toString().startsWith("."))
                    .sorted().toList();
        }
    }

    static Set<String> codecs(Path file) throws IOException {
        Configuration conf = new Configuration();
        FileStatus st = FileSystem.getLocal(conf).getFileStatus(new org.apache.hadoop.fs.Path(file.toUri()));
        Set<String> codecs = new TreeSet<>();
        try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromStatus(st, conf))) {
            for (BlockMetaData b : reader.getFooter().getBlocks()) {
                for (ColumnChunkMetaData c : b.getColumns()) {
                    codecs.add(c.getCodec().name());
                }
            }
        }
        return codecs;
    }

    static Set<String> encodings(Path file, String column) throws IOException {
        Set<String> found = new TreeSet<>();
        try (ParquetFileReader reader = open(file)) {
            for (BlockMetaData b : reader.getFooter().getBlocks()) {
                for (ColumnChunkMetaData c : b.getColumns()) {
                    if (c.getPath().toDotString().equals(column)) {
                        c.getEncodings().forEach(e -> found.add(e.name()));
                    }
                }
            }
        }
        return found;
    }

    static java.util.Map<String, String> types(Path file) throws IOException {
        java.util.Map<String, String> types = new java.util.TreeMap<>();
        try (ParquetFileReader reader = open(file)) {
            reader.getFooter().getFileMetaData().getSchema().getColumns()
                    .forEach(c -> types.put(c.getPath()[0], c.getPrimitiveType().getPrimitiveTypeName().name()));
        }
        return types;
    }

    private static ParquetFileReader open(Path file) throws IOException {
        Configuration conf = new Configuration();
        FileStatus st = FileSystem.getLocal(conf).getFileStatus(new org.apache.hadoop.fs.Path(file.toUri()));
        return ParquetFileReader.open(HadoopInputFile.fromStatus(st, conf));
    }

    static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
