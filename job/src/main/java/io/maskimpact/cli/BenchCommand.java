package io.maskimpact.cli;

import io.maskimpact.analysis.PairException;
import io.maskimpact.analysis.VariantSet;
import io.maskimpact.bench.BenchmarkDoc;
import io.maskimpact.bench.CostBenchmark;
import io.maskimpact.bench.EngineBenchmark;
import io.maskimpact.bench.StorageBenchmark;
import io.maskimpact.bench.SyntheticImpact;
import io.maskimpact.bench.ThroughputBenchmark;
import io.maskimpact.model.ModelLoadException;
import io.maskimpact.run.JobConf;
import io.maskimpact.run.JobConfException;
import io.maskimpact.run.SparkSessions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
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

/**
 * {@code bench}: the rerunnable benchmarks behind docs/BENCHMARKS.md, one subcommand each.
 *
 * <pre>
 * ./submit.sh bench engine
 * ./submit.sh bench storage --out /tmp/bench-storage
 * ./submit.sh bench throughput
 * ./submit.sh bench cost
 * </pre>
 *
 * <p>Each subcommand prints its Markdown section and rewrites only that section of the
 * benchmarks file (between its markers), so benchmarks run at different times share the file.
 * Numbers are wall times on whatever machine runs them: compare ratios within one section.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run a benchmark and write its section of docs/BENCHMARKS.md: engine (exact vs naive), storage "
                + "(bytes per impact row), throughput (pairs/s, local[1] vs local[2], where the time goes), cost (analysis "
                + "vs plain generation).", ""},
        subcommands = {BenchCommand.Engine.class, BenchCommand.Storage.class, BenchCommand.Throughput.class,
                BenchCommand.Cost.class},
        footer = BenchCommand.FOOTER)
public class BenchCommand implements Callable<Integer> {

    /** The exit codes of the benchmarks. */
    static final String FOOTER = "%nExit codes:%n"
            + "  0  done (goals that were not met are marked in the output, not in the exit code)%n"
            + "  1  internal error (a bug or an I/O failure; see the log)%n"
            + "  2  usage error: unknown option or invalid value%n"
            + "  3  cannot start: a model folder is missing or cannot be loaded%n";

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }

    /** Where a benchmark's section goes. */
    public static class DocOptions {
        @Option(names = "--doc", paramLabel = "FILE",
                description = "Benchmarks file whose section is rewritten. Default: docs/BENCHMARKS.md in the project "
                        + "home (-Dmaskimpact.home, set by submit.sh).")
        Path doc;

        @Option(names = "--no-doc", description = "Only print the section; leave the benchmarks file alone.")
        boolean noDoc;

        Path file() {
            return doc != null ? doc : home().resolve("docs").resolve("BENCHMARKS.md");
        }

        /** Prints the section and, unless --no-doc, writes it. */
        void publish(PrintWriter out, String key, String markdown) throws IOException {
            out.println(markdown);
            if (!noDoc) {
                BenchmarkDoc.writeSection(file(), key, markdown);
                out.println("(section '" + key + "' of " + file() + " rewritten)");
            }
            out.flush();
        }
    }

    static Path home() {
        return Paths.get(System.getProperty("maskimpact.home", ".")).toAbsolutePath().normalize();
    }

    /**
     * A model folder as given: a relative path that does not exist from the working directory is
     * taken from the project home, so {@code models/tiny-llava} works from anywhere.
     */
    static Path modelDir(Path given) {
        if (given.isAbsolute() || Files.exists(given)) {
            return given;
        }
        return home().resolve(given);
    }

    static List<Path> modelDirs(List<Path> given, String... defaults) {
        List<Path> dirs = new ArrayList<>();
        if (given == null) {
            for (String d : defaults) {
                dirs.add(home().resolve(d));
            }
        } else {
            given.forEach(g -> dirs.add(modelDir(g)));
        }
        return dirs;
    }

    /**
     * @param given {@code --models} as given ({@code DIR} or {@code DIR@SIDE}), or null for the defaults
     * @param err where a usage error goes
     * @param command the command's name, for the error
     * @param defaults the default specs, relative to the project home
     * @return the targets, or null after a usage error
     */
    static List<EngineBenchmark.Target> targets(List<String> given, PrintWriter err, String command, String... defaults) {
        List<EngineBenchmark.Target> targets = new ArrayList<>();
        try {
            for (String spec : given != null ? given : List.of(defaults)) {
                targets.add(EngineBenchmark.Target.parse(spec, d -> given != null ? modelDir(Path.of(d)) : home().resolve(d)));
            }
        } catch (IllegalArgumentException e) {
            JobLauncher.usage(err, command, "Invalid value for --models: " + e.getMessage());
            return null;
        }
        return targets;
    }

    /**
     * The command line as typed, for the section's "Command:" line, without {@code --doc}/{@code --no-doc}
     * (they only say where the section goes).
     */
    static String commandLine(CommandSpec spec) {
        List<String> parts = new ArrayList<>(List.of("./submit.sh"));
        List<String> args = spec.commandLine().getParseResult().originalArgs();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--doc")) {
                i++;
            } else if (!a.startsWith("--doc=") && !a.equals("--no-doc")) {
                parts.add(a);
            }
        }
        return String.join(" ", parts);
    }

    /** Starts a Spark session the way the job does (same settings, same ZSTD level). */
    static SparkSession session(String master, Integer zstdLevel) {
        Map<String, String> cli = new LinkedHashMap<>();
        Options.put(cli, JobConf.MASTER, master);
        Options.put(cli, JobConf.ZSTD_LEVEL, zstdLevel);
        try {
            JobConf.Resolved resolved = JobConf.resolve(cli, new SparkConf());
            return SparkSessions.getOrCreate(resolved.conf(), resolved.sparkSettings());
        } catch (JobConfException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** Stops a session this command started, so that a later one in the JVM starts afresh. */
    static void stop(SparkSession spark) {
        spark.stop();
        SparkSession.clearActiveSession();
        SparkSession.clearDefaultSession();
    }

    /** One model benchmark: a model folder, pairs and steps in, one result out. */
    interface ModelBenchmark<R> {
        R run(Path modelDir, int pairs, int steps) throws ModelLoadException, PairException;
    }

    /**
     * Runs a model benchmark on each folder, collecting results.
     *
     * @return {@link ExitCodes#OK}, or the code to exit with (a missing or unloadable model, a failed pair)
     */
    static <R> int perModel(String name, List<Path> dirs, int pairs, int steps, PrintWriter err, List<R> results,
                            ModelBenchmark<R> benchmark) {
        for (Path dir : dirs) {
            if (!Files.isDirectory(dir)) {
                err.println("Cannot run the " + name + " benchmark: model folder " + dir + " does not exist");
                return ExitCodes.CANNOT_START;
            }
            err.println("[bench] " + name + ": " + dir.getFileName() + " (" + pairs + " pairs, " + steps + " steps)");
            err.flush();
            try {
                results.add(benchmark.run(dir, pairs, steps));
            } catch (ModelLoadException e) {
                err.println("Cannot run the " + name + " benchmark: " + e.getMessage());
                return ExitCodes.CANNOT_START;
            } catch (PairException e) {
                err.println("Cannot run the " + name + " benchmark: " + e.getMessage());
                return ExitCodes.SOFTWARE;
            }
        }
        return ExitCodes.OK;
    }

    /** {@code bench engine}: exact closed form against the naive re-run on the benchmark models. */
    @Command(name = "engine", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Time the exact closed form against the naive re-run on the same toy pairs (mask mode both, "
                    + "default variants) for each model, check that both give the same rows, and write the 'engine' "
                    + "section.", ""},
            footer = FOOTER)
    static class Engine implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--models", paramLabel = "DIR[@SIDE]", split = ",",
                description = "Model folders (relative ones are also looked up in the project home); DIR@SIDE resizes the "
                        + "toy images to SIDE x SIDE and lets a Qwen-VL model take them at that size. Default: "
                        + "models/bench-grid4,models/bench-grid16,models/parity/qwen3-vl@128,models/parity/qwen3-vl@384.")
        List<String> models;

        @Option(names = "--pairs", paramLabel = "N", defaultValue = "3",
                description = "Pairs timed per algorithm, after one warm-up pair. Default: ${DEFAULT-VALUE}.")
        int pairs;

        @Option(names = "--steps", paramLabel = "N", defaultValue = "3",
                description = "Generation steps per pair. Default: ${DEFAULT-VALUE}.")
        int steps;

        @Mixin
        DocOptions doc;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (pairs < 1 || steps < 1) {
                JobLauncher.usage(err, "bench engine", "Invalid value: --pairs and --steps must be at least 1");
                return ExitCodes.USAGE;
            }
            List<EngineBenchmark.Target> targets = targets(models, err, "bench engine", "models/bench-grid4", "models/bench-grid16",
                    "models/parity/qwen3-vl@128", "models/parity/qwen3-vl@384");
            if (targets == null) {
                return ExitCodes.USAGE;
            }
            singleIntraOpThread();
            List<EngineBenchmark.Result> results = new ArrayList<>();
            String load = loadAverage();
            for (EngineBenchmark.Target target : targets) {
                int code = perModel("engine", List.of(target.dir()), pairs, steps, err, results,
                        (dir, p, s) -> EngineBenchmark.run(target, p, s));
                if (code != ExitCodes.OK) {
                    return code;
                }
            }
            doc.publish(out, "engine", EngineBenchmark.markdown(results, commandLine(spec)) + "\nDJL intra-op threads: "
                    + System.getProperty("ai.djl.pytorch.num_threads") + "; load average (1 min) at start and end: " + load
                    + " / " + loadAverage() + ".\n");
            return ExitCodes.OK;
        }
    }

    /** {@code bench storage}: bytes per impact row, the job's writer against CSV, JSON Lines and default Parquet. */
    @Command(name = "storage", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Write a synthetic impact table with the original tool's shape (3.8M rows: 36 layers x 34 "
                    + "variants x ~310 tokens x 5 steps x 2 pairs, distances rounded to 4 decimals) exactly as the job "
                    + "writes impact, and the same rows as CSV, JSON Lines and Spark's default Parquet; then each "
                    + "variation of the writer (ZSTD level, sort key, page and row-group sizes, types, encodings). "
                    + "Reports bytes per row and writes the 'storage' section.", ""},
            footer = FOOTER)
    static class Storage implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--out", paramLabel = "DIR", required = true,
                description = "Scratch folder for the written tables (overwritten).")
        Path out;

        @Option(names = "--pairs", paramLabel = "N", description = "Pairs. Default: 2.")
        Integer pairs;

        @Option(names = "--steps", paramLabel = "N", description = "Generation steps per pair. Default: 5.")
        Integer steps;

        @Option(names = "--layers", paramLabel = "N", description = "Decoder layers. Default: 36.")
        Integer layers;

        @Option(names = "--heads", paramLabel = "N", description = "Attention heads (variants = heads + 2). Default: 32.")
        Integer heads;

        @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Seed of the values. Default: ${DEFAULT-VALUE}.")
        long seed;

        @Option(names = "--partitions", paramLabel = "N", defaultValue = "2",
                description = "Spark tasks per write, as a run's --partitions. Default: ${DEFAULT-VALUE}.")
        int partitions;

        @Option(names = "--only-job",
                description = "Skip the variations and the value-scale check: the job's writer and the three baselines only.")
        boolean onlyJob;

        @Option(names = "--master", paramLabel = "URL", defaultValue = "local[2]",
                description = "Spark master. Default: ${DEFAULT-VALUE}.")
        String master;

        @Option(names = "--zstd-level", paramLabel = "N",
                description = "The job's ZSTD level to compare against. Default: the job's default, "
                        + JobConf.DEFAULT_ZSTD_LEVEL + ".")
        Integer zstdLevel;

        @Mixin
        DocOptions doc;

        @Override
        public Integer call() throws IOException {
            PrintWriter err = spec.commandLine().getErr();
            SyntheticImpact.Shape d = SyntheticImpact.Shape.ORIGINAL;
            SyntheticImpact.Shape shape = new SyntheticImpact.Shape(pairs != null ? pairs : d.pairs(),
                    steps != null ? steps : d.steps(), layers != null ? layers : d.layers(),
                    heads != null ? heads : d.heads(), d.grid(), d.questionTokens(), d.templateTokens());
            if (shape.pairs() < 1 || shape.steps() < 1 || shape.layers() < 1 || shape.heads() < 1 || partitions < 1) {
                JobLauncher.usage(err, "bench storage", "Invalid value: --pairs, --steps, --layers, --heads and "
                        + "--partitions must be at least 1");
                return ExitCodes.USAGE;
            }
            boolean owned = !SparkSessions.exists();
            SparkSession spark = session(master, zstdLevel);
            try {
                err.println("[bench] storage: " + String.format("%,d", shape.rows()) + " rows into " + out);
                err.flush();
                StorageBenchmark.Report report = StorageBenchmark.run(spark, out.toAbsolutePath(), shape, seed, partitions,
                        onlyJob ? List.of() : StorageBenchmark.experiments(), onlyJob ? new double[0] : new double[] {0.25, 4});
                doc.publish(spec.commandLine().getOut(), StorageBenchmark.SECTION, report.markdown(commandLine(spec)));
                return ExitCodes.OK;
            } finally {
                if (owned) {
                    stop(spark);
                }
            }
        }
    }

    /** {@code bench cost}: the full analysis against a plain greedy generation of the same tokens. */
    @Command(name = "cost", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Time the full analysis (mask mode both, all layers, all variants, exact) against a plain "
                    + "greedy generation of the same tokens on the same model, pair by pair in one thread, and write "
                    + "the 'cost' section. Goal: at most " + CostBenchmark.GOAL + "x.", ""},
            footer = FOOTER)
    static class Cost implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--models", paramLabel = "DIR[@SIDE]", split = ",",
                description = "Model folders (relative ones are also looked up in the project home); DIR@SIDE resizes the "
                        + "toy images to SIDE x SIDE and lets a Qwen-VL model take them at that size. Default: "
                        + "models/tiny-llava,models/bench-grid16.")
        List<String> models;

        @Option(names = "--pairs", paramLabel = "N", defaultValue = "10",
                description = "Pairs timed, after one warm-up pair. Default: ${DEFAULT-VALUE}.")
        int pairs;

        @Option(names = "--steps", paramLabel = "N", defaultValue = "5",
                description = "Generation steps per pair. Default: ${DEFAULT-VALUE}.")
        int steps;

        @Option(names = "--variants", paramLabel = "LIST",
                description = "Variants analysed, as the run's --variants; repeat to measure several. Default: all "
                        + "(the goal's).")
        List<String> variants;

        @Mixin
        DocOptions doc;

        @Override
        public Integer call() throws IOException {
            PrintWriter err = spec.commandLine().getErr();
            if (pairs < 1 || steps < 1) {
                JobLauncher.usage(err, "bench cost", "Invalid value: --pairs and --steps must be at least 1");
                return ExitCodes.USAGE;
            }
            List<String> lists = variants == null ? List.of(CostBenchmark.ALL_VARIANTS) : variants;
            for (String list : lists) {
                try {
                    VariantSet.parse(list);
                } catch (IllegalArgumentException e) {
                    JobLauncher.usage(err, "bench cost", "Invalid value for --variants: " + e.getMessage());
                    return ExitCodes.USAGE;
                }
            }
            List<EngineBenchmark.Target> targets = targets(models, err, "bench cost", "models/tiny-llava", "models/bench-grid16");
            if (targets == null) {
                return ExitCodes.USAGE;
            }
            singleIntraOpThread();
            List<CostBenchmark.Result> results = new ArrayList<>();
            for (String list : lists) {
                for (EngineBenchmark.Target target : targets) {
                    int code = perModel("cost", List.of(target.dir()), pairs, steps, err, results,
                            (dir, p, s) -> CostBenchmark.run(target, p, s, list));
                    if (code != ExitCodes.OK) {
                        return code;
                    }
                }
            }
            doc.publish(spec.commandLine().getOut(), CostBenchmark.SECTION, CostBenchmark.markdown(results, commandLine(spec)));
            return ExitCodes.OK;
        }
    }

    /** {@code bench throughput}: pairs per second with one core against two, and where a pair's time goes. */
    @Command(name = "throughput", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Run the job on the same toy pairs with local[1] and local[2] alternately (one JVM, the model "
                    + "loaded once), report pairs per second and their ratio, then time each stage of a pair's work in "
                    + "one thread (image decode, preprocessing, vision tower, prefill, decode steps, analysis, row "
                    + "building, Parquet write) and write the 'throughput' section. Goal: local[2] at least "
                    + ThroughputBenchmark.GOAL + "x local[1].", ""},
            footer = FOOTER)
    static class Throughput implements Callable<Integer> {
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
            Path dir = modelDirs(model == null ? null : List.of(model), "models/tiny-llava").get(0);
            if (!Files.isDirectory(dir)) {
                err.println("Cannot run the throughput benchmark: model folder " + dir + " does not exist");
                return ExitCodes.CANNOT_START;
            }
            if (SparkSessions.exists()) {
                err.println("Cannot run the throughput benchmark inside a running Spark session (it starts one per run)");
                return ExitCodes.CANNOT_START;
            }
            singleIntraOpThread();
            Map<String, String> settings = new LinkedHashMap<>();
            Options.put(settings, JobConf.MAX_NEW_TOKENS, maxNewTokens);
            Options.put(settings, JobConf.VARIANTS, variants);
            Path scratch = work != null ? work : Files.createTempDirectory("mask-impact-bench-");
            try {
                return run(dir, settings, scratch);
            } finally {
                if (work == null) {
                    deleteTree(scratch);
                }
            }
        }

        private int run(Path dir, Map<String, String> settings, Path scratch) throws Exception {
            PrintWriter err = spec.commandLine().getErr();
            String load = loadAverage();
            // the breakdown first: its first model load is the JVM's first (engine start included)
            ThroughputBenchmark.Breakdown breakdown = null;
            if (breakdownPairs > 0) {
                err.println("[bench] breakdown: " + breakdownPairs + " pairs, one thread");
                err.flush();
                JobConf conf = JobConf.resolve(settings, new SparkConf()).conf();
                SparkSession spark = session("local[1]", null);
                try {
                    breakdown = ThroughputBenchmark.breakdown(dir, scratch.resolve("breakdown"), breakdownPairs,
                            conf.analysis(), conf.roundDecimals(), spark);
                } finally {
                    stop(spark);
                }
            }
            List<ThroughputBenchmark.Run> runs = ThroughputBenchmark.scaling(dir, scratch.resolve("scaling"), pairs,
                    masters, rounds, settings, err);
            load += " / " + loadAverage();
            doc.publish(spec.commandLine().getOut(), ThroughputBenchmark.SECTION, ThroughputBenchmark.markdown(
                    dir.getFileName().toString(), runs, breakdown, settings, load, commandLine(spec)));
            return ExitCodes.OK;
        }
    }

    /** Deletes a scratch folder this command made; what cannot be deleted is left behind. */
    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (java.util.stream.Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    static String loadAverage() {
        double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return load < 0 ? "n/a" : String.format(java.util.Locale.ROOT, "%.1f", load);
    }

    /**
     * One libtorch intra-op thread, unless the user chose: a task is one core's worth of work
     * (Spark runs one task per core), and DJL reads the setting once, when its engine starts.
     */
    static void singleIntraOpThread() {
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", "1");
        }
    }
}
