package io.maskimpact.udfs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * Starts one local[2] Spark session per test class and offers {@code sql}/{@code row} helpers.
 *
 * <p>Subclasses that need a differently configured session (extensions, Hive) override
 * {@link #configure}; the session is stopped after the class so that the next class can start its
 * own (one SparkContext per JVM).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class SparkSqlTestBase {

    protected static SparkSession spark;

    private static Path tempDir;

    /**
     * Extra session settings of a test class.
     *
     * @param builder the builder, with master, app name and UI settings already set
     * @return the builder
     */
    protected SparkSession.Builder configure(SparkSession.Builder builder) {
        return builder;
    }

    @BeforeAll
    void startSpark() throws Exception {
        tempDir = Files.createTempDirectory("mi-udfs-test");
        SparkSession.Builder builder = SparkSession.builder()
                .master("local[2]")
                .appName(getClass().getSimpleName())
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.sql.warehouse.dir", tempDir.resolve("warehouse").toString())
                .config("spark.driver.host", "127.0.0.1");
        spark = configure(builder).getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
    }

    @AfterAll
    void stopSpark() {
        if (spark != null) {
            spark.stop();
            spark = null;
        }
        SparkSession.clearActiveSession();
        SparkSession.clearDefaultSession();
        deleteRecursively(tempDir);
    }

    static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** @return a folder that lives as long as the test class's session */
    protected static Path tempDir() {
        return tempDir;
    }

    /**
     * Runs a statement and collects its rows.
     *
     * @param query SQL, with {@code String.format} arguments
     * @param args the arguments
     * @return the rows
     */
    protected static List<Row> sql(String query, Object... args) {
        return spark.sql(String.format(query, args)).collectAsList();
    }

    /**
     * Runs a query that returns one value.
     *
     * @param query SQL, with {@code String.format} arguments
     * @param args the arguments
     * @return the first column of the only row
     */
    protected static Object scalar(String query, Object... args) {
        List<Row> rows = sql(query, args);
        if (rows.size() != 1) {
            throw new AssertionError("Expected one row from " + query + ", got " + rows);
        }
        return rows.get(0).get(0);
    }

    /** @return a row of the given values */
    protected static Row row(Object... values) {
        return RowFactory.create(values);
    }

}
