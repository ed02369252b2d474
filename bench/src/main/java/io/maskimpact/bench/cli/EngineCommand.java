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

    @Option(names = "--models", paramLabel = "DIR[@SIDE]", split = ",",
            description = "Model folders (relative ones are also looked up in the project home); DIR@SIDE resizes the "
                    + "toy images to SIDE x SIDE and lets a Qwen-VL model take them at that size. Default: "
                    + "models/bench-grid4,models/bench-grid16,models/tiny-qwen3-vl@192,models/tiny-qwen3-vl@384 (the demo's Qwen3-VL at 6x6 and 12x12 image tokens).")
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
        PrintWriter err = spec.commandLine().getErr();
        if (pairs < 1 || steps < 1) {
            JobLauncher.usage(err, "bench engine", "Invalid value: --pairs and --steps must be at least 1");
            return ExitCodes.USAGE;
        }
        List<EngineBenchmark.Target> targets = ProjectHome.targets(models, err, "bench engine", "models/bench-grid4",
                "models/bench-grid16", "models/tiny-qwen3-vl@192", "models/tiny-qwen3-vl@384");
        if (targets == null) {
            return ExitCodes.USAGE;
        }
        ModelBenchmarks.singleIntraOpThread();
        List<EngineBenchmark.Result> results = new ArrayList<>();
        String load = Machine.loadAverage();
        for (EngineBenchmark.Target target : targets) {
            int code = ModelBenchmarks.perModel("engine", List.of(target.dir()), pairs, steps, err, results,
                    (dir, p, s) -> EngineBenchmark.run(target, p, s));
            if (code != ExitCodes.OK) {
                return code;
            }
        }
        doc.publish("engine", EngineBenchmark.markdown(results, doc.commandLine()) + "\nDJL intra-op threads: "
                + System.getProperty("ai.djl.pytorch.num_threads") + "; load average (1 min) at start and end: " + load
                + " / " + Machine.loadAverage() + ".\n");
        return ExitCodes.OK;
    }
}
