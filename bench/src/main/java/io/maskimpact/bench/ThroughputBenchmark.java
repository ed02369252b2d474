package io.maskimpact.bench;

import ai.djl.ndarray.NDManager;
import io.maskimpact.analysis.AnalysisOptions;
import io.maskimpact.analysis.ImpactAnalyzer;
import io.maskimpact.analysis.PairImpact;
import io.maskimpact.analysis.PairRequest;
import io.maskimpact.input.ImageLoader;
import io.maskimpact.input.PairRejection;
import io.maskimpact.model.ModelLoadException;
import io.maskimpact.model.PromptException;
import io.maskimpact.model.Vlm;
import io.maskimpact.family.Families;
import io.maskimpact.output.ImpactOrder;
import io.maskimpact.output.OutputFormat;
import io.maskimpact.output.PairResult;
import io.maskimpact.output.RunFolder;
import io.maskimpact.output.TableRows;
import io.maskimpact.output.TableWriter;
import io.maskimpact.run.JobConf;
import io.maskimpact.run.JobConfException;
import io.maskimpact.run.MaskImpactJob;
import io.maskimpact.run.RunReport;
import io.maskimpact.run.RunSetupException;
import io.maskimpact.run.SparkSessions;
import io.maskimpact.schema.OutputSchema;
import io.maskimpact.toy.ToyData;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.SparkSession;

/**
 * Pairs per second of the job on the tiny model with one core against two, and where a pair's
 * time goes.
 *
 * <p><b>Scaling.</b> The real job ({@link MaskImpactJob}, default settings) runs on the same
 * toy pairs with {@code local[1]} and {@code local[2]}, alternately, in one JVM: a fresh Spark
 * session per run (its start is not timed), the model loaded once for the JVM by the job's
 * model cache before the first timed run. Each run reports its wall time, the wall time of the
 * Spark job that analyses the pairs and writes {@code impact} (the rest is the driver's fixed
 * work: manifest, small tables, {@code _manifest.json}), and the CPU time the process used.
 *
 * <p><b>Where the time goes.</b> One thread, no Spark except for the write, the same stages a
 * task runs, each timed alone over the same pairs: read and decode the image
 * ({@link ImageLoader}), preprocess it (the model's image processor), the rest of prompt preparation
 * (template, tokenizer, vision tower, projector), prefill, the remaining decode steps, the
 * analysis itself (an {@link ImpactAnalyzer} run minus the preparation and generation it
 * contains), building the rows ({@link TableRows#impact}) and the Parquet write
 * ({@link TableWriter#appendImpact} in a {@code local[1]} session). Model load is timed apart.
 */
public final class ThroughputBenchmark {
    /** The section of docs/BENCHMARKS.md this benchmark owns. */
    public static final String SECTION = "throughput";
    /** The goal of issue 7: local[2] at least this many times local[1]. */
    public static final double GOAL = 1.8;
    /** Rows the timed write holds at least, so that its per-pair cost stands out of a job's fixed cost. */
    static final long WRITE_ROWS = 200_000;
    /** The benchmark analyses in its own JVM, on the CPU. */
    private static final PairResult.Placement BENCH_PLACEMENT = new PairResult.Placement("driver", "cpu");

    /**
     * One timed run of the job.
     *
     * @param master the Spark master
     * @param pairs pairs analysed
     * @param rows impact rows written
     * @param seconds wall time of the whole run (session already started)
     * @param impactSeconds wall time of the Spark jobs that analyse pairs and write impact
     * @param cpuSeconds CPU time of the process during the run
     * @param taskCpuSeconds CPU time of the impact job's tasks, summed (Spark's executorCpuTime)
     * @param maxTaskCpuSeconds the largest of those tasks' CPU times
     */
    public record Run(String master, long pairs, long rows, double seconds, double impactSeconds, double cpuSeconds,
                      double taskCpuSeconds, double maxTaskCpuSeconds) {
        /** @return pairs per second over the whole run */
        public double pairsPerSecond() {
            return pairs / seconds;
        }

        /** @return pairs per second of the analysis-and-write job alone */
        public double impactPairsPerSecond() {
            return pairs / impactSeconds;
        }
    }

    /**
     * Seconds per pair of each stage, one thread.
     *
     * @param pairs pairs timed
     * @param steps generation steps per pair
     * @param rowsPerPair impact rows per pair
     * @param firstLoad the first model load in the JVM (includes the engine's start)
     * @param load a later load of the same model
     * @param wall wall seconds per pair, by stage, in pipeline order
     * @param cpu CPU seconds per pair, by stage (the timing thread's; for the write, the process's)
     * @param writeJobSeconds wall time of a Spark write job of one pair: the fixed cost of a commit
     */
    public record Breakdown(int pairs, int steps, double rowsPerPair, double firstLoad, double load,
                            Map<String, Double> wall, Map<String, Double> cpu, double writeJobSeconds) {
        /** @return the sum of the stages' wall times: one pair's time */
        public double totalWall() {
            return wall.values().stream().mapToDouble(Double::doubleValue).sum();
        }

        /** @return the sum of the stages' CPU times */
        public double totalCpu() {
            return cpu.values().stream().mapToDouble(Double::doubleValue).sum();
        }
    }

    private ThroughputBenchmark() {
    }

    /**
     * Runs the job once per master and round (round-robin over masters), after a warm-up run.
     *
     * @param model the model folder
     * @param work scratch folder (toy pairs, run outputs)
     * @param pairs toy pairs per run
     * @param masters Spark masters to compare, e.g. {@code local[1]}, {@code local[2]}
     * @param rounds runs per master
     * @param settings extra job settings (JobConf keys), e.g. max-new-tokens
     * @param log progress lines
     * @return every timed run, in the order run
     */
    public static List<Run> scaling(Path model, Path work, int pairs, List<String> masters, int rounds,
                                    Map<String, String> settings, PrintWriter log)
            throws IOException, RunSetupException, JobConfException {
        Path input = work.resolve("pairs");
        ToyData.write(99, pairs, input);
        Path manifest = input.resolve("manifest.jsonl");
        runJob(model, manifest, work.resolve("warm-up"), masters.get(masters.size() - 1), settings, log);
        List<Run> runs = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            for (String master : masters) {
                runs.add(runJob(model, manifest, work.resolve("run-" + r + "-" + master.replaceAll("\\W", "")), master,
                        settings, log));
            }
        }
        return runs;
    }

    /** One run of the job in a fresh session; the session's start and stop are not timed. */
    private static Run runJob(Path model, Path manifest, Path out, String master, Map<String, String> settings,
                              PrintWriter log) throws IOException, RunSetupException, JobConfException {
        Map<String, String> cli = new LinkedHashMap<>(settings);
        cli.put(JobConf.MODEL, model.toString());
        cli.put(JobConf.MANIFEST, manifest.toString());
        cli.put(JobConf.OUT, out.toString());
        cli.put(JobConf.MASTER, master);
        JobConf.Resolved resolved = JobConf.resolve(cli, new SparkConf());
        stopActiveSession();
        SparkSession spark = SparkSessions.getOrCreate(resolved.conf(), resolved.sparkSettings());
        ImpactJobTimer timer = new ImpactJobTimer();
        spark.sparkContext().addSparkListener(timer);
        try {
            com.sun.management.OperatingSystemMXBean os =
                    (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long cpu0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            RunReport report = new MaskImpactJob(spark, resolved, new PrintWriter(new StringWriter())).run();
            double seconds = (System.nanoTime() - t0) / 1e9;
            double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
            Run run = new Run(master, report.pairsOk(), report.impactRows(), seconds, timer.seconds(), cpu,
                    timer.taskCpu(), timer.maxTaskCpu());
            log.printf(Locale.ROOT, "[bench] %s: %d pairs in %.1f s (impact job %.1f s, CPU %.1f s); Spark jobs:%n", master,
                    run.pairs(), run.seconds(), run.impactSeconds(), run.cpuSeconds());
            timer.jobs().forEach(j -> log.println("[bench]   " + j));
            log.flush();
            return run;
        } finally {
            spark.stop();
            SparkSession.clearActiveSession();
            SparkSession.clearDefaultSession();
        }
    }

    private static void stopActiveSession() {
        if (SparkSessions.exists()) {
            SparkSession.getActiveSession().getOrElse(() -> SparkSession.getDefaultSession().get()).stop();
            SparkSession.clearActiveSession();
            SparkSession.clearDefaultSession();
        }
    }

    /**
     * Sums the wall time of the Spark jobs whose description says they write impact, and keeps
     * every job's description and duration for the log.
     */
    private static final class ImpactJobTimer extends SparkListener {
        private final Map<Integer, Object[]> started = new ConcurrentHashMap<>();
        private final java.util.Set<Integer> impactStages = ConcurrentHashMap.newKeySet();
        private final List<String> jobs = new ArrayList<>();
        private long total;
        private long taskCpuNanos;
        private long maxTaskCpuNanos;

        @Override
        public void onJobStart(SparkListenerJobStart start) {
            String description = start.properties() == null ? null
                    : start.properties().getProperty("spark.job.description");
            started.put(start.jobId(), new Object[] {start.time(), description == null ? "(no description)" : description});
            if (description != null && description.contains("write impact")) {
                scala.collection.Iterator<Object> ids = start.stageIds().iterator();
                while (ids.hasNext()) {
                    impactStages.add((Integer) ids.next());
                }
            }
        }

        @Override
        public synchronized void onTaskEnd(org.apache.spark.scheduler.SparkListenerTaskEnd end) {
            if (impactStages.contains(end.stageId()) && end.taskMetrics() != null) {
                long cpu = end.taskMetrics().executorCpuTime();
                taskCpuNanos += cpu;
                maxTaskCpuNanos = Math.max(maxTaskCpuNanos, cpu);
            }
        }

        synchronized double taskCpu() {
            return taskCpuNanos / 1e9;
        }

        synchronized double maxTaskCpu() {
            return maxTaskCpuNanos / 1e9;
        }

        @Override
        public synchronized void onJobEnd(SparkListenerJobEnd end) {
            Object[] s = started.remove(end.jobId());
            if (s != null) {
                long ms = end.time() - (Long) s[0];
                jobs.add(String.format(Locale.ROOT, "%6d ms  %s", ms, s[1]));
                if (((String) s[1]).contains("write impact")) {
                    total += ms;
                }
            }
        }

        synchronized double seconds() {
            return total / 1e3;
        }

        synchronized List<String> jobs() {
            return List.copyOf(jobs);
        }
    }

    /**
     * Times each stage of a task's work on the same toy pairs, one thread. Each stage is timed
     * both in wall time and in the thread's CPU time (which a busy machine inflates less).
     *
     * @param modelDir the model folder
     * @param work scratch folder (toy images, a Parquet table)
     * @param pairs pairs to time, after one warm-up pair
     * @param options what to analyse (the job's defaults, usually)
     * @param roundDecimals rounding of the rows, as the job's {@code --round-decimals} (-1: none)
     * @param spark the session the write is timed in ({@code local[1]} to time one core)
     * @return seconds per pair by stage
     */
    public static Breakdown breakdown(Path modelDir, Path work, int pairs, AnalysisOptions options, int roundDecimals,
                                      SparkSession spark) throws ModelLoadException, PairRejection, PromptException, IOException {
        long t0 = System.nanoTime();
        Families.load(modelDir, "cpu").close();
        double firstLoad = (System.nanoTime() - t0) / 1e9;
        t0 = System.nanoTime();
        Vlm model = Families.load(modelDir, "cpu");
        double load = (System.nanoTime() - t0) / 1e9;
        String[] names = {"image read + decode", "image preprocessing", "template, tokenizer, vision tower, projector",
            "prefill (first step)", "later decode steps", "analysis (masking, distances, row arrays)",
            "row building (TableRows)", "Parquet write (one task; beyond a job's fixed cost)"};
        try {
            Path input = work.resolve("pairs");
            ToyData.write(99, pairs + 1, input);
            List<String[]> manifest = readManifest(input);
            ImageLoader images = new ImageLoader(new org.apache.hadoop.conf.Configuration(), ImageLoader.DEFAULT_MAX_BYTES,
                    ImageLoader.DEFAULT_MAX_PIXELS);
            ImpactAnalyzer analyzer = new ImpactAnalyzer(model, options);
            Clock clock = new Clock(names.length);
            long rows = 0;
            List<PairResult> results = new ArrayList<>();
            for (int i = 0; i < manifest.size(); i++) {
                String pairId = manifest.get(i)[0];
                String uri = input.resolve(manifest.get(i)[1]).toUri().toString();
                String question = manifest.get(i)[2];
                clock.start(i > 0);
                ImageLoader.Decoded decoded = images.read(pairId, uri);
                clock.lap(0);
                try (NDManager m = model.manager().newSubManager()) {
                    model.prompts().pixelValues(decoded.image(), m);
                }
                clock.lap(1);
                PairRequest request = new PairRequest(pairId, decoded.image(), question, options.maxNewTokens(),
                        options.maskMode());
                CostBenchmark.prepareOnly(model, request);
                clock.lap(2);
                CostBenchmark.generateOnly(model, new PairRequest(pairId, decoded.image(), question, 1, options.maskMode()));
                clock.lap(3);
                CostBenchmark.generateOnly(model, request);
                clock.lap(4);
                PairImpact impact = analyzer.analyze(request);
                clock.lap(5);
                PairResult result = PairResult.ok(new PairResult.Input(pairId, "img", uri, question, "both",
                        options.maxNewTokens()), model.name(), BENCH_PLACEMENT, impact, 0f);
                java.util.Iterator<org.apache.spark.sql.catalyst.InternalRow> it =
                        TableRows.impact("bench", result, roundDecimals);
                long n = 0;
                while (it.hasNext()) {
                    it.next();
                    n++;
                }
                clock.lap(6);
                if (i > 0) {
                    rows += n;
                    results.add(result);
                }
            }
            // the laps hold whole calls; take the nested parts out so each stage is counted once:
            // prepare (2) contains preprocessing (1); prefill (3) and generation (4) contain a prepare;
            // the analysis (5) contains a prepare and a generation
            clock.subtract(5, 4);
            clock.subtract(4, 3);
            clock.subtract(3, 2);
            clock.subtract(2, 1);
            writeStage(spark, work.resolve("write"), results, roundDecimals, clock, 7);
            return clock.breakdown(names, pairs, options.maxNewTokens(), (double) rows / pairs, firstLoad, load);
        } finally {
            model.close();
        }
    }

    /** Wall and thread-CPU laps per stage, summed over the timed pairs. */
    private static final class Clock {
        private final java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        private final long[] wall;
        private final long[] cpu;
        private double writeJob;
        private boolean counting;
        private long lastWall;
        private long lastCpu;

        Clock(int stages) {
            wall = new long[stages];
            cpu = new long[stages];
        }

        void start(boolean count) {
            counting = count;
            lastWall = System.nanoTime();
            lastCpu = threads.getCurrentThreadCpuTime();
        }

        void lap(int stage) {
            long w = System.nanoTime();
            long c = threads.getCurrentThreadCpuTime();
            if (counting) {
                wall[stage] += w - lastWall;
                cpu[stage] += c - lastCpu;
            }
            lastWall = w;
            lastCpu = c;
        }

        /** Takes stage {@code inner}'s time out of stage {@code outer}, which contained a run of it. */
        void subtract(int outer, int inner) {
            wall[outer] = Math.max(0, wall[outer] - wall[inner]);
            cpu[outer] = Math.max(0, cpu[outer] - cpu[inner]);
        }

        void set(int stage, long wallNanos, long cpuNanos) {
            wall[stage] = wallNanos;
            cpu[stage] = cpuNanos;
        }

        Breakdown breakdown(String[] names, int pairs, int steps, double rowsPerPair, double firstLoad, double load) {
            Map<String, Double> w = new LinkedHashMap<>();
            Map<String, Double> c = new LinkedHashMap<>();
            for (int k = 0; k < names.length; k++) {
                w.put(names[k], wall[k] / 1e9 / pairs);
                c.put(names[k], cpu[k] / 1e9 / pairs);
            }
            return new Breakdown(pairs, steps, rowsPerPair, firstLoad, load, w, c, writeJob);
        }
    }

    /**
     * Times the job's impact write in one task: a write of one pair (the fixed cost of a Spark
     * write job) and of the pairs repeated to at least {@value #WRITE_ROWS} rows; the stage gets the
     * difference, per pair, in wall time and in process CPU time (the write runs in Spark's task
     * threads). Best of two, after a warm-up.
     */
    private static void writeStage(SparkSession spark, Path out, List<PairResult> results, int roundDecimals, Clock clock,
                                   int stage) throws IOException {
        RunFolder folder = new RunFolder(out.toString(), spark.sparkContext().hadoopConfiguration());
        TableWriter writer = new TableWriter(spark, folder, OutputFormat.PARQUET);
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long perRound = results.stream().mapToLong(PairResult::impactRows).sum();
        List<PairResult> many = new ArrayList<>();
        while (many.size() < results.size() || (long) many.size() / results.size() * perRound < WRITE_ROWS) {
            many.addAll(results);
        }
        many.sort(Comparator.comparing(PairResult::pairId, ImpactOrder.STRINGS));   // the order a task gives its writer
        int steps = results.stream().mapToInt(PairResult::stepCount).max().orElse(1);
        long[] one = null;
        long[] all = null;
        for (int round = 0; round < 3; round++) {     // round 0 warms up
            for (List<PairResult> batch : List.of(results.subList(0, 1), many)) {
                folder.delete(folder.root());
                long c0 = os.getProcessCpuTime();
                long t0 = System.nanoTime();
                writer.appendImpact(TableWriter.frame(spark, jsc.parallelize(batch, 1)
                        .flatMap(r -> TableRows.impact("bench", r, roundDecimals)), OutputSchema.IMPACT), steps);
                long[] t = {System.nanoTime() - t0, os.getProcessCpuTime() - c0};
                if (round == 0) {
                    continue;
                }
                if (batch.size() == 1) {
                    one = one == null || t[0] < one[0] ? t : one;
                } else {
                    all = all == null || t[0] < all[0] ? t : all;
                }
            }
        }
        int extra = many.size() - 1;
        int pairs = results.size();
        // stored as totals over the timed pairs, like the other stages
        clock.set(stage, Math.max(0, all[0] - one[0]) * pairs / extra, Math.max(0, all[1] - one[1]) * pairs / extra);
        clock.writeJob = one[0] / 1e9;
        folder.delete(folder.root());
    }

    /** (pair_id, image, question) of each line of a toy manifest. */
    private static List<String[]> readManifest(Path dir) throws IOException {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        List<String[]> rows = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("manifest.jsonl"), StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                com.fasterxml.jackson.databind.JsonNode n = json.readTree(line);
                rows.add(new String[] {n.get("pair_id").asText(), n.get("image").asText(), n.get("question").asText()});
            }
        }
        return rows;
    }

    /**
     * @param model the model's name
     * @param runs the scaling runs
     * @param breakdown the per-stage times
     * @param settings the job settings of the scaling runs
     * @param loadAverage the system load average when the benchmark started and ended
     * @param command the command line
     * @return a Markdown section for docs/BENCHMARKS.md
     */
    public static String markdown(String model, List<Run> runs, Breakdown breakdown, Map<String, String> settings,
                                  String loadAverage, String command) {
        StringBuilder md = new StringBuilder();
        md.append("## Throughput: pairs per second, local[1] vs local[2]\n\n");
        md.append(Machine.describe()).append(" Load average (1 min) at start and end: ").append(loadAverage)
                .append(".\n\n");
        md.append("Command: `").append(command).append("`\n\n");
        md.append("Model ").append(model).append("; the job's default settings").append(settings.isEmpty() ? "" : " with "
                + settings).append("; DJL intra-op threads: ").append(System.getProperty("ai.djl.pytorch.num_threads",
                "default")).append(". Runs alternate between masters in one JVM; each has a fresh Spark session (not "
                + "timed) and the model already loaded.\n\n");
        md.append("| master | pairs | rows | run s | pairs/s | impact job s | pairs/s (impact job) | process CPU s | "
                + "CPU / wall | CPU ms/pair | impact tasks' CPU s (sum / largest) |\n"
                + "|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Run r : runs) {
            md.append(String.format(Locale.ROOT, "| %s | %d | %d | %.2f | %.2f | %.2f | %.2f | %.1f | %.2f | %.1f | %.1f / %.1f |%n",
                    r.master(), r.pairs(), r.rows(), r.seconds(), r.pairsPerSecond(), r.impactSeconds(),
                    r.impactPairsPerSecond(), r.cpuSeconds(), r.cpuSeconds() / r.seconds(), 1e3 * r.cpuSeconds() / r.pairs(),
                    r.taskCpuSeconds(), r.maxTaskCpuSeconds()));
        }
        Map<String, Run> best = new LinkedHashMap<>();
        for (Run r : runs) {
            best.merge(r.master(), r, (a, b) -> b.impactPairsPerSecond() > a.impactPairsPerSecond() ? b : a);
        }
        if (best.size() >= 2) {
            List<String> masters = new ArrayList<>(best.keySet());
            Run one = best.get(masters.get(0));
            Run two = best.get(masters.get(masters.size() - 1));
            double ratio = two.impactPairsPerSecond() / one.impactPairsPerSecond();
            md.append(String.format(Locale.ROOT, "%nBest run of each: %s / %s = **%.2fx** pairs/s for the impact job (goal "
                            + "%.1fx: %s), %.2fx over the whole run. ", two.master(), one.master(), ratio, GOAL,
                    ratio >= GOAL ? "met" : "NOT met", two.pairsPerSecond() / one.pairsPerSecond()));
            md.append(String.format(Locale.ROOT, "The tasks' CPU work per pair is %.1f ms with %s and %.1f ms with %s: "
                            + "running tasks side by side adds no work. The machine is shared: CPU / wall below the "
                            + "number of tasks means the tasks waited for a core.%n",
                    1e3 * one.taskCpuSeconds() / one.pairs(), one.master(), 1e3 * two.taskCpuSeconds() / two.pairs(),
                    two.master()));
            int cores = Runtime.getRuntime().availableProcessors();
            double cpuPerPair = two.cpuSeconds() / two.pairs();
            double floor = cpuPerPair / cores;
            md.append(String.format(Locale.ROOT, "But the process used %.1f ms of CPU per pair with %s, of which %.1f ms in "
                            + "the tasks: the rest is JIT compilation, garbage collection and Spark's own threads, which "
                            + "under %s already run beside the one task (CPU / wall > 1). With %d cores that CPU alone "
                            + "keeps %s's whole run above %.1f ms per pair, against %.1f ms for %s's: a ceiling of %.2fx "
                            + "over the whole run on this machine, whatever the tasks do.%n",
                    1e3 * cpuPerPair, two.master(), 1e3 * two.taskCpuSeconds() / two.pairs(), one.master(), cores,
                    two.master(), 1e3 * floor, 1e3 * one.seconds() / one.pairs(), one.master(),
                    one.seconds() / one.pairs() / floor));
        }
        if (breakdown != null) {
            md.append(String.format(Locale.ROOT, "%nWhere one pair's time goes (one thread, %d toy pairs, %d steps, %.0f rows "
                            + "per pair). Model load: %.2f s the first time in a JVM (engine start included), %.3f s "
                            + "after; once per executor JVM. A Spark write job of one pair takes %.2f s: a fixed cost "
                            + "per commit, left out of the write's per-pair cost below. CPU is the timing thread's "
                            + "(the process's for the write), which a busy machine inflates less than wall time.%n%n",
                    breakdown.pairs(), breakdown.steps(), breakdown.rowsPerPair(), breakdown.firstLoad(), breakdown.load(),
                    breakdown.writeJobSeconds()));
            md.append("| stage | wall ms/pair | CPU ms/pair | share of CPU |\n|---|---|---|---|\n");
            double total = breakdown.totalCpu();
            breakdown.wall().forEach((k, v) -> md.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.0f%% |%n", k,
                    v * 1e3, breakdown.cpu().get(k) * 1e3, 100 * breakdown.cpu().get(k) / total)));
            md.append(String.format(Locale.ROOT, "| total | %.1f | %.1f | 100%% |%n", breakdown.totalWall() * 1e3,
                    total * 1e3));
        }
        return md.toString();
    }
}
