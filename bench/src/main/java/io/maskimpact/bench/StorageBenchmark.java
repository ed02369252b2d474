package io.maskimpact.bench;

import io.maskimpact.output.OutputFormat;
import io.maskimpact.output.PairResult;
import io.maskimpact.output.RunFolder;
import io.maskimpact.output.TableRows;
import io.maskimpact.output.TableWriter;
import io.maskimpact.run.JobConf;
import io.maskimpact.run.SparkSessions;
import io.maskimpact.schema.OutputSchema;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;

/**
 * Bytes per row of the {@code impact} table: the job's writer against CSV, JSON Lines and Spark's
 * default Parquet of the same rows, and the writer settings tried on the way.
 *
 * <pre>
 * StorageBenchmark.Report r = StorageBenchmark.run(spark, outDir, SyntheticImpact.Shape.ORIGINAL, 1, 4,
 *         StorageBenchmark.experiments());
 * BenchmarkDoc.writeSection(doc, StorageBenchmark.SECTION, r.markdown(command));
 * </pre>
 *
 * <p>The rows come from {@link SyntheticImpact} (the original tool's shape) and reach the disk
 * the way a run's do: {@link PairResult}s expanded by {@link TableRows#impact} in the tasks of a
 * Spark job, rounded to {@code roundDecimals}, written by {@link TableWriter#appendImpact}. Each
 * experiment repeats that write with one change (a write option, the sort key, column types) so
 * its size compares with the job's directly. Sizes are the Parquet files' lengths (Hadoop's
 * {@code .crc} side files and {@code _SUCCESS} are not counted); per-column sizes come from the
 * footers. ZSTD levels are compared in one JVM by clearing parquet-java's codec cache before each
 * write ({@link ZstdCodecReset}).
 *
 * <p>Cost: one Spark job per write (no shuffle; a sort inside each task); the synthetic pairs
 * are cached once (about 18 bytes per row).
 */
public final class StorageBenchmark {
    /** The section of docs/BENCHMARKS.md this benchmark owns. */
    public static final String SECTION = "storage";
    /** Decimals the distances are rounded to, as in the original tool. */
    public static final int ROUND_DECIMALS = 4;
    private static final String RUN_ID = "20261125-120000-bench";

    /**
     * One variation of the job's write.
     *
     * @param name short name for the table
     * @param sortKey the key Spark sorts each file by after {@code generation_step}, or null for the
     *     job's way: rows in the order the tasks give them ({@link io.maskimpact.output.ImpactOrder}), no sort
     * @param options extra Parquet write options (Hadoop keys)
     * @param zstdLevel the ZSTD level, or 0 for the session's
     * @param narrowInts whether layer, token_position, patch_row and patch_col are written as
     *     16-bit integers (Parquet INT32 annotated INT(16))
     * @param viewerSafe whether the viewer can still read the result as fast (sort key starts with
     *     pair_id, variant; INT32, FLOAT and BYTE_ARRAY columns; data page v1)
     */
    public record Experiment(String name, List<String> sortKey, Map<String, String> options, int zstdLevel,
                             boolean narrowInts, boolean viewerSafe) {
    }

    /**
     * What one write produced.
     *
     * @param name the experiment's or format's name
     * @param bytes bytes of its data files
     * @param files number of data files
     * @param columnBytes compressed bytes per column chunk path (Parquet only; empty otherwise)
     * @param seconds wall time of the write
     * @param cpuSeconds CPU time the process used during the write (every task and Spark thread)
     * @param viewerSafe see {@link Experiment#viewerSafe}
     * @param slabBytes mean bytes the viewer fetches for one slab (a pair's variant at step 0: every
     *     column's pages that overlap its rows, plus dictionary pages), or 0 when the rows are not
     *     grouped by pair and variant
     */
    public record Measurement(String name, long bytes, int files, Map<String, Long> columnBytes, double seconds,
                              double cpuSeconds, boolean viewerSafe, double slabBytes) {
        /**
         * @param rows rows written
         * @return bytes per row
         */
        public double bytesPerRow(long rows) {
            return (double) bytes / rows;
        }
    }

    /**
     * The benchmark's outcome.
     *
     * @param shape the synthetic run's shape
     * @param rows rows written by every write
     * @param job the job's own writer, unchanged
     * @param baselines CSV, JSON Lines and Spark's default Parquet of the same rows
     * @param experiments each variation of the job's write
     * @param values quantiles of the rounded distances, for the reader to judge the data
     * @param entropyBits empirical entropy of the two rounded distances given (variant, layer), bits
     *     per row: what a coder that sees each value alone needs, knowing its variant and layer
     * @param zstdLevel the session's ZSTD level (the job's)
     * @param sensitivity the job writer on the same run with every distance scaled
     * @param distanceEncodings the two distance columns alone, written with parquet-java in encodings
     *     Spark's writer cannot produce ({@link DistanceEncodings}); empty when not tried
     */
    public record Report(SyntheticImpact.Shape shape, long rows, Measurement job, List<Measurement> baselines,
                         List<Measurement> experiments, String values, double entropyBits, int zstdLevel,
                         List<Sensitivity> sensitivity, List<Measurement> distanceEncodings) {

        /** @return the smallest viewer-safe write (the job's or an experiment) */
        public Measurement bestViewerSafe() {
            Measurement best = job;
            for (Measurement m : experiments) {
                if (m.viewerSafe() && m.bytes() < best.bytes()) {
                    best = m;
                }
            }
            return best;
        }

        /**
         * @param command the command that produced the report
         * @return the section for docs/BENCHMARKS.md
         */
        public String markdown(String command) {
            return StorageBenchmark.markdown(this, command);
        }
    }

    /**
     * The job writer on a run whose distances are all multiplied by {@code scale}.
     *
     * @param scale the factor
     * @param bytesPerRow the job writer's bytes per row
     * @param entropyBits the distances' entropy given (variant, layer), bits per row
     */
    public record Sensitivity(double scale, double bytesPerRow, double entropyBits) {
    }

    private StorageBenchmark() {
    }

    /** @return the variations tried by default: ZSTD level, sort key, page sizes, types, encodings */
    public static List<Experiment> experiments() {
        List<Experiment> list = new ArrayList<>();
        list.add(new Experiment("sorted by Spark on the job's key (check)", OutputSchema.IMPACT_SORT_KEY, Map.of(), 0,
                false, true));
        for (int level : new int[] {1, 3, 9, 19}) {
            list.add(new Experiment("ZSTD level " + level, null, Map.of(), level, false, true));
        }
        list.add(new Experiment("sort pair, variant, token, layer",
                List.of(OutputSchema.PAIR_ID, OutputSchema.VARIANT, OutputSchema.TOKEN_POSITION, OutputSchema.LAYER),
                Map.of(), 0, false, true));
        list.add(new Experiment("sort pair, layer, token, variant",
                List.of(OutputSchema.PAIR_ID, OutputSchema.LAYER, OutputSchema.TOKEN_POSITION, OutputSchema.VARIANT),
                Map.of(), 0, false, false));
        list.add(new Experiment("16-bit integer columns", null, Map.of(), 0, true, true));
        for (int rows : new int[] {5_000, 20_000, 50_000, 200_000}) {
            list.add(new Experiment(String.format(Locale.ROOT, "pages of %,d rows%s", rows,
                    rows == 20_000 ? " (parquet-java's default)" : ""), null,
                    Map.of(TableWriter.PAGE_ROWS_KEY, String.valueOf(rows)), 0, false, true));
        }
        list.add(new Experiment("row groups of 8 MB", null, Map.of("parquet.block.size", String.valueOf(8 << 20)), 0, false, true));
        list.add(new Experiment("no dictionary for distances", null,
                Map.of("parquet.enable.dictionary#" + OutputSchema.L2_DISTANCE, "false",
                        "parquet.enable.dictionary#" + OutputSchema.COSINE_DISTANCE, "false"), 0, false, true));
        list.add(new Experiment("Parquet v2 pages, delta-encoded token_position", null,
                Map.of("parquet.writer.version", "v2",
                        "parquet.enable.dictionary#" + OutputSchema.TOKEN_POSITION, "false"), 0, false, false));
        return list;
    }

    /**
     * Writes the synthetic run once per format and experiment under {@code out} and measures each.
     *
     * @param spark the session (its ZSTD level is the job's)
     * @param out a scratch folder; its {@code impact/} etc. are overwritten
     * @param shape the synthetic run
     * @param seed the synthetic values' seed
     * @param partitions Spark tasks per write (each writes one file per step)
     * @param experiments variations to try
     * @param scales value scales to write again with the job writer (a sensitivity check; may be empty)
     * @return the measurements
     */
    public static Report run(SparkSession spark, java.nio.file.Path out, SyntheticImpact.Shape shape, long seed,
                             int partitions, List<Experiment> experiments, double... scales) throws IOException {
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        String levelText = hadoop.get(SparkSessions.ZSTD_LEVEL_KEY, String.valueOf(JobConf.DEFAULT_ZSTD_LEVEL));
        int sessionLevel = Integer.parseInt(levelText.strip());
        SyntheticImpact gen = new SyntheticImpact(shape, seed);
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        JavaRDD<PairResult> pairs = jsc.parallelize(IntStream.range(0, shape.pairs()).boxed().toList(), partitions)
                .map(gen::pair).persist(StorageLevel.MEMORY_ONLY());
        // rows of one (pair, variant) block in a step-0 file when rows are grouped by pair and variant
        long slab = (long) shape.layers() * (shape.grid() * shape.grid() + shape.questionTokens());
        try {
            long rows = pairs.map(PairResult::impactRows).reduce(Long::sum);
            String values = valueQuantiles(spark, pairs);
            double entropy = entropyBits(spark, pairs);

            // the job's writer, unchanged; once untimed first, so that no measured write pays for the JIT
            RunFolder folder = new RunFolder(out.resolve("job").toString(), hadoop);
            folder.delete(folder.root());
            ZstdCodecReset.clear();
            new TableWriter(spark, folder, OutputFormat.PARQUET).appendImpact(frame(spark, pairs), shape.steps());
            folder.delete(folder.root());
            Measurement job = timed("job writer (ZSTD " + sessionLevel + ")", true, () -> {
                ZstdCodecReset.clear();
                new TableWriter(spark, folder, OutputFormat.PARQUET).appendImpact(frame(spark, pairs), shape.steps());
            }, folder.table(OutputSchema.IMPACT), hadoop, slab);

            List<Measurement> baselines = new ArrayList<>();
            Dataset<Row> flat = frame(spark, pairs);
            baselines.add(timed("CSV (Spark, header, uncompressed)", false, () -> flat.write().mode(SaveMode.Overwrite)
                    .option("header", "true").option("compression", "none").csv(out.resolve("csv").toString()),
                    new Path(out.resolve("csv").toUri()), hadoop, 0));
            baselines.add(timed("JSON Lines (Spark, uncompressed)", false, () -> flat.write().mode(SaveMode.Overwrite)
                    .option("compression", "none").json(out.resolve("jsonl").toString()),
                    new Path(out.resolve("jsonl").toUri()), hadoop, 0));
            baselines.add(timed("Spark default Parquet (snappy, doubles)", false, () -> flat
                    .withColumn(OutputSchema.L2_DISTANCE, functions.col(OutputSchema.L2_DISTANCE).cast(DataTypes.DoubleType))
                    .withColumn(OutputSchema.COSINE_DISTANCE, functions.col(OutputSchema.COSINE_DISTANCE).cast(DataTypes.DoubleType))
                    .write().mode(SaveMode.Overwrite).option("compression", "snappy")
                    .parquet(out.resolve("parquet-default").toString()), new Path(out.resolve("parquet-default").toUri()), hadoop,
                    0));

            List<Measurement> results = new ArrayList<>();
            int i = 0;
            for (Experiment e : experiments) {
                java.nio.file.Path dir = out.resolve("experiment-" + i++);
                boolean grouped = e.sortKey() == null || e.sortKey().size() >= 2
                        && e.sortKey().subList(0, 2).equals(List.of(OutputSchema.PAIR_ID, OutputSchema.VARIANT));
                results.add(timed(e.name(), e.viewerSafe(), () -> write(spark, pairs, e, shape.steps(), dir),
                        new Path(dir.toUri()), hadoop, grouped ? slab : 0));
            }
            List<Sensitivity> sensitivity = new ArrayList<>();
            for (double scale : scales) {
                sensitivity.add(sensitivity(spark, out.resolve("scale-" + scale), shape, seed, partitions, scale));
            }
            List<Measurement> distanceEncodings = experiments.isEmpty() ? List.of()
                    : DistanceEncodings.run(pairs.collect(), shape.steps(), ROUND_DECIMALS, out.resolve("distances"), hadoop);
            ZstdCodecReset.clear();     // later writes in this JVM get the session's level again
            return new Report(shape, rows, job, baselines, results, values, entropy, sessionLevel, sensitivity,
                    distanceEncodings);
        } finally {
            pairs.unpersist(false);
        }
    }

    private static Sensitivity sensitivity(SparkSession spark, java.nio.file.Path dir, SyntheticImpact.Shape shape,
                                           long seed, int partitions, double scale) throws IOException {
        SyntheticImpact gen = new SyntheticImpact(shape, seed, scale);
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        JavaRDD<PairResult> pairs = jsc.parallelize(IntStream.range(0, shape.pairs()).boxed().toList(), partitions)
                .map(gen::pair).persist(StorageLevel.MEMORY_ONLY());
        try {
            Configuration hadoop = spark.sparkContext().hadoopConfiguration();
            RunFolder folder = new RunFolder(dir.toString(), hadoop);
            folder.delete(folder.root());
            ZstdCodecReset.clear();
            new TableWriter(spark, folder, OutputFormat.PARQUET).appendImpact(frame(spark, pairs), shape.steps());
            Measurement m = measure("scale " + scale, true, folder.table(OutputSchema.IMPACT), hadoop, 0, 0, 0);
            return new Sensitivity(scale, m.bytesPerRow(shape.rows()), entropyBits(spark, pairs));
        } finally {
            pairs.unpersist(false);
        }
    }

    /** The impact rows of the cached pairs, as the job builds them (rounded, unsafe rows). */
    private static Dataset<Row> frame(SparkSession spark, JavaRDD<PairResult> pairs) {
        JavaRDD<InternalRow> rows = pairs.flatMap(r -> TableRows.impact(RUN_ID, r, ROUND_DECIMALS));
        return TableWriter.frame(spark, rows, OutputSchema.IMPACT);
    }

    /** The job's write ({@link TableWriter#appendImpact}) with one experiment's changes. */
    private static void write(SparkSession spark, JavaRDD<PairResult> pairs, Experiment e, int steps,
                              java.nio.file.Path dir) {
        Dataset<Row> df = frame(spark, pairs);
        if (e.narrowInts()) {
            for (String c : List.of(OutputSchema.LAYER, OutputSchema.TOKEN_POSITION, OutputSchema.PATCH_ROW,
                    OutputSchema.PATCH_COL)) {
                df = df.withColumn(c, functions.col(c).cast(DataTypes.ShortType));
            }
        }
        if (e.sortKey() != null) {
            List<String> order = new ArrayList<>(OutputSchema.partitionColumns(OutputSchema.IMPACT));
            order.addAll(e.sortKey());
            df = df.sortWithinPartitions(order.stream().map(functions::col).toArray(Column[]::new));
        }
        DataFrameWriter<Row> writer = df.write().mode(SaveMode.Overwrite).option("compression", "zstd")
                .partitionBy(OutputSchema.partitionColumns(OutputSchema.IMPACT).toArray(new String[0]));
        if (e.zstdLevel() > 0) {
            writer = writer.option("parquet.compression.codec.zstd.level", String.valueOf(e.zstdLevel()));
        }
        if (spark.sparkContext().hadoopConfiguration().get(TableWriter.PAGE_ROWS_KEY) == null) {
            writer = writer.option(TableWriter.PAGE_ROWS_KEY, String.valueOf(TableWriter.IMPACT_PAGE_ROWS));
        }
        writer = writer.options(e.options());
        ZstdCodecReset.clear();
        DataFrameWriter<Row> write = writer;
        if (e.sortKey() == null) {
            TableWriter.withoutSort(spark, steps, () -> write.parquet(dir.toString()));
        } else {
            write.parquet(dir.toString());
        }
    }

    private interface Write {
        void run() throws IOException;
    }

    private static Measurement timed(String name, boolean viewerSafe, Write write, Path dir, Configuration hadoop,
                                     long slabRows) throws IOException {
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long c0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        write.run();
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpu = (os.getProcessCpuTime() - c0) / 1e9;
        return measure(name, viewerSafe, dir, hadoop, seconds, cpu, slabRows);
    }

    /**
     * @param name the measurement's name
     * @param viewerSafe whether the viewer reads it as fast
     * @param dir a written table
     * @param hadoop Hadoop configuration
     * @param seconds how long the write took
     * @param cpuSeconds the process's CPU time during the write
     * @param slabRows rows of one (pair, variant) block in the step-0 files, or 0 when rows are not
     *     grouped that way
     * @return its data files' bytes and, for Parquet, each column's compressed bytes
     */
    static Measurement measure(String name, boolean viewerSafe, Path dir, Configuration hadoop, double seconds,
                               double cpuSeconds, long slabRows) throws IOException {
        FileSystem fs = dir.getFileSystem(hadoop);
        long bytes = 0;
        int files = 0;
        long slabBytes = 0;
        long slabs = 0;
        Map<String, Long> columns = new LinkedHashMap<>();
        RemoteIterator<LocatedFileStatus> it = fs.listFiles(dir, true);
        while (it.hasNext()) {
            LocatedFileStatus f = it.next();
            String n = f.getPath().getName();
            if (n.startsWith(".") || n.startsWith("_")) {
                continue;   // .crc side files, _SUCCESS
            }
            bytes += f.getLen();
            files++;
            if (n.endsWith(".parquet")) {
                long data = 0;
                try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromStatus(f, hadoop))) {
                    for (BlockMetaData block : reader.getFooter().getBlocks()) {
                        for (ColumnChunkMetaData c : block.getColumns()) {
                            columns.merge(c.getPath().toDotString(), c.getTotalSize(), Long::sum);
                            data += c.getTotalSize();
                        }
                    }
                    boolean firstStep = f.getPath().getParent().getName().equals(OutputSchema.GENERATION_STEP + "=0");
                    if (slabRows > 0 && firstStep && reader.getFooter().getBlocks().size() == 1) {
                        long[] s = slabFetch(reader, slabRows);
                        slabBytes += s[0];
                        slabs += s[1];
                    }
                }
                columns.merge("(footer, page indexes, magic)", f.getLen() - data, Long::sum);
            }
        }
        return new Measurement(name, bytes, files, columns, seconds, cpuSeconds, viewerSafe,
                slabs == 0 ? 0 : (double) slabBytes / slabs);
    }

    /**
     * What the viewer fetches for each (pair, variant) block of a one-row-group file: for every
     * column, the data pages (from the offset index) overlapping the block's rows and the
     * dictionary page. Returns the total bytes over all blocks and the number of blocks.
     */
    private static long[] slabFetch(ParquetFileReader reader, long slabRows) throws IOException {
        BlockMetaData block = reader.getFooter().getBlocks().get(0);
        long rows = block.getRowCount();
        long total = 0;
        long blocks = rows / slabRows;
        for (ColumnChunkMetaData c : block.getColumns()) {
            org.apache.parquet.internal.column.columnindex.OffsetIndex index = reader.readOffsetIndex(c);
            if (index == null) {
                return new long[] {0, 0};
            }
            long dictionary = c.hasDictionaryPage() ? c.getFirstDataPageOffset() - c.getDictionaryPageOffset() : 0;
            for (long b = 0; b < blocks; b++) {
                long from = b * slabRows;
                long to = from + slabRows;
                total += dictionary;
                for (int p = 0; p < index.getPageCount(); p++) {
                    long first = index.getFirstRowIndex(p);
                    long next = p + 1 < index.getPageCount() ? index.getFirstRowIndex(p + 1) : rows;
                    if (next > from && first < to) {
                        total += index.getCompressedPageSize(p);
                    }
                }
            }
        }
        return new long[] {total, blocks};
    }

    /** Entropy of each rounded distance given (variant, layer), summed over both columns, bits per row. */
    private static double entropyBits(SparkSession spark, JavaRDD<PairResult> pairs) {
        Dataset<Row> df = frame(spark, pairs);
        double bits = 0;
        for (String col : List.of(OutputSchema.L2_DISTANCE, OutputSchema.COSINE_DISTANCE)) {
            Dataset<Row> counts = df.groupBy(OutputSchema.VARIANT, OutputSchema.LAYER, col).count()
                    .withColumn("group", functions.sum("count").over(
                            org.apache.spark.sql.expressions.Window.partitionBy(OutputSchema.VARIANT, OutputSchema.LAYER)));
            Row r = counts.agg(functions.sum(functions.expr("-count * log2(count / group)")), functions.sum("count")).first();
            bits += r.getDouble(0) / r.getLong(1);
        }
        return bits;
    }

    /** Quantiles and zero fractions of the rounded distances, by variant family. */
    private static String valueQuantiles(SparkSession spark, JavaRDD<PairResult> pairs) {
        Dataset<Row> df = frame(spark, pairs).withColumn("family",
                functions.when(functions.col(OutputSchema.VARIANT).startsWith("Head_"), "Head_*")
                        .otherwise(functions.col(OutputSchema.VARIANT)));
        StringBuilder md = new StringBuilder();
        md.append("| variant | distance | p50 | p90 | p99 | p99.9 | max | = 0 after rounding | distinct |\n");
        md.append("|---|---|---|---|---|---|---|---|---|\n");
        for (String family : List.of("Full", "Attn", "Head_*")) {
            Dataset<Row> f = df.where(functions.col("family").equalTo(family));
            for (String col : List.of(OutputSchema.L2_DISTANCE, OutputSchema.COSINE_DISTANCE)) {
                double[] q = f.stat().approxQuantile(col, new double[] {0.5, 0.9, 0.99, 0.999}, 0.0001);
                Row agg = f.agg(functions.max(col), functions.avg(functions.when(functions.col(col).equalTo(0f), 1).otherwise(0)),
                        functions.countDistinct(col)).first();
                md.append(String.format(Locale.ROOT, "| %s | %s | %.4f | %.4f | %.4f | %.4f | %.4f | %.0f%% | %d |%n",
                        family, col.startsWith("l2") ? "L2" : "cosine", q[0], q[1], q[2], q[3], agg.getFloat(0),
                        100 * agg.getDouble(1), agg.getLong(2)));
            }
        }
        return md.toString();
    }

    private static double otherColumns(Measurement m) {
        return m.bytes() - m.columnBytes().getOrDefault(OutputSchema.L2_DISTANCE, 0L)
                - m.columnBytes().getOrDefault(OutputSchema.COSINE_DISTANCE, 0L);
    }

    static String markdown(Report r, String command) {
        StringBuilder md = new StringBuilder();
        md.append("## Storage: bytes per impact row\n\n");
        md.append(Machine.describe()).append("\n\n");
        md.append("Command: `").append(command).append("`\n\n");
        SyntheticImpact.Shape s = r.shape();
        md.append(String.format(Locale.ROOT, "Rows: %,d synthetic impact rows with the original tool's shape (%d pairs x %d "
                        + "steps x %d layers x %d variants x %d-%d masked tokens: %dx%d image tokens, %d question tokens, "
                        + "generated tokens), distances rounded to %d decimals, written the way a run writes them "
                        + "(`TableRows.impact` in Spark tasks, `TableWriter.appendImpact`, partitioned by generation_step). "
                        + "Values are not from a model: see `SyntheticImpact` for how they are drawn (attention with a "
                        + "few sinks, closed-form moves, per-layer and per-head scales); their distribution:%n%n",
                r.rows(), s.pairs(), s.steps(), s.layers(), s.heads() + 2, s.grid() * s.grid() + s.questionTokens(),
                s.grid() * s.grid() + s.questionTokens() + s.steps() - 1, s.grid(), s.grid(), s.questionTokens(),
                ROUND_DECIMALS));
        md.append(r.values()).append('\n');
        Measurement csv = r.baselines().get(0);
        md.append(String.format(Locale.ROOT, "The job writer is `TableWriter.appendImpact` as a run calls it: ZSTD level %d (the "
                + "session's), rows in each file by %s as the tasks emit them (no Spark sort), dictionary encoding (parquet-java's default), data "
                + "pages of %,d rows, one row group per file, one file per task and step. Write CPU is the process's "
                + "CPU time during the write (every task and Spark thread), per row.%n%n", r.zstdLevel(),
                String.join(", ", OutputSchema.IMPACT_SORT_KEY), TableWriter.IMPACT_PAGE_ROWS));
        md.append("| format | bytes | bytes/row | files | CSV / this | write s | write CPU µs/row |\n"
                + "|---|---|---|---|---|---|---|\n");
        List<Measurement> main = new ArrayList<>(r.baselines());
        main.add(r.job());
        for (Measurement m : main) {
            md.append(String.format(Locale.ROOT, "| %s | %,d | %.3f | %d | %.1fx | %.1f | %.2f |%n", m.name(), m.bytes(),
                    m.bytesPerRow(r.rows()), m.files(), (double) csv.bytes() / m.bytes(), m.seconds(),
                    m.cpuSeconds() * 1e6 / r.rows()));
        }
        double ratio = (double) csv.bytes() / r.job().bytes();
        md.append(String.format(Locale.ROOT, "%nGoal: at most 1.0 byte per row and at least 150x smaller than CSV. "
                        + "Job writer: %.3f bytes/row (%s), %.0fx smaller than CSV (%s). For scale: the two rounded "
                        + "distances alone carry %.2f bits = %.3f bytes per row of empirical entropy given their variant "
                        + "and layer (what a coder that sees each value on its own would need), so no format that "
                        + "keeps every value is much below %.0fx this CSV; the other ten columns cost the job's writer "
                        + "%.3f bytes/row.%n%n",
                r.job().bytesPerRow(r.rows()), r.job().bytesPerRow(r.rows()) <= 1.0 ? "met" : "NOT met",
                ratio, ratio >= 150 ? "met" : "NOT met", r.entropyBits(), r.entropyBits() / 8,
                csv.bytesPerRow(r.rows()) / (r.entropyBits() / 8), otherColumns(r.job()) / r.rows()));
        md.append("Variations of the job's write (one change each; viewer-safe = sort key starts with pair_id, variant, "
                + "INT32/FLOAT/BYTE_ARRAY columns, data page v1, so the viewer's page-index reads still work; slab KB = "
                + "what the viewer fetches for one pair's variant at step 0, every column's overlapping pages and "
                + "dictionaries):\n\n");
        md.append("| variation | bytes/row | vs job | viewer-safe | slab KB | write s | write CPU µs/row |\n"
                + "|---|---|---|---|---|---|---|\n");
        md.append(String.format(Locale.ROOT, "| (job writer) | %.3f | | yes | %.0f | %.1f | %.2f |%n",
                r.job().bytesPerRow(r.rows()), r.job().slabBytes() / 1024, r.job().seconds(),
                r.job().cpuSeconds() * 1e6 / r.rows()));
        for (Measurement m : r.experiments()) {
            md.append(String.format(Locale.ROOT, "| %s | %.3f | %+.1f%% | %s | %s | %.1f | %.2f |%n", m.name(),
                    m.bytesPerRow(r.rows()), 100.0 * (m.bytes() - r.job().bytes()) / r.job().bytes(),
                    m.viewerSafe() ? "yes" : "no",
                    m.slabBytes() > 0 ? String.format(Locale.ROOT, "%.0f", m.slabBytes() / 1024) : "-", m.seconds(),
                    m.cpuSeconds() * 1e6 / r.rows()));
        }
        if (!r.distanceEncodings().isEmpty()) {
            md.append("\nBYTE_STREAM_SPLIT for the floats: the parquet-java on Spark 3.5's classpath (1.13.1) has no "
                    + "Hadoop key for it (only `ParquetWriter.Builder#withByteStreamSplitEncoding`), so Spark's writer "
                    + "cannot use it; and Spark 3.5's vectorized Parquet reader, its default, rejects it (\"Unsupported "
                    + "encoding: BYTE_STREAM_SPLIT\"), so such files would fail plain Spark SQL queries. The two distance "
                    + "columns alone, in the job's row order, written with parquet-java directly (same ZSTD level and "
                    + "page size; one file per step, where the job writes one per task and step, so one dictionary "
                    + "serves more rows), for the size it would have given:"
                    + "\n\n| distance columns | l2 bits/row | cosine bits/row | both, bytes/row |\n|---|---|---|---|\n");
            long jobL2 = r.job().columnBytes().getOrDefault(OutputSchema.L2_DISTANCE, 0L);
            long jobCos = r.job().columnBytes().getOrDefault(OutputSchema.COSINE_DISTANCE, 0L);
            md.append(String.format(Locale.ROOT, "| the job writer's (Spark) | %.2f | %.2f | %.3f |%n", 8.0 * jobL2 / r.rows(),
                    8.0 * jobCos / r.rows(), (double) (jobL2 + jobCos) / r.rows()));
            for (Measurement m : r.distanceEncodings()) {
                long l2 = m.columnBytes().getOrDefault(OutputSchema.L2_DISTANCE, 0L);
                long cos = m.columnBytes().getOrDefault(OutputSchema.COSINE_DISTANCE, 0L);
                md.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f | %.3f |%n", m.name(), 8.0 * l2 / r.rows(),
                        8.0 * cos / r.rows(), (double) (l2 + cos) / r.rows()));
            }
        }
        if (!r.sensitivity().isEmpty()) {
            md.append("\nThe same run with every distance scaled (the job writer; at 4 decimals larger values have more "
                    + "distinct levels, so the bytes follow the values' magnitude, which this benchmark can only "
                    + "guess):\n\n| distances x | bytes/row | entropy of the distances, bytes/row |\n|---|---|---|\n");
            md.append(String.format(Locale.ROOT, "| 1 | %.3f | %.3f |%n", r.job().bytesPerRow(r.rows()), r.entropyBits() / 8));
            for (Sensitivity x : r.sensitivity()) {
                md.append(String.format(Locale.ROOT, "| %s | %.3f | %.3f |%n", x.scale(), x.bytesPerRow(), x.entropyBits() / 8));
            }
        }
        Measurement best = r.bestViewerSafe();
        md.append("\nWhere the bytes go (compressed column chunks, all files), job writer")
                .append(best == r.job() ? "" : " and the smallest viewer-safe variation (" + best.name() + ")").append(":\n\n");
        md.append("| column | job bytes | job bits/row |").append(best == r.job() ? "" : " best bytes | best bits/row |")
                .append(best == r.job() ? "\n|---|---|---|\n" : "\n|---|---|---|---|---|\n");
        r.job().columnBytes().entrySet().stream()
                .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
                .forEach(e -> {
                    md.append(String.format(Locale.ROOT, "| %s | %,d | %.2f |", e.getKey(), e.getValue(),
                            8.0 * e.getValue() / r.rows()));
                    if (best != r.job()) {
                        long b = best.columnBytes().getOrDefault(e.getKey(), 0L);
                        md.append(String.format(Locale.ROOT, " %,d | %.2f |", b, 8.0 * b / r.rows()));
                    }
                    md.append('\n');
                });
        return md.toString();
    }
}
