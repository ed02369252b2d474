import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Rewrites a run's tables with Spark 3.5 and the job's Parquet settings (ZSTD level 6, impact data
 * pages of 100,000 rows: job/.../output/TableWriter and run/JobConf), so that the viewer is tested
 * and benchmarked on the Parquet the job writes (data page v1, parquet-java page indexes) and not
 * only on the Node-written fixture. Impact rows are partitioned by generation_step and sorted
 * within files by (pair_id, variant, layer, token_position), the order viewer/MANIFEST.md asks for.
 *
 * <p>Usage: {@code java -cp CP SparkRewrite.java IN OUT}; then {@code node tools/write-manifest.js OUT IN}.
 */
public final class SparkRewrite {
    public static void main(String[] args) {
        String in = args[0];
        String out = args[1];
        SparkSession spark = SparkSession.builder().master("local[2]").appName("viewer-spark-rewrite")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.parquet.compression.codec", "zstd")
                .config("spark.hadoop.parquet.compression.codec.zstd.level", "6")
                .config("spark.sql.shuffle.partitions", "4")
                .getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        Dataset<Row> impact = spark.read().parquet(in + "/impact");
        impact.repartition(impact.col("generation_step"))
                .sortWithinPartitions("pair_id", "variant", "layer", "token_position")
                .write().mode(SaveMode.Overwrite).option("parquet.page.row.count.limit", "100000")
                .partitionBy("generation_step").parquet(out + "/impact");
        for (String table : new String[] {"pairs", "steps", "errors"}) {
            spark.read().parquet(in + "/" + table).coalesce(1).write().mode(SaveMode.Overwrite).parquet(out + "/" + table);
        }
        spark.stop();
    }
}
