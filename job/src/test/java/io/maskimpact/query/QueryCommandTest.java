package io.maskimpact.query;

import static org.assertj.core.api.Assertions.assertThat;

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

/** {@code query} through its picocli command, on a Parquet and a Delta fixture run. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueryCommandTest extends SparkTestBase {

    @TempDir
    static Path tempDir;


    private Path run;

    @BeforeAll
    void writeRun() throws Exception {
        run = RunFixture.write(spark, tempDir.resolve("run"), "parquet");
    }

    private Cli.Result query(String... args) {
        String[] all = new String[args.length + 3];
        all[0] = "query";
        all[1] = "--out";
        all[2] = run.toString();
        System.arraycopy(args, 0, all, 3, args.length);
        return Cli.run(all);
    }

    @Test
    void viewsOverTheRunTables() {
        Cli.Result o = query("--output", "csv", "--sql", "SELECT (SELECT count(*) FROM impact) AS impact,"
                + " (SELECT count(*) FROM pairs) AS pairs, (SELECT count(*) FROM steps) AS steps,"
                + " (SELECT count(*) FROM errors) AS errors");
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.out()).isEqualTo("impact,pairs,steps,errors\n" + RunFixture.impactRows() + ",3,"
                + RunFixture.PAIRS * RunFixture.STEPS + ",1\n");
    }

    @Test
    void impactEffectsJoinsEachTokensRowsWithTheEffectOfHidingIt() {
        Cli.Result o = query("--output", "csv", "--sql", "SELECT count(*) AS n, count(DISTINCT layers) AS windows,"
                + " count_if(top1_flip) AS flipped, count_if(top1_flip AND patch_row = 1 AND patch_col = 1) AS planted,"
                + " (SELECT count(*) FROM impact_effects x JOIN effects e USING (run_id, pair_id, generation_step,"
                + " token_position) WHERE x.kl_divergence <> e.kl_divergence OR x.token_masked <> e.token_masked) AS"
                + " mismatched FROM impact_effects");
        assertThat(o.code()).as(o.err()).isZero();
        long withoutBos = RunFixture.impactRows()
                - (long) RunFixture.PAIRS * RunFixture.STEPS * RunFixture.LAYERS * RunFixture.VARIANTS.size();
        long plantedRows = (long) RunFixture.PAIRS * RunFixture.STEPS * RunFixture.LAYERS * RunFixture.VARIANTS.size();
        assertThat(o.out()).as("every impact row but <s>'s, which effects does not hide")
                .isEqualTo("n,windows,flipped,planted,mismatched\n" + withoutBos + ",1," + plantedRows + "," + plantedRows
                        + ",0\n");
    }

    @Test
    void tableOutputEscapesControlCharacters() {
        Cli.Result o = query("--sql", "SELECT 'a\\nb' AS t, CAST(NULL AS STRING) AS n, concat('x', char(27), '[31m') AS esc");
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.out()).isEqualTo("""
                +------+------+-------------+
                | t    | n    | esc         |
                +------+------+-------------+
                | a\\nb | NULL | x\\u001b[31m |
                +------+------+-------------+
                1 row
                """);
    }

    @Test
    void jsonLinesAndTheFunctions() {
        Cli.Result o = query("--output", "json", "--sql", "SELECT layer, mi_top_tokens(token_masked, l2_distance, 1) AS top"
                + " FROM impact WHERE variant = 'Full' AND token_kind = 'text' GROUP BY layer ORDER BY layer");
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.out().lines().toList()).containsExactly(
                "{\"layer\":0,\"top\":[{\"token\":\"circle\",\"value\":2.0}]}",
                "{\"layer\":1,\"top\":[{\"token\":\"circle\",\"value\":3.0}]}",
                "{\"layer\":2,\"top\":[{\"token\":\"circle\",\"value\":4.0}]}");
    }

    @Test
    void multipleStatementsFromAFileAndTheRowLimit() throws Exception {
        Path file = tempDir.resolve("q.sql");
        Files.writeString(file, "CREATE OR REPLACE TEMPORARY VIEW v AS SELECT DISTINCT variant FROM impact;\n"
                + "SELECT * FROM v ORDER BY variant;\nSELECT count(*) AS n FROM v;\n");
        Cli.Result o = query("--file", file.toString(), "--output", "csv", "--max-rows", "2");
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.out()).isEqualTo("variant\nAttn\nAttnWeight_Avg\nn\n7\n");
        assertThat(o.err()).contains("Statement 2: showing the first 2 rows");
    }

    @Test
    void plainParquetPathsWork() {
        Cli.Result o = query("--output", "csv", "--sql",
                "SELECT count(*) FROM parquet.`" + run.resolve("impact/generation_step=0") + "`");
        assertThat(o.code()).as(o.err()).isZero();
        long step0 = (long) RunFixture.PAIRS * RunFixture.LAYERS * RunFixture.tokensAt(0) * RunFixture.VARIANTS.size();
        assertThat(o.out()).endsWith("\n" + step0 + "\n");
    }

    @Test
    void saveWritesTheWholeLastResult() {
        Path saved = tempDir.resolve("saved");
        Cli.Result o = query("--output", "csv", "--save", saved.toString(), "--max-rows", "1",
                "--sql", "SELECT pair_id, generation_step, generated_token FROM steps");
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.out()).isEmpty();
        List<Row> back = spark.read().option("header", "true").csv(saved.toString()).collectAsList();
        assertThat(back).as("--max-rows limits printing, not --save").hasSize(RunFixture.PAIRS * RunFixture.STEPS);
    }

    @Test
    void badStatementsAreUsageErrors() {
        Cli.Result o = query("--sql", "SELECT nope FROM impact");
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err()).startsWith("Cannot run statement (SELECT nope FROM impact): ").contains("nope");
        Cli.Result parse = query("--sql", "SELECT 1; SELEC 2");
        assertThat(parse.code()).isEqualTo(2);
        assertThat(parse.err()).startsWith("Cannot run statement 2 of 2 (SELEC 2): ");
        Cli.Result format = query("--output", "xml", "--sql", "SELECT 1");
        assertThat(format.code()).isEqualTo(2);
        assertThat(format.err()).startsWith("Invalid value for --output: xml (expected table, csv or json)");
        Cli.Result both = query("--sql", "SELECT 1", "--file", "x.sql");
        assertThat(both.code()).as("--sql and --file exclude each other").isEqualTo(2);
    }

    @Test
    void aFolderThatIsNotARun() {
        Cli.Result o = Cli.run("query", "--out", tempDir.resolve("nothing").toString(), "--sql", "SELECT 1");
        assertThat(o.code()).isEqualTo(3);
        assertThat(o.err()).startsWith("Cannot open run " + tempDir.resolve("nothing") + ": it does not exist or is empty");
    }

    @Test
    void deltaRunsAndTimeTravel() throws Exception {
        Path delta = RunFixture.write(spark, tempDir.resolve("delta-run"), "delta");
        // A second version of pairs: one more row.
        spark.sql("SELECT * FROM delta.`" + delta.resolve("pairs") + "` LIMIT 1").write().format("delta")
                .mode("append").save(delta.resolve("pairs").toString());
        Cli.Result latest = Cli.run("query", "--out", delta.toString(), "--output", "csv",
                "--sql", "SELECT count(*) AS n FROM pairs");
        Cli.Result first = Cli.run("query", "--out", delta.toString(), "--output", "csv",
                "--version-as-of", "0", "--sql", "SELECT count(*) AS n FROM pairs");
        assertThat(latest.code()).as(latest.err()).isZero();
        assertThat(latest.out()).isEqualTo("n\n4\n");
        assertThat(first.out()).isEqualTo("n\n3\n");
        Cli.Result impact = Cli.run("query", "--out", delta.toString(), "--output", "csv",
                "--sql", "SELECT count(*) AS n FROM impact");
        assertThat(impact.out()).isEqualTo("n\n" + RunFixture.impactRows() + "\n");
    }
}
