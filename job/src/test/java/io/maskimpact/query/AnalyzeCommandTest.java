package io.maskimpact.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.maskimpact.schema.OutputSchema;
import io.maskimpact.testing.Cli;
import io.maskimpact.testing.SparkTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** {@code analyze} on the fixture run: tables, their sanity, the manifest entry, and {@code query} over them. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AnalyzeCommandTest extends SparkTestBase {

    @TempDir
    static Path tempDir;


    private Path run;
    private Cli.Result analyzed;

    @BeforeAll
    void analyze() throws Exception {
        run = RunFixture.write(spark, tempDir.resolve("run"), "parquet");
        analyzed = Cli.run("analyze", "--out", run.toString(), "--k", "3");
    }

    @Test
    void writesTheThreeTables() {
        assertThat(analyzed.code()).as(analyzed.err()).isZero();
        long tokens = (long) RunFixture.PAIRS * (RunFixture.tokensAt(0) + RunFixture.tokensAt(1) + RunFixture.tokensAt(2));
        assertThat(analyzed.out()).startsWith("Analysed " + run + ": " + tokens + " token profiles of 3 layers"
                + " (Full, l2_distance), 3 clusters");
        for (String table : OutputSchema.ANALYSIS_TABLES) {
            assertThat(run.resolve(OutputSchema.ANALYSIS_DIR).resolve(table)).as(table).isDirectory();
        }
    }

    @Test
    void layerSummaryMatchesPlainSql() {
        List<Row> summary = spark.read().parquet(run.resolve("analysis/layer_summary").toString())
                .filter("variant = 'Full' AND layer = 1 AND token_kind = 'vision'").collectAsList();
        assertThat(summary).hasSize(1);
        Row expected = spark.read().parquet(run.resolve("impact").toString())
                .filter("variant = 'Full' AND layer = 1 AND token_kind = 'vision'")
                .selectExpr("count(*)", "avg(l2_distance)", "stddev_samp(l2_distance)", "max(l2_distance)",
                        "CAST(min(cosine_distance) AS DOUBLE)").first();
        Row s = summary.get(0);
        assertThat(s.getLong(s.fieldIndex(OutputSchema.ROW_COUNT))).isEqualTo(expected.getLong(0));
        assertThat(s.getDouble(s.fieldIndex(OutputSchema.L2_MEAN))).isCloseTo(expected.getDouble(1), within(1e-6));
        assertThat(s.getDouble(s.fieldIndex(OutputSchema.L2_STDDEV))).isCloseTo(expected.getDouble(2), within(1e-6));
        assertThat(s.getDouble(s.fieldIndex(OutputSchema.L2_MAX))).as("the planted patch").isEqualTo(6.0);
        assertThat(s.getDouble(s.fieldIndex(OutputSchema.COSINE_MIN))).isCloseTo(expected.getDouble(4), within(1e-6));
        long allRows = spark.read().parquet(run.resolve("analysis/layer_summary").toString())
                .filter("token_kind = 'all'").selectExpr("sum(row_count)").first().getLong(0);
        assertThat(allRows).as("the 'all' rows cover every impact row").isEqualTo(RunFixture.impactRows());
    }

    @Test
    void clustersAreNumberedByImpactAndThePlantedPatchIsInTheTopCluster() {
        List<Row> profiles = spark.read().parquet(run.resolve("analysis/cluster_profiles").toString())
                .groupBy("cluster").agg(org.apache.spark.sql.functions.avg("center"),
                        org.apache.spark.sql.functions.first("cluster_size"), org.apache.spark.sql.functions.count("*"))
                .orderBy("cluster").collectAsList();
        assertThat(profiles).hasSize(3);
        assertThat(profiles).extracting(r -> r.getLong(3)).as("one row per layer").containsOnly(3L);
        assertThat(profiles.get(0).getDouble(1)).as("cluster 0 has the highest mean centre")
                .isGreaterThan(profiles.get(1).getDouble(1));
        assertThat(profiles.get(1).getDouble(1)).isGreaterThan(profiles.get(2).getDouble(1));
        List<Row> planted = spark.read().parquet(run.resolve("analysis/token_clusters").toString())
                .filter("patch_row = 1 AND patch_col = 1").select("cluster").distinct().collectAsList();
        assertThat(planted).extracting(r -> r.getInt(0)).containsExactly(0);
        long sizes = profiles.stream().mapToLong(r -> r.getLong(2)).sum();
        long tokens = spark.read().parquet(run.resolve("analysis/token_clusters").toString()).count();
        assertThat(sizes).as("cluster sizes add up to the tokens").isEqualTo(tokens);
    }

    @Test
    void theManifestListsTheTables() throws Exception {
        JsonNode manifest = new ObjectMapper().readTree(Files.readString(run.resolve(OutputSchema.MANIFEST_FILE)));
        assertThat(manifest.path("generator").asText()).as("the rest of the manifest is kept")
                .isEqualTo("mask-impact test fixture");
        JsonNode entry = manifest.path(OutputSchema.MANIFEST_ANALYSIS_KEY);
        assertThat(entry.path("variant").asText()).isEqualTo("Full");
        assertThat(entry.path("k").asInt()).isEqualTo(3);
        for (String table : OutputSchema.ANALYSIS_TABLES) {
            JsonNode t = entry.path("tables").path(table);
            assertThat(t.path("path").asText()).isEqualTo("analysis/" + table);
            assertThat(t.path("rows").asLong()).as(table + " rows").isPositive();
            assertThat(t.path("codecs").toString()).contains("ZSTD");
            String file = t.path("files").get(0).path("path").asText();
            assertThat(run.resolve(file)).as("files are listed relative to the run").isRegularFile();
        }
    }

    @Test
    void queryOpensTheAnalysisTables() {
        Cli.Result o = Cli.run("query", "--out", run.toString(), "--output", "csv", "--sql",
                "SELECT count(DISTINCT cluster) AS clusters FROM token_clusters");
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.out()).isEqualTo("clusters\n3\n");
    }

    @Test
    void badOptionsAndUnknownVariants() {
        Cli.Result metric = Cli.run("analyze", "--out", run.toString(), "--metric", "l3");
        assertThat(metric.code()).isEqualTo(2);
        assertThat(metric.err()).startsWith("Cannot use --metric l3: expected l2_distance or cosine_distance");
        Cli.Result variant = Cli.run("analyze", "--out", run.toString(), "--variant", "Head_9");
        assertThat(variant.code()).isEqualTo(3);
        assertThat(variant.err()).startsWith("Cannot analyze run " + run + ": it has no rows of variant Head_9 (it has Attn,");
    }

    @Test
    void profilesAreClusteredInOnePartitionUntilThereAreMany() {
        assertThat(RunAnalysis.profilePartitions(45_936, 4)).as("the demo").isEqualTo(1);
        assertThat(RunAnalysis.profilePartitions(0, 4)).isEqualTo(1);
        assertThat(RunAnalysis.profilePartitions(RunAnalysis.PROFILES_PER_PARTITION * 36, 36)).isEqualTo(1);
        assertThat(RunAnalysis.profilePartitions(RunAnalysis.PROFILES_PER_PARTITION * 36 + 36, 36)).isEqualTo(2);
        assertThat(RunAnalysis.profilePartitions(1_000_000_000L, 36)).isEqualTo(112);
        assertThat(RunAnalysis.profilePartitions(Long.MAX_VALUE, 1)).as("no row count in the manifest: the shuffle's")
                .isEqualTo(Integer.MAX_VALUE);
    }
}
