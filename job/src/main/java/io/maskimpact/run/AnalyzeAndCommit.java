package io.maskimpact.run;

import io.maskimpact.input.PairSpec;
import io.maskimpact.schema.OutputSchema;
import io.maskimpact.output.ImpactOrder;
import io.maskimpact.output.PairResult;
import io.maskimpact.output.TableRows;
import io.maskimpact.output.TableWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.apache.spark.util.SerializableConfiguration;

/**
 * Step 6 of a run, once per commit: analyse a batch of pairs and write its tables.
 *
 * <p>The pairs are spread over partitions ({@code --partitions}, default one per core) and
 * analysed in {@code mapPartitions} ({@link AnalyzePairs}) inside the {@code impact} write, so
 * impact rows stream from the model to the Parquet writer without being cached. The small
 * tables are then written from the pairs' light results, which came back to the driver through
 * an accumulator, in the order {@code effects}, {@code steps}, {@code errors}, {@code pairs}: a pair counts as
 * complete once its {@code pairs} row is committed, which is what resume relies on.
 *
 * <p>Cost: one Spark job for {@code impact} (no shuffle, no sort), one small
 * job per other table; the light results (a few hundred bytes per pair, plus one row per unit
 * and step with {@code --effects}) pass through the driver.
 */
final class AnalyzeAndCommit {

    private final SparkSession spark;
    private final JobConf conf;
    private final String outRoot;
    private final TableWriter writer;
    private final Broadcast<SerializableConfiguration> hadoopConf;
    private final LongAccumulator pairsDone;
    private final LongAccumulator pairsFailed;
    private final LongAccumulator rows;

    AnalyzeAndCommit(SparkSession spark, JobConf conf, String outRoot, TableWriter writer, LongAccumulator pairsDone,
                     LongAccumulator pairsFailed, LongAccumulator rows) {
        this.spark = spark;
        this.conf = conf;
        this.outRoot = outRoot;
        this.writer = writer;
        this.pairsDone = pairsDone;
        this.pairsFailed = pairsFailed;
        this.rows = rows;
        this.hadoopConf = JavaSparkContext.fromSparkContext(spark.sparkContext())
                .broadcast(new SerializableConfiguration(spark.sparkContext().hadoopConfiguration()));
    }

    /**
     * @param pairs the commit's pairs (may be empty when only rejections are recorded)
     * @param rejected manifest rows to record in {@code errors} with this commit
     * @param label e.g. {@code commit 2/5}, for job descriptions
     * @return what the commit wrote
     */
    RunCounts run(List<PairSpec> pairs, List<PairResult> rejected, String label) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        List<PairResult> results = new ArrayList<>();
        if (!pairs.isEmpty()) {
            int partitions = Math.max(1, Math.min(pairs.size(),
                    conf.partitions() > 0 ? conf.partitions() : jsc.defaultParallelism()));
            CollectionAccumulator<PairResult> collected = spark.sparkContext().collectionAccumulator("pair results");
            // pair_id order: each task then writes its pairs' rows in file order without a sort
            // (TableWriter.appendImpact), and tasks hold disjoint pair_id ranges, which readers can skip by
            List<PairSpec> byId = pairs.stream().sorted(Comparator.comparing(PairSpec::pairId, ImpactOrder.STRINGS)).toList();
            int steps = pairs.stream().mapToInt(PairSpec::maxNewTokens).max().orElse(1);
            JavaRDD<InternalRow> impact = jsc.parallelize(byId, partitions)
                    .mapPartitions(new AnalyzePairs(conf, outRoot, hadoopConf, collected, pairsDone, pairsFailed, rows));
            jsc.setJobDescription(conf.runId() + " " + label + ": analyse " + pairs.size() + " pairs in " + partitions
                    + " tasks, write impact");
            writer.appendImpact(TableWriter.frame(spark, impact, OutputSchema.IMPACT), steps);
            results.addAll(inManifestOrder(collected.value(), pairs));
        }
        List<PairResult> all = new ArrayList<>(rejected);
        all.addAll(results);
        List<InternalRow> effects = new ArrayList<>();
        List<InternalRow> steps = new ArrayList<>();
        List<InternalRow> errors = new ArrayList<>();
        List<InternalRow> pairRows = new ArrayList<>();
        long ok = 0;
        long failed = 0;
        long impactRows = 0;
        for (PairResult r : all) {
            effects.addAll(TableRows.effects(conf.runId(), r, conf.analysis().effects().layersLabel()));
            steps.addAll(TableRows.steps(conf.runId(), r));
            add(errors, TableRows.error(conf.runId(), r));
            add(pairRows, TableRows.pair(conf.runId(), r));
            if (r.hasPairRow()) {
                if (r.isOk()) {
                    ok++;
                } else {
                    failed++;
                }
            }
            impactRows += r.impactRows();
        }
        write(jsc, OutputSchema.EFFECTS, effects, label);
        write(jsc, OutputSchema.STEPS, steps, label);
        write(jsc, OutputSchema.ERRORS, errors, label);
        write(jsc, OutputSchema.PAIRS, pairRows, label);
        return new RunCounts(ok, failed, impactRows, steps.size(), errors.size());
    }

    private void write(JavaSparkContext jsc, String table, List<InternalRow> tableRows, String label) {
        if (tableRows.isEmpty()) {
            return;
        }
        jsc.setJobDescription(conf.runId() + " " + label + ": write " + tableRows.size() + " " + table + " rows");
        org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> frame = TableWriter.frame(spark, jsc.parallelize(tableRows, 1), table);
        if (OutputSchema.EFFECTS.equals(table)) {
            // one file per step, rows in the sort key's order (the writer keeps a sorted input's order)
            List<String> order = new ArrayList<>(OutputSchema.partitionColumns(table));
            order.addAll(OutputSchema.EFFECTS_SORT_KEY);
            frame = frame.sortWithinPartitions(order.stream().map(org.apache.spark.sql.functions::col)
                    .toArray(org.apache.spark.sql.Column[]::new));
        }
        writer.append(table, frame);
    }

    /** One result per pair (a retried partition may report twice), in the order of the commit's pairs. */
    private static List<PairResult> inManifestOrder(List<PairResult> collected, List<PairSpec> pairs) {
        Map<String, PairResult> byId = new LinkedHashMap<>();
        for (PairResult r : collected) {
            byId.putIfAbsent(r.pairId(), r);
        }
        Map<String, Integer> order = new HashMap<>();
        for (int i = 0; i < pairs.size(); i++) {
            order.put(pairs.get(i).pairId(), i);
        }
        List<PairResult> sorted = new ArrayList<>(byId.values());
        sorted.sort(java.util.Comparator.comparingInt(r -> order.getOrDefault(r.pairId(), Integer.MAX_VALUE)));
        return sorted;
    }

    private static void add(List<InternalRow> list, InternalRow row) {
        if (row != null) {
            list.add(row);
        }
    }
}
