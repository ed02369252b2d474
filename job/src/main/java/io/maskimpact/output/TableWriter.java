package io.maskimpact.output;

import io.delta.tables.DeltaTable;
import io.maskimpact.schema.OutputSchema;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.functions;

/**
 * Writes a run's tables through Spark's writers, so that data only becomes visible when a Spark
 * job commits (a failed or killed job leaves no readable part file).
 *
 * <p>Contract of every write: rows are appended to the table (a new set of part files, or a
 * new Delta version); files are ZSTD Parquet named {@code part-<task>-<job uuid>.c000.zstd.parquet};
 * {@code impact} is partitioned by {@code generation_step} and sorted inside each file by
 * {@link OutputSchema#IMPACT_SORT_KEY}, with data pages of {@value #IMPACT_PAGE_ROWS} rows; the small
 * tables are written as one file per call.
 * The caller owns the DataFrames; nothing is cached. What a failure leaves: for Parquet, at
 * most a {@code _temporary} folder that readers ignore and {@link RunFolder#removeJobLeftovers}
 * deletes; for Delta, nothing (the commit did not happen).
 */
public final class TableWriter {
    /** parquet-java's limit on rows per data page (its default: 20,000). */
    public static final String PAGE_ROWS_KEY = "parquet.page.row.count.limit";
    /**
     * Rows per data page of {@code impact}. Parquet compresses each page on its own, so larger pages
     * compress better: 100,000 rows make {@code impact} about 13% smaller than parquet-java's
     * 20,000 (docs/BENCHMARKS.md, storage section), while the viewer then fetches about 100 KB
     * instead of 40 KB for one slab. Used unless the session sets {@value #PAGE_ROWS_KEY}.
     */
    public static final int IMPACT_PAGE_ROWS = 100_000;

    private final SparkSession spark;
    private final RunFolder folder;
    private final OutputFormat format;

    /**
     * @param spark the session
     * @param folder the output folder
     * @param format the table format
     */
    public TableWriter(SparkSession spark, RunFolder folder, OutputFormat format) {
        this.spark = spark;
        this.folder = folder;
        this.format = format;
    }

    /** @return the table format */
    public OutputFormat format() {
        return format;
    }

    /**
     * Wraps internal rows as a DataFrame without converting them row by row.
     *
     * <p>{@code internalCreateDataFrame} is package-private in Scala, hence public in bytecode;
     * it is what Spark's own file sources use, and it saves a conversion of every row.
     *
     * @param spark the session
     * @param rows rows in the column order of {@code table}'s schema
     * @param table one of {@link OutputSchema#TABLES}
     * @return the DataFrame
     */
    public static Dataset<Row> frame(SparkSession spark, JavaRDD<InternalRow> rows, String table) {
        return spark.internalCreateDataFrame(rows.rdd(), OutputSchema.schema(table), false);
    }

    /**
     * Appends rows to a table; see the class comment for layout and ordering.
     *
     * @param table one of {@link OutputSchema#TABLES}
     * @param rows the rows, with the table's schema
     */
    public void append(String table, Dataset<Row> rows) {
        Dataset<Row> df = rows;
        if (OutputSchema.IMPACT.equals(table)) {
            List<String> order = new ArrayList<>(OutputSchema.partitionColumns(table));
            order.addAll(OutputSchema.IMPACT_SORT_KEY);
            df = df.sortWithinPartitions(order.stream().map(functions::col).toArray(Column[]::new));
        } else {
            df = df.coalesce(1);
        }
        DataFrameWriter<Row> writer = df.write().format(format.source()).mode(SaveMode.Append).option("compression", "zstd");
        if (OutputSchema.IMPACT.equals(table) && spark.sparkContext().hadoopConfiguration().get(PAGE_ROWS_KEY) == null) {
            writer = writer.option(PAGE_ROWS_KEY, String.valueOf(IMPACT_PAGE_ROWS));
        }
        writer.partitionBy(OutputSchema.partitionColumns(table).toArray(new String[0])).save(folder.table(table).toString());
    }

    /**
     * Makes sure a table can be read even when no run has written a row to it: Delta gets a
     * version holding only the schema; Parquet gets one zero-row file (in
     * {@code generation_step=0/} for {@code impact}).
     *
     * @param table one of {@link OutputSchema#TABLES}
     */
    public void ensureExists(String table) throws IOException {
        if (format == OutputFormat.DELTA) {
            if (!folder.isDelta(table)) {
                append(table, spark.createDataFrame(List.of(), OutputSchema.schema(table)));
            }
            return;
        }
        if (!folder.listDataFiles(table).isEmpty()) {
            return;
        }
        List<String> partitions = OutputSchema.partitionColumns(table);
        Dataset<Row> empty = spark.createDataFrame(List.of(), OutputSchema.schema(table));
        if (partitions.isEmpty()) {
            empty.coalesce(1).write().mode(SaveMode.Append).option("compression", "zstd")
                    .parquet(folder.table(table).toString());
            return;
        }
        // Spark writes no file for an empty partitioned frame: write a flat zero-row file aside,
        // then move it into the first partition, where partition discovery finds it.
        Path staging = new Path(folder.table(table), "_empty");
        folder.delete(staging);
        empty.drop(partitions.toArray(new String[0])).coalesce(1).write().option("compression", "zstd")
                .parquet(staging.toString());
        Path target = new Path(folder.table(table), partitions.get(0) + "=0");
        folder.fs().mkdirs(target);
        for (FileStatus f : folder.fs().listStatus(staging, p -> p.getName().endsWith(".parquet"))) {
            folder.fs().rename(f.getPath(), new Path(target, f.getPath().getName()));
        }
        folder.delete(staging);
    }

    /**
     * Empties a Delta table as a new version (history stays for time travel).
     *
     * @param table one of {@link OutputSchema#TABLES}
     */
    public void truncateDelta(String table) {
        DeltaTable.forPath(spark, folder.table(table).toString()).delete();
    }

    /**
     * @param table one of {@link OutputSchema#TABLES}
     * @return the table's current rows
     */
    public Dataset<Row> read(String table) {
        return spark.read().format(format.source()).load(folder.table(table).toString());
    }

    /**
     * Deletes every row of the given pairs of one run: a Delta {@code DELETE} (a new version), or
     * for Parquet the deletion of every file holding such a row. Used by resume on pairs whose
     * commit did not finish; since one commit writes its own files, a file holding one of these
     * pairs holds nothing that was committed as complete.
     *
     * @param table one of {@link OutputSchema#TABLES}
     * @param runId the run
     * @param pairIds the pairs
     * @return for Parquet the number of files deleted, for Delta -1
     */
    public int deletePairs(String table, String runId, Set<String> pairIds) throws IOException {
        if (pairIds.isEmpty() || !folder.tableExists(table)) {
            return 0;
        }
        Column condition = functions.col(OutputSchema.RUN_ID).equalTo(runId)
                .and(functions.col(OutputSchema.PAIR_ID).isin(pairIds.toArray()));
        if (format == OutputFormat.DELTA) {
            if (folder.isDelta(table)) {
                DeltaTable.forPath(spark, folder.table(table).toString()).delete(condition);
            }
            return -1;
        }
        if (folder.listDataFiles(table).isEmpty()) {
            return 0;
        }
        List<Row> files = read(table).where(condition).select(functions.input_file_name()).distinct().collectAsList();
        Set<Path> doomed = new HashSet<>();
        for (Row r : files) {
            doomed.add(toPath(r.getString(0)));
        }
        for (Path p : doomed) {
            folder.fs().delete(p, false);
        }
        return doomed.size();
    }

    /**
     * @param table a table
     * @param runId a run
     * @param columns columns to read
     * @return the run's rows of the table, collected to the driver (meant for the small tables)
     */
    public List<Row> runRows(String table, String runId, String... columns) throws IOException {
        if (!folder.tableExists(table) || (format == OutputFormat.PARQUET && folder.listDataFiles(table).isEmpty())
                || (format == OutputFormat.DELTA && !folder.isDelta(table))) {
            return List.of();
        }
        return read(table).where(functions.col(OutputSchema.RUN_ID).equalTo(runId))
                .select(Arrays.stream(columns).map(functions::col).toArray(Column[]::new)).collectAsList();
    }

    /**
     * @return the current data files of a table: for Delta those of the latest snapshot (older
     *     versions' files stay on disk for time travel but are not part of the table now)
     */
    public List<Path> currentFiles(String table) throws IOException {
        if (!folder.tableExists(table)) {
            return List.of();
        }
        if (format == OutputFormat.DELTA) {
            if (!folder.isDelta(table)) {
                return List.of();
            }
            return Arrays.stream(read(table).inputFiles()).map(TableWriter::toPath).sorted().toList();
        }
        return folder.listDataFiles(table).stream().map(FileStatus::getPath).toList();
    }

    /**
     * @param table a Delta table
     * @return its latest version (the newest commit file in {@code _delta_log/}), or -1 when it
     *     is not a Delta table
     */
    public long deltaVersion(String table) throws IOException {
        Path log = new Path(folder.table(table), "_delta_log");
        if (!folder.fs().exists(log)) {
            return -1;
        }
        long version = -1;
        for (FileStatus f : folder.fs().listStatus(log)) {
            String name = f.getPath().getName();
            if (name.matches("\\d{20}\\.json")) {
                version = Math.max(version, Long.parseLong(name.substring(0, 20)));
            }
        }
        return version;
    }

    private static Path toPath(String uri) {
        try {
            return new Path(new URI(uri));
        } catch (URISyntaxException e) {
            return new Path(uri);
        }
    }
}
