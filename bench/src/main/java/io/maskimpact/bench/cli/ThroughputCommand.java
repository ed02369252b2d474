package io.maskimpact.bench.cli;

import ai.djl.util.Utils;
import io.maskimpact.bench.Machine;
import io.maskimpact.bench.ThroughputBenchmark;
import io.maskimpact.cli.ExitCodes;
import io.maskimpact.cli.JobLauncher;
import io.maskimpact.cli.Options;
import io.maskimpact.run.JobConf;
import io.maskimpact.run.SparkSessions;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bench throughput}: pairs per second with one core against two, and where a pair's time goes. */
@Command(name = "throughput", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the job on the same toy pairs with local[1] and local[2] alternately (one JVM, the model "
                + "loaded once), report pairs per second and their ratio, then time each stage of a pair's work in "
                + "one thread (image decode, preprocessing, vision tower, prefill, decode steps, analysis, row "
                + "building, Parquet write) and write the 'throughput' section. Goal: local[2] at least "
                + ThroughputBenchmark.GOAL + "x local[1].", ""},
        footer = BenchCommand.FOOTER)
class ThroughputCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "DIR",
            description = "Model folder (a relative one is also looked up in the project home). Default: "
                    + "models/tiny-llava.")
    Path model;

    @Option(names = "--pairs", paramLabel = "N", defaultValue = "1000",
            description = "Toy pairs per run. Default: ${DEFAULT-VALUE}.")
    int pairs;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "3",
            description = "Runs per master. Default: ${DEFAULT-VALUE}.")
    int rounds;

    @Option(names = "--masters", paramLabel = "URL", split = ",", defaultValue = "local[1],local[2]",
            description = "Spark masters to compare, first = baseline. Default: ${DEFAULT-VALUE}.")
    List<String> masters;

    @Option(names = "--breakdown-pairs", paramLabel = "N", defaultValue = "8",
            description = "Pairs timed stage by stage (0 skips the breakdown). Default: ${DEFAULT-VALUE}.")
    int breakdownPairs;

    @Option(names = "--max-new-tokens", paramLabel = "N",
            description = "Generation steps per pair. Default: the job's (" + JobConf.DEFAULT_MAX_NEW_TOKENS + ").")
    Integer maxNewTokens;

    @Option(names = "--variants", paramLabel = "LIST",
            description = "Variants, as the job's --variants. Default: the job's (" + JobConf.DEFAULT_VARIANTS + ").")
    String variants;

    @Option(names = "--work", paramLabel = "DIR", description = "Scratch folder. Default: a new temporary folder.")
    Path work;

    @Mixin
    DocOptions doc;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        if (pairs < 1 || rounds < 1 || breakdownPairs < 0 || masters.isEmpty()) {
            JobLauncher.usage(err, "bench throughput", "Invalid value: --pairs and --rounds must be at least 1, "
                    + "--breakdown-pairs at least 0, --masters not empty");
            return ExitCodes.USAGE;
        }
        Path dir = ProjectHome.modelDirs(model == null ? null : List.of(model), "models/tiny-llava").get(0);
        if (!Files.isDirectory(dir)) {
            err.println("Cannot run the throughput benchmark: model folder " + dir + " does not exist");
            return ExitCodes.CANNOT_START;
        }
        if (SparkSessions.exists()) {
            err.println("Cannot run the throughput benchmark inside a running Spark session (it starts one per run)");
            return ExitCodes.CANNOT_START;
        }
        ModelBenchmarks.singleIntraOpThread();
        Map<String, String> settings = new LinkedHashMap<>();
        Options.put(settings, JobConf.MAX_NEW_TOKENS, maxNewTokens);
        Options.put(settings, JobConf.VARIANTS, variants);
        Path scratch = work != null ? work : Files.createTempDirectory("mask-impact-bench-");
        try {
            return run(dir, settings, scratch);
        } finally {
            if (work == null) {
                Utils.deleteQuietly(scratch);
            }
        }
    }

    private int run(Path dir, Map<String, String> settings, Path scratch) throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        String load = Machine.loadAverage();
        // the breakdown first: its first model load is the JVM's first (engine start included)
        ThroughputBenchmark.Breakdown breakdown = null;
        if (breakdownPairs > 0) {
            err.println("[bench] breakdown: " + breakdownPairs + " pairs, one thread");
            err.flush();
            JobConf conf = JobConf.resolve(settings, new SparkConf()).conf();
            SparkSession spark = BenchSessions.start("local[1]", null);
            try {
                breakdown = ThroughputBenchmark.breakdown(dir, scratch.resolve("breakdown"), breakdownPairs,
                        conf.analysis(), conf.roundDecimals(), spark);
            } finally {
                BenchSessions.stop(spark);
            }
        }
        List<ThroughputBenchmark.Run> runs = ThroughputBenchmark.scaling(dir, scratch.resolve("scaling"), pairs,
                masters, rounds, settings, err);
        load += " / " + Machine.loadAverage();
        doc.publish(ThroughputBenchmark.SECTION, ThroughputBenchmark.markdown(
                dir.getFileName().toString(), runs, breakdown, settings, load, doc.commandLine()));
        return ExitCodes.OK;
    }
}
