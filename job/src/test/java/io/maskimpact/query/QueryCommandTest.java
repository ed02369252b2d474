package io.maskimpact.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.maskimpact.cli.QueryCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code query} through its picocli command, on a Parquet and a Delta fixture run. */
class QueryCommandTest extends QueryTestBase {

    private Path run;

    @BeforeAll
    void writeRun() throws Exception {
        run = RunFixture.write(spark, tempDir.resolve("run"), "parquet");
    }

    private Outcome query(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--out";
        all[1] = run.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        return execute(new QueryCommand(), all);
    }

    @Test
    void viewsOverTheRunTables() {
        Outcome o = query("--output", "csv", "--sql", "SELECT (SELECT count(*) FROM impact) AS impact,"
                + " (SELECT count(*) FROM pairs) AS pairs, (SELECT count(*) FROM steps) AS steps,"
                + " (SELECT count(*) FROM errors) AS errors");
        assertThat(o.exitCode()).as(o.err()).isZero();
        assertThat(o.out()).isEqualTo("impact,pairs,steps,errors\n" + RunFixture.impactRows() + ",3,"
                + RunFixture.PAIRS * RunFixture.STEPS + ",1\n");
    }

    @Test
    void tableOutputEscapesControlCharacters() {
        Outcome o = query("--sql", "SELECT 'a\\nb' AS t, CAST(NULL AS STRING) AS n, concat('x', char(27), '[31m') AS esc");
        assertThat(o.exitCode()).as(o.err()).isZero();
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
        Outcome o = query("--output", "json", "--sql", "SELECT layer, mi_top_tokens(token_masked, l2_distance, 1) AS top"
                + " FROM impact WHERE variant = 'Full' AND token_kind = 'text' GROUP BY layer ORDER BY layer");
        assertThat(o.exitCode()).as(o.err()).isZero();
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
        Outcome o = query("--file", file.toString(), "--output", "csv", "--max-rows", "2");
        assertThat(o.exitCode()).as(o.err()).isZero();
        assertThat(o.out()).isEqualTo("variant\nAttn\nAttnWeight_Avg\nn\n7\n");
        assertThat(o.err()).contains("Statement 2: showing the first 2 rows");
    }

    @Test
    void plainParquetPathsWork() {
        Outcome o = query("--output", "csv", "--sql",
                "SELECT count(*) FROM parquet.`" + run.resolve("impact/generation_step=0") + "`");
        assertThat(o.exitCode()).as(o.err()).isZero();
        long step0 = (long) RunFixture.PAIRS * RunFixture.LAYERS * RunFixture.tokensAt(0) * RunFixture.VARIANTS.size();
        assertThat(o.out()).endsWith("\n" + step0 + "\n");
    }

    @Test
    void saveWritesTheWholeLastResult() {
        Path saved = tempDir.resolve("saved");
        Outcome o = query("--output", "csv", "--save", saved.toString(), "--max-rows", "1",
                "--sql", "SELECT pair_id, generation_step, generated_token FROM steps");
        assertThat(o.exitCode()).as(o.err()).isZero();
        assertThat(o.out()).isEmpty();
        List<Row> back = spark.read().option("header", "true").csv(saved.toString()).collectAsList();
        assertThat(back).as("--max-rows limits printing, not --save").hasSize(RunFixture.PAIRS * RunFixture.STEPS);
    }

    @Test
    void badStatementsAreUsageErrors() {
        Outcome o = query("--sql", "SELECT nope FROM impact");
        assertThat(o.exitCode()).isEqualTo(2);
        assertThat(o.err()).startsWith("Cannot run statement (SELECT nope FROM impact): ").contains("nope");
        Outcome parse = query("--sql", "SELECT 1; SELEC 2");
        assertThat(parse.exitCode()).isEqualTo(2);
        assertThat(parse.err()).startsWith("Cannot run statement 2 of 2 (SELEC 2): ");
        Outcome format = query("--output", "xml", "--sql", "SELECT 1");
        assertThat(format.exitCode()).isEqualTo(2);
        assertThat(format.err()).startsWith("Invalid value for --output: xml (expected table, csv or json)");
        Outcome both = query("--sql", "SELECT 1", "--file", "x.sql");
        assertThat(both.exitCode()).as("--sql and --file exclude each other").isEqualTo(2);
    }

    @Test
    void aFolderThatIsNotARun() {
        Outcome o = execute(new QueryCommand(), "--out", tempDir.resolve("nothing").toString(), "--sql", "SELECT 1");
        assertThat(o.exitCode()).isEqualTo(3);
        assertThat(o.err()).startsWith("Cannot open run " + tempDir.resolve("nothing") + ": it does not exist or is empty");
    }

    @Test
    void deltaRunsAndTimeTravel() throws Exception {
        Path delta = RunFixture.write(spark, tempDir.resolve("delta-run"), "delta");
        // A second version of pairs: one more row.
        spark.sql("SELECT * FROM delta.`" + delta.resolve("pairs") + "` LIMIT 1").write().format("delta")
                .mode("append").save(delta.resolve("pairs").toString());
        Outcome latest = execute(new QueryCommand(), "--out", delta.toString(), "--output", "csv",
                "--sql", "SELECT count(*) AS n FROM pairs");
        Outcome first = execute(new QueryCommand(), "--out", delta.toString(), "--output", "csv",
                "--version-as-of", "0", "--sql", "SELECT count(*) AS n FROM pairs");
        assertThat(latest.exitCode()).as(latest.err()).isZero();
        assertThat(latest.out()).isEqualTo("n\n4\n");
        assertThat(first.out()).isEqualTo("n\n3\n");
        Outcome impact = execute(new QueryCommand(), "--out", delta.toString(), "--output", "csv",
                "--sql", "SELECT count(*) AS n FROM impact");
        assertThat(impact.out()).isEqualTo("n\n" + RunFixture.impactRows() + "\n");
    }
}
