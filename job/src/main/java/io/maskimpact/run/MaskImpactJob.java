package io.maskimpact.run;

import io.maskimpact.input.PairValidator;
import io.maskimpact.schema.OutputSchema;
import io.maskimpact.output.RunFolder;
import io.maskimpact.output.TableFacts;
import io.maskimpact.output.TableWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;

/**
 * One run of the job on the driver, as a short list of named steps.
 *
 * <pre>
 * RunReport report = new MaskImpactJob(spark, resolved, console).run();
 * </pre>
 *
 * <p>Steps: inspect the output folder (read-only), check the model, read the manifest, prepare
 * the output folder (the first change to it), plan the commits, analyse and write each commit,
 * then finish (empty tables made readable, CSV, {@code _manifest.json} last). Everything up to
 * and including reading the manifest fails with a {@link RunSetupException} and leaves the
 * output folder as it was. Every Spark job runs in the job group of the run, with a
 * description naming the model, pairs and commit, so that the Spark UI reads as the steps.
 * Cost: the manifest and every pair's light result pass through the driver; impact rows never do.
 */
public final class MaskImpactJob {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(MaskImpactJob.class);
    /** Seconds between progress lines. */
    static final int PROGRESS_SECONDS = 10;

    private final SparkSession spark;
    private final JobConf.Resolved resolved;
    private final PrintWriter console;

    /**
     * @param spark the session
     * @param resolved the run's settings
     * @param console where progress lines go
     */
    public MaskImpactJob(SparkSession spark, JobConf.Resolved resolved, PrintWriter console) {
        this.spark = spark;
        this.resolved = resolved;
        this.console = console;
    }

    /**
     * @return the closing summary
     * @throws RunSetupException when the run cannot start (nothing written)
     * @throws IOException when the output folder cannot be read or written
     */
    public RunReport run() throws RunSetupException, IOException {
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        JobConf requested = resolved.conf();
        if (requested.out() == null) {
            throw RunErrors.missingSetting(JobConf.OUT, "run");
        }
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        RunFolder folder = new RunFolder(requested.out(), hadoop);
        List<String> warnings = new ArrayList<>();
        checkZstdLevel(requested, hadoop, warnings);

        StepTimes times = new StepTimes();
        // 1. inspect the output folder; resume adopts the unfinished run's id and settings
        InspectOutput.State state = InspectOutput.run(folder, requested, resolved.explicit());
        times.end("inspect_output");
        JobConf conf = state.conf();
        boolean resuming = state.resumedRunId() != null;
        SparkContext sc = spark.sparkContext();
        sc.setJobGroup(conf.runId(), "mask-impact " + conf.runId() + " (" + conf.mode().name().toLowerCase() + ")", false);
        try {
            // 2. check the model before any Spark work
            CheckModel.ModelInfo model = CheckModel.run(conf, SparkSessions.isLocal(spark));
            times.end("check_model");

            // 3. read and check the manifest
            sc.setJobDescription("read manifest " + conf.manifest());
            PairValidator.Result input = ReadManifest.run(spark, conf);
            times.end("read_manifest");

            // 4. prepare the output folder: the first change to it
            TableWriter writer = new TableWriter(spark, folder, conf.format());
            PrepareOutput.Result prepared = PrepareOutput.run(folder, writer, conf, resuming, input.pairs());
            Set<String> done = prepared.done();
            times.end("prepare_output");

            // 5. plan the commits
            PlanPairs.Plan plan = PlanPairs.run(input, done, conf, writer, resuming);
            times.end("plan");
            sc.setJobGroup(conf.runId(), "mask-impact " + conf.runId() + ": " + model.description() + ", "
                    + plan.pairs() + " pairs, " + describe(conf), false);

            // 6. analyse and write, one commit at a time
            LongAccumulator pairsDone = sc.longAccumulator("pairs done");
            LongAccumulator pairsFailed = sc.longAccumulator("pairs failed");
            LongAccumulator rows = sc.longAccumulator("impact rows");
            AnalyzeAndCommit commit = new AnalyzeAndCommit(spark, conf, folder.root().toString(), writer, pairsDone,
                    pairsFailed, rows);
            RunCounts now = RunCounts.NONE;
            console.println("[mask-impact] run " + conf.runId() + ": " + plan.pairs() + " pairs to analyse"
                    + (plan.skipped() > 0 ? " (" + plan.skipped() + " already done)" : "") + " with "
                    + model.description() + " into " + folder.root());
            console.flush();
            try (Progress progress = new Progress(pairsDone, pairsFailed, plan.pairs(), console, PROGRESS_SECONDS)) {
                sc.addSparkListener(progress);
                try {
                    int n = Math.max(1, plan.commits().size());
                    for (int i = 0; i < n; i++) {
                        RunCounts c = commit.run(
                                plan.commits().isEmpty() ? List.of() : plan.commits().get(i),
                                i == 0 ? plan.rejected() : List.of(), "commit " + (i + 1) + "/" + n);
                        now = now.plus(c);
                    }
                } finally {
                    sc.removeSparkListener(progress);
                }
                if (plan.pairs() > 0) {
                    console.println(progress.line());
                }
            }
            times.end("analyze_and_write");

            // 7. finish: readable empty tables, CSV, then _manifest.json last
            sc.setJobDescription(conf.runId() + " finish: manifest" + (conf.csv() ? " and CSV export" : ""));
            RunCounts total = prepared.prior().plus(now);
            List<TableFacts> facts = FinishRun.run(folder, writer, conf, model, state.previousRuns(), started, hadoop,
                    times, total);
            return new RunReport(conf.runId(), folder.root().toString(), model.description(), now.pairsOk(),
                    now.pairsFailed(), plan.rejected().size(), plan.skipped(), total.pairsOk(), now.impactRows(), facts,
                    (System.nanoTime() - t0) / 1e9, warnings);
        } finally {
            sc.clearJobGroup();
        }
    }

    /** Wall time of each named step, in order, for the log and the run manifest. */
    static final class StepTimes {
        private final java.util.LinkedHashMap<String, Double> seconds = new java.util.LinkedHashMap<>();
        private long last = System.nanoTime();

        void end(String step) {
            long now = System.nanoTime();
            double s = (now - last) / 1e9;
            seconds.put(step, s);
            last = now;
            LOG.info("Step {} took {}", step, RunReport.duration(s));
        }

        java.util.Map<String, Double> seconds() {
            return seconds;
        }
    }

    private static String describe(JobConf conf) {
        return "mask " + conf.analysis().maskMode().name().toLowerCase() + ", " + conf.analysis().maxNewTokens()
                + " steps, variants " + JobConf.variantsText(conf.analysis().variants()) + ", "
                + conf.analysis().algorithm().name().toLowerCase() + ", " + conf.format().source();
    }

    private static void checkZstdLevel(JobConf conf, Configuration hadoop, List<String> warnings) {
        String level = hadoop.get(SparkSessions.ZSTD_LEVEL_KEY);
        String wanted = String.valueOf(conf.zstdLevel());
        if (!wanted.equals(level)) {
            hadoop.set(SparkSessions.ZSTD_LEVEL_KEY, wanted);
            warnings.add("ZSTD level " + wanted + " was set after the Spark session started (it had "
                    + (level == null ? "the default" : level) + "); parquet-java keeps the first level used in a JVM");
        }
    }
}
