package io.maskimpact.testing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Base of Spark tests: one local[2] session per test class, with the settings the job itself
 * uses (Delta's extension and catalog, ZSTD), and small helpers in the style of Iceberg's
 * TestBase.
 *
 * <pre>
 * class MyTest extends SparkTestBase {
 *     &#64;Test void counts() {
 *         assertThat(scalarSql("SELECT count(*) FROM parquet.`%s`", dir)).isEqualTo(3L);
 *     }
 * }
 * </pre>
 */
public abstract class SparkTestBase {
    /** The class's session; the job's CLI joins it instead of starting its own. */
    protected static SparkSession spark;

    @BeforeAll
    static void startSpark() {
        spark = session("local[2]");
    }

    /**
     * @param master e.g. {@code local[2]}, or {@code local[2,2]} for a session that retries a failed task
     * @return a session with the job's settings (Delta's extension and catalog, ZSTD), joined by the CLI
     */
    public static SparkSession session(String master) {
        return SparkSession.builder()
                .master(master)
                .appName("mask-impact-test")
                .config("spark.ui.enabled", "false")
                .config("spark.ui.showConsoleProgress", "false")
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.default.parallelism", "2")
                .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
                .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
                .config("spark.sql.parquet.compression.codec", "zstd")
                .config("spark.hadoop.parquet.compression.codec.zstd.level", "6")
                .config("spark.hadoop.mapreduce.fileoutputcommitter.algorithm.version", "1")
                .config("spark.databricks.delta.snapshotPartitions", "2")
                .getOrCreate();
    }

    @AfterAll
    static void stopSpark() {
        if (spark != null) {
            spark.stop();
            spark = null;
        }
        SparkSession.clearActiveSession();
        SparkSession.clearDefaultSession();
    }

    /**
     * @param query SQL, formatted with {@code args}
     * @param args format arguments
     * @return the rows as object arrays
     */
    protected static List<Object[]> sql(String query, Object... args) {
        List<Object[]> rows = new ArrayList<>();
        for (Row r : spark.sql(String.format(query, args)).collectAsList()) {
            Object[] values = new Object[r.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = r.get(i);
            }
            rows.add(values);
        }
        return rows;
    }

    /**
     * @param query SQL returning one value
     * @param args format arguments
     * @return that value
     */
    protected static Object scalarSql(String query, Object... args) {
        List<Object[]> rows = sql(query, args);
        if (rows.size() != 1 || rows.get(0).length != 1) {
            throw new IllegalStateException("expected one value from " + String.format(query, args) + ", got " + rows.size()
                    + " rows");
        }
        return rows.get(0)[0];
    }

    /**
     * @param values a row's values
     * @return them as an expected row
     */
    protected static Object[] row(Object... values) {
        return values;
    }

    /**
     * Runs an action with SQL settings changed, restoring the old values afterwards.
     *
     * @param conf the settings
     * @param action what to run
     */
    protected static void withSQLConf(Map<String, String> conf, Runnable action) {
        Map<String, String> old = new HashMap<>();
        for (String key : conf.keySet()) {
            if (spark.conf().contains(key)) {
                old.put(key, spark.conf().get(key));
            }
        }
        try {
            conf.forEach((k, v) -> spark.conf().set(k, v));
            action.run();
        } finally {
            for (String key : conf.keySet()) {
                if (old.containsKey(key)) {
                    spark.conf().set(key, old.get(key));
                } else {
                    spark.conf().unset(key);
                }
            }
        }
    }
}
