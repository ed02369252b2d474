package io.maskimpact.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.maskimpact.schema.OutputSchema;
import io.maskimpact.testing.Cli;
import io.maskimpact.testing.FakeModels;
import io.maskimpact.testing.Pairs;
import io.maskimpact.testing.SparkTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code query} and {@code analyze} on runs the real job wrote (through the CLI, with the fake
 * model family), in Parquet and in Delta: the views see every row the job reports, and
 * {@code analyze} adds its entry to the job's manifest without disturbing the rest.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobOutputQueryTest extends SparkTestBase {

    @TempDir
    static Path tmp;

    private Path manifest;
    private Path model;

    @BeforeAll
    void inputs() {
        model = FakeModels.save(tmp.resolve("fake-model"), FakeModels.config(tmp, 3, 2, 2, 3));
        List<Pairs.Row> rows = Pairs.withModes(Pairs.toy(tmp.resolve("pairs"), 5, 3), "vision", "text", "both");
        manifest = Pairs.csv(tmp.resolve("pairs/manifest.csv"), rows);
    }

    private Path runJob(String name, String format) {
        Path out = tmp.resolve(name);
        Cli.Result r = Cli.run("run", "--manifest", manifest.toString(), "--model", model.toString(), "--out",
                out.toString(), "--max-new-tokens", "2", "--partitions", "2", "--format", format);
        assertThat(r.code()).as("the job's run\n%s", r).isZero();
        return out;
    }

    @Test
    void parquetRunQueriedAndAnalysed() throws Exception {
        Path out = runJob("parquet-run", "parquet");
        Cli.Result counts = Cli.run("query", "--out", out.toString(), "--output", "csv", "--sql",
                "SELECT (SELECT count(*) FROM impact) AS rows,"
                        + " (SELECT sum(impact_rows) FROM pairs WHERE status = 'ok') AS reported,"
                        + " (SELECT count(*) FROM steps) AS steps, (SELECT count(*) FROM errors) AS errors");
        assertThat(counts.code()).as(counts.toString()).isZero();
        String[] values = counts.out().lines().toList().get(1).split(",");
        assertThat(values[0]).as("impact rows = the rows the pairs table reports").isEqualTo(values[1]);
        assertThat(Long.parseLong(values[0])).isPositive();

        Cli.Result analyzed = Cli.run("analyze", "--out", out.toString(), "--k", "2");
        assertThat(analyzed.code()).as(analyzed.toString()).isZero();
        JsonNode m = new ObjectMapper().readTree(Files.readString(out.resolve(OutputSchema.MANIFEST_FILE)));
        assertThat(m.path("tables").has(OutputSchema.IMPACT)).as("the job's table listing is kept").isTrue();
        assertThat(m.path("runs").size()).as("the job's runs are kept").isEqualTo(1);
        assertThat(m.path(OutputSchema.MANIFEST_ANALYSIS_KEY).path("tables").has(OutputSchema.TOKEN_CLUSTERS)).isTrue();

        Cli.Result clusters = Cli.run("query", "--out", out.toString(), "--output", "csv", "--sql",
                "SELECT count(*) AS n FROM token_clusters t JOIN impact i USING (run_id, pair_id, generation_step,"
                        + " token_position) WHERE i.variant = 'Full' AND i.layer = 0");
        assertThat(clusters.code()).as(clusters.toString()).isZero();
        assertThat(clusters.out()).as("every clustered token is a token of the run")
                .isEqualTo("n\n" + sql("SELECT count(*) FROM parquet.`%s`", out.resolve("analysis/token_clusters"))
                        .get(0)[0] + "\n");
    }

    @Test
    void deltaRunQueried() {
        Path out = runJob("delta-run", "delta");
        Cli.Result r = Cli.run("query", "--out", out.toString(), "--output", "csv", "--sql",
                "SELECT count(*) = (SELECT sum(impact_rows) FROM pairs WHERE status = 'ok') AS complete FROM impact");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("complete\ntrue\n");
    }
}
