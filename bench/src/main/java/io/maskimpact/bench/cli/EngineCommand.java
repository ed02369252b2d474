package io.maskimpact.bench.cli;

import io.maskimpact.bench.EngineBenchmark;
import io.maskimpact.bench.Machine;
import io.maskimpact.cli.ExitCodes;
import io.maskimpact.cli.JobLauncher;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bench engine}: exact closed form against the naive re-run on the benchmark models. */
@Command(name = "engine", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Time the exact closed form against the naive re-run on the same toy pairs (mask mode both, "
                + "default variants) for each model, check that both give the same rows, and write the 'engine' "
                + "section.", ""},
        footer = BenchCommand.FOOTER)
class EngineCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--models", paramLabel = "DIR", split = ",",
            description = "Model folders (relative ones are also looked up in the project home). Default: "
                    + "models/bench-grid4,models/bench-grid16.")
    List<Path> models;

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
        PrintWriter err = spec.commandLine().getErr();
        if (pairs < 1 || steps < 1) {
            JobLauncher.usage(err, "bench engine", "Invalid value: --pairs and --steps must be at least 1");
            return ExitCodes.USAGE;
        }
        ModelBenchmarks.singleIntraOpThread();
        List<Path> dirs = ProjectHome.modelDirs(models, "models/bench-grid4", "models/bench-grid16");
        List<EngineBenchmark.Result> results = new ArrayList<>();
        String load = Machine.loadAverage();
        int code = ModelBenchmarks.perModel("engine", dirs, pairs, steps, err, results, EngineBenchmark::run);
        if (code != ExitCodes.OK) {
            return code;
        }
        doc.publish("engine", EngineBenchmark.markdown(results, doc.commandLine()) + "\nDJL intra-op threads: "
                + System.getProperty("ai.djl.pytorch.num_threads") + "; load average (1 min) at start and end: " + load
                + " / " + Machine.loadAverage() + ".\n");
        return ExitCodes.OK;
    }
}
