package io.maskimpact.query;

import io.maskimpact.udfs.MaskImpactExtensions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import picocli.CommandLine;

/**
 * One local[2] Spark session per test class (Delta and the mask-impact functions enabled, as
 * {@link QuerySessions} starts it), helpers to run SQL and to run a command as the CLI does.
 * Commands run inside this session: they join it and leave it running.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class QueryTestBase {

    protected SparkSession spark;
    protected Path tempDir;

    /** A command's exit code and what it printed. */
    record Outcome(int exitCode, String out, String err) {
    }

    @BeforeAll
    void startSpark() throws Exception {
        tempDir = Files.createTempDirectory("mi-query-test");
        spark = SparkSession.builder()
                .master("local[2]")
                .appName(getClass().getSimpleName())
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.sql.warehouse.dir", tempDir.resolve("warehouse").toString())
                .config("spark.sql.extensions",
                        "io.delta.sql.DeltaSparkSessionExtension," + MaskImpactExtensions.class.getName())
                .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
                .getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
    }

    @AfterAll
    void stopSpark() {
        if (spark != null) {
            spark.stop();
        }
        SparkSession.clearActiveSession();
        SparkSession.clearDefaultSession();
        if (tempDir != null) {
            try (java.util.stream.Stream<Path> paths = Files.walk(tempDir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    /** @return the rows of a statement run directly in the session */
    protected List<Row> sql(String query, Object... args) {
        return spark.sql(String.format(query, args)).collectAsList();
    }

    /**
     * Runs a command the way {@code main} does, capturing its output.
     *
     * @param command the command object (a fresh one per call)
     * @param args its arguments
     * @return exit code, stdout and stderr
     */
    protected static Outcome execute(Callable<Integer> command, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new CommandLine(command).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .execute(args);
        return new Outcome(code, out.toString(), err.toString());
    }
}
