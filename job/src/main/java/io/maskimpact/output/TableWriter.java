package io.maskimpact.output;

import io.delta.tables.DeltaTable;
import io.maskimpact.schema.OutputSchema;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;

/**
 * Writes a run's tables through Spark's writers, so that data only becomes visible when a Spark
 * job commits (a failed or killed job leaves no readable part file).
 *
 * <p>Contract of every write: rows are appended to the table (a new set of part files, or a
 * new Delta version); files are ZSTD Parquet named {@code part-<task>-<job uuid>.c000.zstd.parquet};
 * {@code impact} is partitioned by {@code generation_step}, one file per step and task, sorted
 * inside each file by {@link OutputSchema#IMPACT_SORT_KEY} (the order the tasks give, see
 * {@link #appendImpact}), with data pages of {@value #IMPACT_PAGE_ROWS} rows; the small tables are
 * written as one file per call.
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
    /** Spark's limit on files a task keeps open at once in a partitioned write (0: sort instead). */
    static final String CONCURRENT_WRITERS_KEY = "spark.sql.maxConcurrentOutputFileWriters";

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
     * it is what Spark's own file sources use, and it saves a conversion of every row. Spark 3.5
     * has it on {@code SparkSession}, Spark 4 on the session's class ({@code classic.SparkSession})
     * only, so it is looked up on the session's runtime class ({@link #INTERNAL_CREATE}).
     *
     * @param spark the session
     * @param rows rows in the column order of {@code table}'s schema
     * @param table one of {@link OutputSchema#TABLES}
     * @return the DataFrame
     */
    @SuppressWarnings("unchecked")
    public static Dataset<Row> frame(SparkSession spark, JavaRDD<InternalRow> rows, String table) {
        try {
            return (Dataset<Row>) INTERNAL_CREATE.get(spark.getClass())
                    .invokeExact((Object) spark, rows.rdd(), OutputSchema.schema(table), false);
        } catch (Throwable t) {
            throw t instanceof RuntimeException r ? r : new IllegalStateException(t);
        }
    }

    /** {@code internalCreateDataFrame(RDD[InternalRow], StructType, Boolean)} of a session class. */
    private static final ClassValue<MethodHandle> INTERNAL_CREATE = new ClassValue<>() {
        @Override
        protected MethodHandle computeValue(Class<?> session) {
            try {
                Method m = session.getMethod("internalCreateDataFrame", RDD.class, StructType.class, boolean.class);
                return MethodHandles.publicLookup().unreflect(m).asType(MethodType.methodType(Dataset.class,
                        Object.class, RDD.class, StructType.class, boolean.class));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("Cannot create a DataFrame of internal rows: " + session.getName()
                        + " has no internalCreateDataFrame (Spark " + org.apache.spark.package$.MODULE$.SPARK_VERSION()
                        + ")", e);
            }
        }
    };

    /**
     * Appends rows to one of the small tables (one file per call); see the class comment.
     *
     * @param table one of {@link OutputSchema#TABLES} other than {@code impact}
     * @param rows the rows, with the table's schema
     */
    public void append(String table, Dataset<Row> rows) {
        if (OutputSchema.IMPACT.equals(table)) {
            throw new IllegalArgumentException("impact rows are written by appendImpact, which needs their step count");
        }
        save(table, rows.coalesce(1).write());
    }

    /**
     * Appends {@code impact} rows as they come, without sorting them: each task must already give
     * its rows in file order, that is within each generation step by {@link OutputSchema#IMPACT_SORT_KEY}
     * ({@link TableRows#impact} gives one pair's rows so; pairs must reach a task in pair_id order by
     * {@link ImpactOrder#STRINGS}). Spark keeps one open file per step and task
     * ({@code spark.sql.maxConcurrentOutputFileWriters}) instead of sorting the task's rows by step;
     * the limit is set above {@code steps} so that it never falls back to a sort, whose merge of
     * spilled runs would not keep the rows' order.
     *
     * @param rows the rows, with the impact schema
     * @param steps the most generation steps in {@code rows} (steps 0 to {@code steps - 1})
     */
    public void appendImpact(Dataset<Row> rows, int steps) {
        DataFrameWriter<Row> writer = rows.write();
        if (spark.sparkContext().hadoopConfiguration().get(PAGE_ROWS_KEY) == null) {
            writer = writer.option(PAGE_ROWS_KEY, String.valueOf(IMPACT_PAGE_ROWS));
        }
        DataFrameWriter<Row> impact = writer;
        withoutSort(spark, steps, () -> save(OutputSchema.IMPACT, impact));
    }

    /**
     * Runs a write partitioned by {@code generation_step} with one open file per step and task, so
     * that Spark neither sorts the rows nor falls back to a sort (see {@link #appendImpact}).
     *
     * @param spark the session (its setting is restored afterwards)
     * @param steps the most generation steps the written rows have
     * @param write the write
     */
    public static void withoutSort(SparkSession spark, int steps, Runnable write) {
        String previous = spark.conf().contains(CONCURRENT_WRITERS_KEY) ? spark.conf().get(CONCURRENT_WRITERS_KEY) : null;
        // Spark falls back to sorting once its open writers reach the limit, so allow one more than the steps
        spark.conf().set(CONCURRENT_WRITERS_KEY, Math.max(1, steps) + 1);
        try {
            write.run();
        } finally {
            if (previous == null) {
                spark.conf().unset(CONCURRENT_WRITERS_KEY);
            } else {
                spark.conf().set(CONCURRENT_WRITERS_KEY, previous);
            }
        }
    }

    private void save(String table, DataFrameWriter<Row> writer) {
        if (format == OutputFormat.DELTA) {
            // a table written before a column was added to the contract gains it (older rows read null)
            writer = writer.option("mergeSchema", "true");
        }
        writer.format(format.source()).mode(SaveMode.Append).option("compression", "zstd")
                .partitionBy(OutputSchema.partitionColumns(table).toArray(new String[0]))
                .save(folder.table(table).toString());
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
                Dataset<Row> empty = spark.createDataFrame(List.of(), OutputSchema.schema(table));
                if (OutputSchema.IMPACT.equals(table)) {
                    appendImpact(empty, 1);
                } else {
                    append(table, empty);
                }
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
        return readTable(spark, format.source(), folder.table(table).toString(), table);
    }

    /**
     * Reads a table of a run folder. Parquet files may differ in their columns (a run appended to a
     * folder written before a column was added), so the small tables' schemas are merged, and
     * {@code impact} is read with the contract's schema (merging would read every file's footer): a
     * column a file lacks reads as null.
     *
     * @param spark the session
     * @param source {@code parquet} or {@code delta}
     * @param location the table's folder
     * @param table one of {@link OutputSchema#TABLES} or {@link OutputSchema#ANALYSIS_TABLES}
     * @return the table
     */
    public static Dataset<Row> readTable(SparkSession spark, String source, String location, String table) {
        DataFrameReader reader = spark.read().format(source);
        if (!OutputSchema.IMPACT.equals(table)) {
            reader = reader.option("mergeSchema", "true");
        } else if (!OutputFormat.DELTA.source().equals(source)) {
            reader = reader.schema(OutputSchema.IMPACT_SCHEMA);
        }
        return reader.load(location);
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
