package io.maskimpact.query;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.grouping;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.stddev_samp;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.maskimpact.output.ParquetFooters;
import io.maskimpact.output.RunFolder;
import io.maskimpact.output.RunManifest;
import io.maskimpact.schema.OutputSchema;
import io.maskimpact.udfs.Normalize;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.spark.ml.clustering.KMeans;
import org.apache.spark.ml.clustering.KMeansModel;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * MLlib analyses of a finished run, written as tables next to it: the engine of {@code analyze}.
 *
 * <p>Steps:
 * <ol>
 *   <li>open the run (it must have {@code _manifest.json}) and find the layers of the chosen variant;</li>
 *   <li>{@code layer_summary}: count, mean, sample standard deviation, minimum and maximum of
 *       both distances per (run, variant, layer, token kind), plus one row per (run, variant,
 *       layer) over all kinds, in one aggregation;</li>
 *   <li>{@code token_clusters} and {@code cluster_profiles}: every token of every step becomes a
 *       profile across layers &mdash; the chosen metric of the chosen variant, normalised per
 *       (pair, step, layer) by its maximum ({@code mi_normalize(value, 'max')}) so that pairs and
 *       layers of different scale compare &mdash; and KMeans groups the profiles; clusters are
 *       numbered by descending mean centre value, so cluster 0 holds the tokens that matter most;</li>
 *   <li>write the three tables as ZSTD Parquet under {@code <out>/analysis/} (replacing earlier
 *       ones), then add them to {@code _manifest.json} under {@code "analysis"}.</li>
 * </ol>
 *
 * <p>Cost: one pass over {@code impact} for the layers, one for the summaries (a small shuffle);
 * for the clusters one pass to build the profiles (a shuffle by token: the pivot), which are
 * cached, then KMeans' initialisation and iterations over them, a Spark job each. Nothing but the
 * layers, the cluster centres and sizes comes to the driver. A run of the demo's size is bound by
 * those jobs' fixed cost, not by its rows (docs/BENCHMARKS.md, "analyze").
 */
public final class RunAnalysis {

    /** The {@code _manifest.json} entry's shape version. */
    public static final int MANIFEST_ENTRY_VERSION = 1;

    /** About 100 MB of cached profiles a partition at 36 layers (9 key columns and a dense vector). */
    static final long PROFILES_PER_PARTITION = 250_000;

    /**
     * What to analyse.
     *
     * @param out the run folder
     * @param variant the variant whose profiles are clustered
     * @param metric {@code l2_distance} or {@code cosine_distance}
     * @param k the number of clusters (fewer when there are fewer distinct profiles)
     * @param seed the KMeans seed
     * @param maxIter the most KMeans iterations
     */
    public record Request(String out, String variant, String metric, int k, long seed, int maxIter) {
    }

    /**
     * What was written.
     *
     * @param layers the layers of the variant
     * @param tokens the number of token profiles clustered
     * @param k the number of clusters used
     * @param clusterSizes the tokens in each cluster, cluster 0 first
     * @param tables every written table with its rows
     */
    public record Result(List<Integer> layers, long tokens, int k, List<Long> clusterSizes, Map<String, Long> tables) {
    }

    private final SparkSession spark;
    private final Request request;

    /**
     * @param spark the session
     * @param request what to analyse
     */
    public RunAnalysis(SparkSession spark, Request request) {
        this.spark = spark;
        this.request = request;
    }

    /**
     * Runs the analyses and records them in the manifest.
     *
     * @param err where progress goes
     * @return what was written
     * @throws QueryException when the folder is not a finished run, or the options do not fit it
     */
    public Result run(PrintWriter err) throws QueryException {
        checkOptions();
        RunFolder folder = new RunFolder(request.out(), spark.sparkContext().hadoopConfiguration());
        spark.sparkContext().setJobGroup("mask-impact-analyze", String.format(
                "analyze %s: %s of %s, k=%d", request.out(), request.metric(), request.variant(), request.k()), false);
        try {
            // 1. the run and its layers
            RunTables run = RunTables.open(spark, request.out(), null);
            ObjectNode manifest = RunManifest.read(folder);
            if (manifest == null) {
                throw QueryException.cannotAnalyze(request.out(), "it has no " + OutputSchema.MANIFEST_FILE
                        + " (the run is unfinished or still running; analyze a finished run)");
            }
            Dataset<Row> impact = run.tables().get(OutputSchema.IMPACT);
            List<Integer> layers = layers(impact);

            // 2. per-layer summaries
            err.println("analyze: per-layer summaries");
            err.flush();
            Dataset<Row> summary = layerSummary(impact).coalesce(1).sortWithinPartitions(OutputSchema.RUN_ID,
                    OutputSchema.VARIANT, OutputSchema.LAYER, OutputSchema.TOKEN_KIND);
            Map<String, Long> written = new LinkedHashMap<>();
            written.put(OutputSchema.LAYER_SUMMARY, write(folder, OutputSchema.LAYER_SUMMARY, summary));

            // 3. profiles and clusters
            Dataset<Row> profiles = profiles(impact, layers)
                    .coalesce(profilePartitions(RunManifest.tableRows(manifest, OutputSchema.IMPACT)
                            .orElse(Long.MAX_VALUE), layers.size()))
                    .cache();
            try {
                long tokens = profiles.count();
                int k = (int) Math.min(request.k(), tokens);
                if (k < 2) {
                    throw QueryException.cannotAnalyze(request.out(), "variant " + request.variant() + " has "
                            + tokens + " token profile(s); clustering needs at least 2");
                }
                err.printf("analyze: KMeans, k=%d, over %d token profiles of %d layers%n", k, tokens, layers.size());
                err.flush();
                KMeansModel model = new KMeans().setK(k).setSeed(request.seed()).setMaxIter(request.maxIter())
                        .setFeaturesCol("features").setPredictionCol("raw_cluster").fit(profiles);
                Vector[] centers = model.clusterCenters();
                int[] rank = rankByMeanDescending(centers);
                Dataset<Row> clustered = clusters(model.transform(profiles), centers, rank);
                int files = (int) Math.max(1, tokens / 2_000_000);
                written.put(OutputSchema.TOKEN_CLUSTERS, write(folder, OutputSchema.TOKEN_CLUSTERS,
                        clustered.coalesce(files).sortWithinPartitions(OutputSchema.RUN_ID, OutputSchema.PAIR_ID,
                                OutputSchema.GENERATION_STEP, OutputSchema.TOKEN_POSITION)));
                long[] rawSizes = model.summary().clusterSizes();
                List<Long> sizes = Arrays.stream(rank).mapToObj(raw -> rawSizes[raw]).toList();
                Dataset<Row> profilesTable = clusterProfiles(centers, rank, sizes, layers);
                written.put(OutputSchema.CLUSTER_PROFILES,
                        write(folder, OutputSchema.CLUSTER_PROFILES, profilesTable.coalesce(1)));

                // 4. the manifest
                recordInManifest(folder, manifest, layers, tokens, k);
                return new Result(layers, tokens, k, sizes, written);
            } finally {
                profiles.unpersist();
            }
        } catch (IOException e) {
            throw QueryException.cannotRead(request.out(), e);
        } finally {
            spark.sparkContext().clearJobGroup();
        }
    }

    /**
     * The partitions of the cached profiles: KMeans runs a Spark job per iteration, each with a
     * task per partition, so a run of the demo's size clusters in one partition (8 tasks a job
     * cost it about 4 s) and a large run gets one per {@link #PROFILES_PER_PARTITION} profiles,
     * never more than the pivot's shuffle gives. The impact rows (from the manifest) over the
     * layers bound the profiles from above.
     */
    static int profilePartitions(long impactRows, int layers) {
        long profilesAtMost = impactRows / Math.max(1, layers);
        long partitions = profilesAtMost == 0 ? 1 : (profilesAtMost - 1) / PROFILES_PER_PARTITION + 1;
        return (int) Math.min(Integer.MAX_VALUE, partitions);
    }

    private void checkOptions() throws QueryException {
        if (!request.metric().equals(OutputSchema.L2_DISTANCE) && !request.metric().equals(OutputSchema.COSINE_DISTANCE)) {
            throw QueryException.badOption("--metric", request.metric(),
                    "expected " + OutputSchema.L2_DISTANCE + " or " + OutputSchema.COSINE_DISTANCE);
        }
        if (request.k() < 2 || request.k() > 1000) {
            throw QueryException.badOption("--k", request.k(), "expected 2..1000 clusters");
        }
        if (request.maxIter() < 1) {
            throw QueryException.badOption("--max-iter", request.maxIter(), "expected 1 or more");
        }
    }

    private List<Integer> layers(Dataset<Row> impact) throws QueryException {
        List<Integer> layers = impact.filter(col(OutputSchema.VARIANT).equalTo(request.variant()))
                .select(OutputSchema.LAYER).distinct().collectAsList().stream()
                .map(r -> r.getInt(0)).sorted().toList();
        if (layers.isEmpty()) {
            List<String> variants = impact.select(OutputSchema.VARIANT).distinct().collectAsList().stream()
                    .map(r -> r.getString(0)).sorted().toList();
            throw QueryException.cannotAnalyze(request.out(), variants.isEmpty() ? "its impact table is empty"
                    : "it has no rows of variant " + request.variant() + " (it has " + String.join(", ", variants) + ")");
        }
        return layers;
    }

    /**
     * Count, mean, sample standard deviation, minimum and maximum of both distances per (run,
     * variant, layer, token kind) and per (run, variant, layer), in one aggregation: a rollup whose
     * two finest levels are kept. Rows with a NaN distance are left out.
     */
    static Dataset<Row> layerSummary(Dataset<Row> impact) {
        Column l2 = col(OutputSchema.L2_DISTANCE);
        Column cosine = col(OutputSchema.COSINE_DISTANCE);
        Dataset<Row> both = impact.filter(not(isnan(l2).or(isnan(cosine))))
                .rollup(OutputSchema.RUN_ID, OutputSchema.VARIANT, OutputSchema.LAYER, OutputSchema.TOKEN_KIND)
                .agg(count(lit(1)).as(OutputSchema.ROW_COUNT),
                        avg(l2).as(OutputSchema.L2_MEAN), stddev_samp(l2).as(OutputSchema.L2_STDDEV),
                        min(l2).cast(DataTypes.DoubleType).as(OutputSchema.L2_MIN),
                        max(l2).cast(DataTypes.DoubleType).as(OutputSchema.L2_MAX),
                        avg(cosine).as(OutputSchema.COSINE_MEAN), stddev_samp(cosine).as(OutputSchema.COSINE_STDDEV),
                        min(cosine).cast(DataTypes.DoubleType).as(OutputSchema.COSINE_MIN),
                        max(cosine).cast(DataTypes.DoubleType).as(OutputSchema.COSINE_MAX),
                        grouping(OutputSchema.LAYER).as("layer_level"), grouping(OutputSchema.TOKEN_KIND).as("kind_level"))
                .filter(col("layer_level").equalTo(0))
                .withColumn(OutputSchema.TOKEN_KIND, when(col("kind_level").equalTo(1), lit(OutputSchema.TOKEN_KIND_ALL))
                        .otherwise(col(OutputSchema.TOKEN_KIND)));
        Column[] columns = java.util.Arrays.stream(OutputSchema.LAYER_SUMMARY_SCHEMA.fieldNames())
                .map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
        return both.select(columns);
    }

    /** One row per (run, pair, step, position): the normalised metric at each layer, as a vector. */
    private Dataset<Row> profiles(Dataset<Row> impact, List<Integer> layers) {
        Dataset<Row> normalised = impact.filter(col(OutputSchema.VARIANT).equalTo(request.variant()))
                .withColumn("norm", Normalize.MAX.apply(col(request.metric())));
        List<Object> pivotValues = new ArrayList<>(layers);
        Dataset<Row> wide = normalised
                .groupBy(OutputSchema.RUN_ID, OutputSchema.PAIR_ID, OutputSchema.GENERATION_STEP,
                        OutputSchema.TOKEN_POSITION, OutputSchema.TOKEN_MASKED, OutputSchema.TOKEN_KIND,
                        OutputSchema.IMAGE_INDEX, OutputSchema.PATCH_ROW, OutputSchema.PATCH_COL)
                .pivot(OutputSchema.LAYER, pivotValues)
                .agg(first("norm"));
        String[] layerColumns = layers.stream().map(String::valueOf).toArray(String[]::new);
        return new VectorAssembler().setInputCols(layerColumns).setOutputCol("features")
                .transform(wide.na().fill(0.0, layerColumns))
                .drop(layerColumns);
    }

    private Dataset<Row> clusters(Dataset<Row> predicted, Vector[] centers, int[] rank) {
        Vector[] byRaw = centers.clone();
        int[] newIdOfRaw = new int[centers.length];
        for (int newId = 0; newId < rank.length; newId++) {
            newIdOfRaw[rank[newId]] = newId;
        }
        UserDefinedFunction distance = udf((UDF2<Vector, Integer, Double>) (v, c) ->
                Math.sqrt(Vectors.sqdist(v, byRaw[c])), DataTypes.DoubleType);
        UserDefinedFunction relabel = udf((org.apache.spark.sql.api.java.UDF1<Integer, Integer>) c -> newIdOfRaw[c],
                DataTypes.IntegerType);
        List<Column> columns = new ArrayList<>();
        for (StructField f : OutputSchema.TOKEN_CLUSTERS_SCHEMA.fields()) {
            switch (f.name()) {
                case OutputSchema.CLUSTER -> columns.add(relabel.apply(col("raw_cluster")).as(OutputSchema.CLUSTER));
                case OutputSchema.CLUSTER_DISTANCE -> columns.add(
                        distance.apply(col("features"), col("raw_cluster")).as(OutputSchema.CLUSTER_DISTANCE));
                default -> columns.add(col(f.name()));
            }
        }
        return predicted.select(columns.toArray(Column[]::new));
    }

    /** @return raw cluster ids ordered by descending mean centre value (ties: lower id first) */
    static int[] rankByMeanDescending(Vector[] centers) {
        double[] means = Arrays.stream(centers).mapToDouble(c -> Arrays.stream(c.toArray()).average().orElse(0))
                .toArray();
        return IntStream.range(0, centers.length).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -means[i]).thenComparingInt(i -> i))
                .mapToInt(Integer::intValue).toArray();
    }

    private Dataset<Row> clusterProfiles(Vector[] centers, int[] rank, List<Long> sizes, List<Integer> layers) {
        List<Row> rows = new ArrayList<>();
        for (int cluster = 0; cluster < rank.length; cluster++) {
            double[] center = centers[rank[cluster]].toArray();
            for (int j = 0; j < layers.size(); j++) {
                rows.add(RowFactory.create(request.variant(), request.metric(), cluster, sizes.get(cluster),
                        layers.get(j), center[j]));
            }
        }
        return spark.createDataFrame(rows, OutputSchema.CLUSTER_PROFILES_SCHEMA);
    }

    private long write(RunFolder folder, String table, Dataset<Row> data) throws IOException {
        String path = folder.table(analysisPath(table)).toString();
        data.write().mode(SaveMode.Overwrite).option("compression", "zstd").parquet(path);
        return folder.listDataFiles(analysisPath(table)).stream()
                .mapToLong(f -> footer(f, folder).rows()).sum();
    }

    private ParquetFooters.Facts footer(FileStatus f, RunFolder folder) {
        try {
            return ParquetFooters.read(f, spark.sparkContext().hadoopConfiguration());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String analysisPath(String table) {
        return OutputSchema.ANALYSIS_DIR + "/" + table;
    }

    private void recordInManifest(RunFolder folder, ObjectNode manifest, List<Integer> layers, long tokens, int k)
            throws IOException {
        ObjectNode entry = RunManifest.json().createObjectNode();
        entry.put("entry_version", MANIFEST_ENTRY_VERSION);
        entry.put("written_at", Instant.now().toString());
        entry.put("variant", request.variant());
        entry.put("metric", request.metric());
        entry.put("normalisation", "max per (run_id, pair_id, generation_step, layer, variant)");
        entry.put("k", k);
        entry.put("seed", request.seed());
        entry.put("max_iter", request.maxIter());
        entry.put("tokens", tokens);
        layers.forEach(entry.putArray("layers")::add);
        ObjectNode columns = entry.putObject("columns");
        ObjectNode tables = entry.putObject("tables");
        for (String table : OutputSchema.ANALYSIS_TABLES) {
            ArrayNode cols = columns.putArray(table);
            for (StructField f : OutputSchema.schema(table).fields()) {
                cols.addObject().put("name", f.name()).put("type", f.dataType().simpleString())
                        .put("nullable", f.nullable());
            }
            ObjectNode t = tables.putObject(table);
            t.put("path", analysisPath(table));
            long rows = 0;
            long bytes = 0;
            ArrayNode files = t.putArray("files");
            java.util.Set<String> codecs = new java.util.TreeSet<>();
            for (FileStatus f : folder.listDataFiles(analysisPath(table))) {
                ParquetFooters.Facts facts = ParquetFooters.read(f, spark.sparkContext().hadoopConfiguration());
                rows += facts.rows();
                bytes += facts.bytes();
                codecs.addAll(facts.codecs());
                files.addObject().put("path", folder.relative(f.getPath())).put("bytes", facts.bytes())
                        .put("rows", facts.rows()).put("row_groups", facts.rowGroups());
            }
            t.put("rows", rows);
            t.put("bytes", bytes);
            codecs.forEach(t.putArray("codecs")::add);
        }
        manifest.set(OutputSchema.MANIFEST_ANALYSIS_KEY, entry);
        RunManifest.write(folder, manifest);
    }
}
