package io.maskimpact.query;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.udf;

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
import org.apache.spark.ml.stat.Summarizer;
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
 *   <li>{@code layer_summary}: MLlib's {@link Summarizer} over the vector (l2, cosine) per
 *       (run, variant, layer, token kind), plus one row per (run, variant, layer) over all kinds;</li>
 *   <li>{@code token_clusters} and {@code cluster_profiles}: every token of every step becomes a
 *       profile across layers &mdash; the chosen metric of the chosen variant, normalised per
 *       (pair, step, layer) by its maximum ({@code mi_normalize(value, 'max')}) so that pairs and
 *       layers of different scale compare &mdash; and KMeans groups the profiles; clusters are
 *       numbered by descending mean centre value, so cluster 0 holds the tokens that matter most;</li>
 *   <li>write the three tables as ZSTD Parquet under {@code <out>/analysis/} (replacing earlier
 *       ones), then add them to {@code _manifest.json} under {@code "analysis"}.</li>
 * </ol>
 *
 * <p>Cost: one pass over {@code impact} for the summaries; for the clusters one pass to build the
 * profiles (a shuffle by token: the pivot), which are cached, then KMeans' iterations over them.
 * Nothing but the cluster centres and sizes comes to the driver.
 */
public final class RunAnalysis {

    /** The {@code _manifest.json} entry's shape version. */
    public static final int MANIFEST_ENTRY_VERSION = 1;

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
            err.println("analyze: per-layer summaries (MLlib Summarizer)");
            err.flush();
            Dataset<Row> summary = layerSummary(impact);
            Map<String, Long> written = new LinkedHashMap<>();
            written.put(OutputSchema.LAYER_SUMMARY, write(folder, OutputSchema.LAYER_SUMMARY, summary.coalesce(1)));

            // 3. profiles and clusters
            Dataset<Row> profiles = profiles(impact, layers).cache();
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
                List<Long> sizes = clusterSizes(folder, k);
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

    /** Summarizer over (l2, cosine) per (run, variant, layer, kind), and per (run, variant, layer). */
    static Dataset<Row> layerSummary(Dataset<Row> impact) {
        Dataset<Row> features = new VectorAssembler()
                .setInputCols(new String[] {OutputSchema.L2_DISTANCE, OutputSchema.COSINE_DISTANCE})
                .setOutputCol("features").setHandleInvalid("skip")
                .transform(impact.select(OutputSchema.RUN_ID, OutputSchema.VARIANT, OutputSchema.LAYER,
                        OutputSchema.TOKEN_KIND, OutputSchema.L2_DISTANCE, OutputSchema.COSINE_DISTANCE));
        Column stats = Summarizer.metrics("count", "mean", "std", "min", "max").summary(col("features")).as("s");
        Dataset<Row> byKind = features
                .groupBy(OutputSchema.RUN_ID, OutputSchema.VARIANT, OutputSchema.LAYER, OutputSchema.TOKEN_KIND)
                .agg(stats);
        Dataset<Row> all = features.groupBy(OutputSchema.RUN_ID, OutputSchema.VARIANT, OutputSchema.LAYER)
                .agg(stats).withColumn(OutputSchema.TOKEN_KIND, lit(OutputSchema.TOKEN_KIND_ALL));
        Dataset<Row> both = byKind.unionByName(all);
        Column count = col("s.count");
        return both.select(
                col(OutputSchema.RUN_ID), col(OutputSchema.VARIANT), col(OutputSchema.LAYER),
                col(OutputSchema.TOKEN_KIND),
                count.as(OutputSchema.ROW_COUNT),
                element("s.mean", 0).as(OutputSchema.L2_MEAN),
                sampleStd(count, 0).as(OutputSchema.L2_STDDEV),
                element("s.min", 0).as(OutputSchema.L2_MIN),
                element("s.max", 0).as(OutputSchema.L2_MAX),
                element("s.mean", 1).as(OutputSchema.COSINE_MEAN),
                sampleStd(count, 1).as(OutputSchema.COSINE_STDDEV),
                element("s.min", 1).as(OutputSchema.COSINE_MIN),
                element("s.max", 1).as(OutputSchema.COSINE_MAX))
                .orderBy(OutputSchema.RUN_ID, OutputSchema.VARIANT, OutputSchema.LAYER, OutputSchema.TOKEN_KIND);
    }

    private static Column element(String vectorColumn, int index) {
        return org.apache.spark.ml.functions.vector_to_array(col(vectorColumn), "float64").getItem(index);
    }

    private static Column sampleStd(Column count, int index) {
        // Summarizer's std of a single row is 0; a sample standard deviation is undefined there.
        return org.apache.spark.sql.functions.when(count.gt(1), element("s.std", index));
    }

    /** One row per (run, pair, step, position): the normalised metric at each layer, as a vector. */
    private Dataset<Row> profiles(Dataset<Row> impact, List<Integer> layers) {
        Dataset<Row> normalised = impact.filter(col(OutputSchema.VARIANT).equalTo(request.variant()))
                .withColumn("norm", Normalize.MAX.apply(col(request.metric())));
        List<Object> pivotValues = new ArrayList<>(layers);
        Dataset<Row> wide = normalised
                .groupBy(OutputSchema.RUN_ID, OutputSchema.PAIR_ID, OutputSchema.GENERATION_STEP,
                        OutputSchema.TOKEN_POSITION, OutputSchema.TOKEN_MASKED, OutputSchema.TOKEN_KIND,
                        OutputSchema.PATCH_ROW, OutputSchema.PATCH_COL)
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

    private List<Long> clusterSizes(RunFolder folder, int k) {
        Long[] sizes = new Long[k];
        Arrays.fill(sizes, 0L);
        spark.read().parquet(folder.table(analysisPath(OutputSchema.TOKEN_CLUSTERS)).toString())
                .groupBy(OutputSchema.CLUSTER).count().collectAsList()
                .forEach(r -> sizes[r.getInt(0)] = r.getLong(1));
        return List.of(sizes);
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
