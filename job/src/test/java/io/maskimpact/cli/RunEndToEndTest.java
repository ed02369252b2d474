package io.maskimpact.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.maskimpact.analysis.FakeAnalyzer;
import io.maskimpact.analysis.MaskMode;
import io.maskimpact.analysis.TokenKind;
import io.maskimpact.schema.OutputSchema;
import io.maskimpact.testing.Cli;
import io.maskimpact.testing.FakeModels;
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
        rows = Pairs.withModes(Pairs.toy(tmp.resolve("pairs"), 11, 6), "vision", "text", "both");
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
        }
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

    static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
