package io.maskimpact.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.maskimpact.schema.OutputSchema;
import io.maskimpact.testing.SparkTestBase;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the storage benchmark writes and reports: checked on a small synthetic run, never on a time. */
class StorageBenchmarkTest extends SparkTestBase {
    private static final SyntheticImpact.Shape SHAPE = SyntheticImpactTest.SMALL;

    @TempDir
    static Path dir;

    static StorageBenchmark.Report report;

    @BeforeAll
    static void write() throws Exception {
        List<StorageBenchmark.Experiment> experiments = List.of(
                new StorageBenchmark.Experiment("sorted by Spark on the job's key (check)", OutputSchema.IMPACT_SORT_KEY,
                        Map.of(), 0, false, true),
                new StorageBenchmark.Experiment("ZSTD level 9", null, Map.of(), 9, false, true),
                new StorageBenchmark.Experiment("16-bit integer columns", null, Map.of(), 0, true, true));
        report = StorageBenchmark.run(spark, dir, SHAPE, 3, 1, experiments);
    }

    @Test
    void everyWriteHoldsEveryRow() {
        assertThat(report.rows()).isEqualTo(SHAPE.rows());
        assertThat(scalarSql("SELECT count(*) FROM parquet.`%s`", dir.resolve("job/impact"))).isEqualTo(SHAPE.rows());
        assertThat(scalarSql("SELECT count(*) FROM parquet.`%s`", dir.resolve("parquet-default"))).isEqualTo(SHAPE.rows());
        assertThat(spark.read().option("header", "true").csv(dir.resolve("csv").toString()).count()).isEqualTo(SHAPE.rows());
        assertThat(spark.read().json(dir.resolve("jsonl").toString()).count()).isEqualTo(SHAPE.rows());
        for (int i = 0; i < 3; i++) {
            assertThat(scalarSql("SELECT count(*) FROM parquet.`%s`", dir.resolve("experiment-" + i)))
                    .as("experiment %d", i).isEqualTo(SHAPE.rows());
        }
    }

    @Test
    void theJobsTableIsWhatARunWrites() {
        // partitioned by generation_step, rounded to 4 decimals, the job's schema and ZSTD
        assertThat(scalarSql("SELECT count(DISTINCT generation_step) FROM parquet.`%s`", dir.resolve("job/impact")))
                .isEqualTo((long) SHAPE.steps());
        assertThat(scalarSql("SELECT max(abs(l2_distance * 10000 - round(l2_distance * 10000))) < 0.01 FROM parquet.`%s`",
                dir.resolve("job/impact"))).isEqualTo(true);
        assertThat(spark.read().parquet(dir.resolve("job/impact").toString()).schema().fieldNames())
                .containsExactlyInAnyOrder(OutputSchema.IMPACT_SCHEMA.fieldNames());
        assertThat(report.job().columnBytes().keySet()).as("every column but the partition column")
                .contains(OutputSchema.L2_DISTANCE, OutputSchema.TOKEN_MASKED)
                .doesNotContain(OutputSchema.GENERATION_STEP);
    }

    @Test
    void theJobsUnsortedWriteGivesTheFilesASparkSortOnTheKeyGives() {
        StorageBenchmark.Measurement sorted = report.experiments().get(0);
        assertThat(sorted.bytes()).as("rows already in the key's order, byte for byte").isEqualTo(report.job().bytes());
        assertThat(sorted.columnBytes()).isEqualTo(report.job().columnBytes());
        assertThat(sql("SELECT * FROM parquet.`%s` EXCEPT ALL SELECT * FROM parquet.`%s`", dir.resolve("experiment-0"),
                dir.resolve("job/impact"))).as("same rows").isEmpty();
    }

    @Test
    void distanceColumnsAreTriedInEncodingsSparkCannotWrite() {
        assertThat(report.distanceEncodings()).extracting(StorageBenchmark.Measurement::name)
                .containsExactly("dictionary (the job's: parquet-java's default)", "BYTE_STREAM_SPLIT, no dictionary",
                        "PLAIN, no dictionary");
        for (StorageBenchmark.Measurement m : report.distanceEncodings()) {
            assertThat(m.files()).as(m.name()).isEqualTo(SHAPE.steps());
            assertThat(m.columnBytes()).as(m.name()).containsKeys(OutputSchema.L2_DISTANCE, OutputSchema.COSINE_DISTANCE);
        }
        Path bss = dir.resolve("distances/BYTE-STREAM-SPLIT-no-dictionary");
        // one more reason the job cannot use it: Spark 3.5's vectorized reader (its default) rejects it
        assertThatThrownBy(() -> scalarSql("SELECT sum(l2_distance) FROM parquet.`%s`", bss))
                .hasStackTraceContaining("Unsupported encoding: BYTE_STREAM_SPLIT");
        withSQLConf(Map.of("spark.sql.parquet.enableVectorizedReader", "false"), () -> {
            assertThat(scalarSql("SELECT count(*) FROM parquet.`%s`", bss)).as("every row").isEqualTo(SHAPE.rows());
            assertThat(sql("SELECT l2_distance, cosine_distance FROM parquet.`%s` EXCEPT ALL "
                    + "SELECT l2_distance, cosine_distance FROM parquet.`%s`", bss, dir.resolve("job/impact")))
                    .as("the job's values").isEmpty();
        });
        assertThat(report.markdown("x")).contains("| BYTE_STREAM_SPLIT, no dictionary |");
    }

    @Test
    void sizesAddUp() {
        for (StorageBenchmark.Measurement m : report.experiments()) {
            long columns = m.columnBytes().values().stream().mapToLong(Long::longValue).sum();
            assertThat(columns).as("%s: column chunks + footers = file sizes", m.name()).isEqualTo(m.bytes());
            assertThat(m.files()).as("%s: one file per step (one task)", m.name()).isEqualTo(SHAPE.steps());
        }
        StorageBenchmark.Measurement csv = report.baselines().get(0);
        assertThat(csv.bytes()).as("CSV is larger than any Parquet").isGreaterThan(report.job().bytes());
    }

    @Test
    void narrowIntegersAreStillInt32InTheFiles() throws Exception {
        // the viewer reads INT32 columns; Spark's ShortType is INT32 annotated INT(16)
        assertThat(scalarSql("SELECT typeof(layer) FROM parquet.`%s` LIMIT 1", dir.resolve("experiment-2")))
                .isEqualTo("smallint");
        String file = spark.read().parquet(dir.resolve("experiment-2").toString()).inputFiles()[0];
        org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(new java.net.URI(file));
        try (org.apache.parquet.hadoop.ParquetFileReader reader = org.apache.parquet.hadoop.ParquetFileReader.open(
                org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(path, spark.sparkContext().hadoopConfiguration()))) {
            assertThat(reader.getFooter().getFileMetaData().getSchema().getType(OutputSchema.LAYER)
                    .asPrimitiveType().getPrimitiveTypeName().name()).isEqualTo("INT32");
        }
    }

    @Test
    void viewerSlabFetchIsMeasuredForRowsGroupedByPairAndVariant() {
        assertThat(report.job().slabBytes()).as("the job's sort groups a pair's variant").isPositive();
        assertThat(report.job().slabBytes()).as("a slab reads less than the step's files")
                .isLessThan((double) report.job().bytes());
        assertThat(report.baselines().get(0).slabBytes()).as("not measured for CSV").isZero();
    }

    @Test
    void markdownReportsEveryWrite() {
        String md = report.markdown("./submit.sh bench storage --out x");
        assertThat(md).startsWith("## Storage: bytes per impact row")
                .contains("Command: `./submit.sh bench storage --out x`")
                .contains("CSV (Spark, header, uncompressed)", "JSON Lines (Spark, uncompressed)",
                        "Spark default Parquet (snappy, doubles)", "job writer (ZSTD 6)")
                .contains("| ZSTD level 9 |", "| 16-bit integer columns |")
                .contains("| " + OutputSchema.L2_DISTANCE + " |");
        assertThat(report.bestViewerSafe()).isNotNull();
    }
}
