package io.maskimpact.query;

import io.maskimpact.udfs.MaskImpactExtensions;
import io.maskimpact.udfs.MaskImpactFunctions;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * The Spark session of {@code query} and {@code analyze}: joins the session already running in
 * this JVM (tests, notebooks via py4j, spark-submit's), else starts one.
 *
 * <p>A started session gets, unless the user's Spark configuration sets them: Delta Lake's SQL
 * extension and catalog (Delta runs, {@code VERSION AS OF}) together with
 * {@link MaskImpactExtensions}, no console progress bar, and {@code local[*]} when no master is
 * given. Either way the mask-impact functions are registered in the session.
 */
public final class QuerySessions {

    private QuerySessions() {
    }

    /** @return whether a session is already running in this JVM */
    public static boolean exists() {
        return SparkSession.getActiveSession().isDefined() || SparkSession.getDefaultSession().isDefined();
    }

    /**
     * @param master the Spark master, or null for Spark's setting, else {@code local[*]}
     * @param appName the application name shown in the Spark UI
     * @return the session, with the mask-impact functions registered
     */
    public static SparkSession getOrCreate(String master, String appName) {
        if (exists()) {
            SparkSession running = SparkSession.getActiveSession().isDefined()
                    ? SparkSession.getActiveSession().get() : SparkSession.getDefaultSession().get();
            MaskImpactFunctions.register(running);
            return running;
        }
        SparkConf system = new SparkConf();
        SparkSession.Builder builder = SparkSession.builder().appName(appName);
        if (master != null) {
            builder.master(master);
        } else if (!system.contains("spark.master")) {
            builder.master("local[*]");
        }
        if (!system.contains("spark.sql.extensions")) {
            builder.config("spark.sql.extensions",
                    "io.delta.sql.DeltaSparkSessionExtension," + MaskImpactExtensions.class.getName());
        }
        if (!system.contains("spark.sql.catalog.spark_catalog")) {
            builder.config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");
        }
        if (!system.contains("spark.ui.showConsoleProgress")) {
            builder.config("spark.ui.showConsoleProgress", "false");
        }
        SparkSession spark = builder.getOrCreate();
        MaskImpactFunctions.register(spark);
        return spark;
    }
}
