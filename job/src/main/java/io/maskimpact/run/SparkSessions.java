package io.maskimpact.run;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Builds the job's Spark session, or joins the one already running in this JVM (tests, notebooks).
 *
 * <p>Settings the job needs, each applied unless the user set the key: Delta's SQL extension
 * and catalog, ZSTD as the Parquet codec, the v1 file output committer (task output becomes
 * visible only at job commit, which resume relies on), no console progress bar (the job prints
 * its own progress), few partitions for Delta's state reconstruction (the job's tables have
 * small logs). The ZSTD level ({@code --zstd-level}) is always applied, as
 * {@code spark.hadoop.parquet.compression.codec.zstd.level}, when the session starts: parquet-java
 * caches its codec per JVM, so a level set later is ignored. Never adds GPU resource settings:
 * those belong in a cluster's config ({@code conf/spark-gpu.conf}); local mode hangs with them.
 */
public final class SparkSessions {
    /** Hadoop key of the ZSTD level. */
    public static final String ZSTD_LEVEL_KEY = "parquet.compression.codec.zstd.level";

    private SparkSessions() {
    }

    /** @return whether a session is already running in this JVM */
    public static boolean exists() {
        return SparkSession.getActiveSession().isDefined() || SparkSession.getDefaultSession().isDefined();
    }

    /**
     * @param conf the run's settings (master, ZSTD level)
     * @param sparkSettings {@code spark.*} keys from the job config file
     * @return the session
     */
    public static SparkSession getOrCreate(JobConf conf, Map<String, String> sparkSettings) {
        SparkConf system = new SparkConf();
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension");
        settings.put("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");
        settings.put("spark.sql.parquet.compression.codec", "zstd");
        settings.put("spark.hadoop.mapreduce.fileoutputcommitter.algorithm.version", "1");
        settings.put("spark.ui.showConsoleProgress", "false");
        // Delta rebuilds a table's state in 50 tasks by default; the job's tables have small logs
        settings.put("spark.databricks.delta.snapshotPartitions", "4");
        settings.keySet().removeIf(system::contains);
        settings.putAll(sparkSettings);
        settings.put("spark.hadoop." + ZSTD_LEVEL_KEY, String.valueOf(conf.zstdLevel()));
        SparkSession.Builder builder = SparkSession.builder().appName("mask-impact");
        if (conf.master() != null) {
            builder.master(conf.master());
        } else if (!system.contains("spark.master") && !sparkSettings.containsKey("spark.master")) {
            builder.master("local[*]");
        }
        settings.forEach(builder::config);
        return builder.getOrCreate();
    }

    /**
     * @param spark a session
     * @return whether its master runs tasks in this JVM
     */
    public static boolean isLocal(SparkSession spark) {
        return spark.sparkContext().isLocal();
    }
}
