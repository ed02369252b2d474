package io.maskimpact.query;

import io.maskimpact.output.RunFolder;
import io.maskimpact.output.TableWriter;
import io.maskimpact.schema.OutputSchema;
import io.maskimpact.schema.RunViews;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructField;

/**
 * Opens the tables of a run folder as temporary views: {@code impact}, {@code pairs},
 * {@code effects}, {@code steps}, {@code errors}, and the {@code analyze} tables ({@code layer_summary},
 * {@code token_clusters}, {@code cluster_profiles}) when they exist; with them, the derived view
 * {@code impact_effects} ({@link RunViews}).
 *
 * <p>Each table is read as Delta when its folder has a {@code _delta_log}, else as Parquet (the
 * {@code impact} partitions {@code generation_step=<t>} become the int column
 * {@code generation_step}). A run table whose folder is missing or holds no data file is opened
 * empty with the contract's schema, so queries over a run without rejections still work. Parquet
 * tables are read with the contract's schema ({@link OutputSchema}), so opening a run lists files
 * and starts no Spark job (a contract column that a run's files lack, because the run predates it,
 * reads as null); no data is scanned until a query runs.
 */
public final class RunTables {

    private final Map<String, Dataset<Row>> tables;
    private final List<String> notes;

    private RunTables(Map<String, Dataset<Row>> tables, List<String> notes) {
        this.tables = tables;
        this.notes = notes;
    }

    /**
     * Opens a run folder's tables.
     *
     * @param spark the session
     * @param out the run folder (a path or Hadoop URI)
     * @param deltaVersion for Delta tables, the table version to read ({@code versionAsOf}); null for the latest
     * @return the tables
     * @throws QueryException when the folder has no {@code impact} table
     */
    public static RunTables open(SparkSession spark, String out, Long deltaVersion) throws QueryException {
        RunFolder folder = new RunFolder(out, spark.sparkContext().hadoopConfiguration());
        Map<String, Dataset<Row>> tables = new LinkedHashMap<>();
        List<String> notes = new ArrayList<>();
        try {
            if (!folder.tableExists(OutputSchema.IMPACT)) {
                throw QueryException.notARun(out, folder.isNonEmpty()
                        ? "it has no " + OutputSchema.IMPACT + "/ table"
                        : "it does not exist or is empty");
            }
            if (!folder.fs().exists(folder.manifest())) {
                notes.add("Note: " + out + " has no " + OutputSchema.MANIFEST_FILE
                        + " (the run is unfinished or still running): the tables may be incomplete.");
            }
            for (String table : OutputSchema.TABLES) {
                tables.put(table, read(spark, folder, table, table, deltaVersion));
            }
            for (String table : OutputSchema.ANALYSIS_TABLES) {
                String path = OutputSchema.ANALYSIS_DIR + "/" + table;
                if (folder.tableExists(path)) {
                    tables.put(table, read(spark, folder, path, table, null));
                }
            }
        } catch (IOException e) {
            throw QueryException.cannotRead(out, e);
        }
        return new RunTables(tables, notes);
    }

    /**
     * Registers every table as a temporary view of its name, then the derived views over them ({@link RunViews}),
     * replacing views of the same names.
     *
     * @return this
     */
    public RunTables registerViews() {
        tables.forEach((name, df) -> df.createOrReplaceTempView(name));
        SparkSession spark = tables.get(OutputSchema.IMPACT).sparkSession();
        spark.sql(RunViews.createImpactEffects());
        tables.put(RunViews.IMPACT_EFFECTS, spark.table(RunViews.IMPACT_EFFECTS));
        return this;
    }

    /** @return the tables by view name, run tables first, then the derived views once registered */
    public Map<String, Dataset<Row>> tables() {
        return tables;
    }

    /** @return warnings for the user (an unfinished run), one line each */
    public List<String> notes() {
        return notes;
    }

    private static Dataset<Row> read(SparkSession spark, RunFolder folder, String path, String table, Long version)
            throws IOException {
        String location = folder.table(path).toString();
        if (folder.isDelta(path)) {
            DataFrameReader reader = spark.read().format("delta");
            if (version != null) {
                reader = reader.option("versionAsOf", version);
            }
            return withContractColumns(reader.load(location), table);
        }
        if (folder.listDataFiles(path).isEmpty()) {
            return spark.createDataFrame(List.of(), OutputSchema.schema(table));
        }
        // the contract's schema, not one inferred from a footer: inference is a Spark job per table
        return spark.read().schema(OutputSchema.schema(table)).parquet(location);
    }

    /** A Delta run written before a column joined the contract reads it as null, so queries naming it still run. */
    private static Dataset<Row> withContractColumns(Dataset<Row> df, String table) {
        Set<String> present = Set.of(df.columns());
        for (StructField f : OutputSchema.schema(table).fields()) {
            if (!present.contains(f.name())) {
                df = df.withColumn(f.name(), functions.lit(null).cast(f.dataType()));
            }
        }
        return df;
    }
}
