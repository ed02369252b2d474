package io.maskimpact.bench.cli;

import io.maskimpact.analysis.VariantSet;
import io.maskimpact.bench.CostBenchmark;
import io.maskimpact.bench.EngineBenchmark;
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

/** {@code bench cost}: the full analysis against a plain greedy generation of the same tokens. */
@Command(name = "cost", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Time the full analysis (mask mode both, all layers, all variants, exact) against a plain "
                + "greedy generation of the same tokens on the same model, pair by pair in one thread, and write "
                + "the 'cost' section. Goal: at most " + CostBenchmark.GOAL + "x.", ""},
        footer = BenchCommand.FOOTER)
class CostCommand implements Callable<Integer> {
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

    @Option(names = "--effects", description = "Also time each model and variant list with output effects (every "
            + "unit hidden at every layer, --effects of a run), after the run without them.")
    boolean effects;

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
        List<EngineBenchmark.Target> targets = ProjectHome.targets(models, err, "bench cost", "models/tiny-llava",
                "models/bench-grid16");
        if (targets == null) {
            return ExitCodes.USAGE;
        }
        ModelBenchmarks.singleIntraOpThread();
        List<CostBenchmark.Result> results = new ArrayList<>();
        for (boolean withEffects : effects ? List.of(false, true) : List.of(false)) {
            for (String list : lists) {
                for (EngineBenchmark.Target target : targets) {
                    int code = ModelBenchmarks.perModel("cost", List.of(target.dir()), pairs, steps, err, results,
                            (dir, p, s) -> CostBenchmark.run(target, p, s, list, withEffects));
                    if (code != ExitCodes.OK) {
                        return code;
                    }
                }
            }
        }
        doc.publish(CostBenchmark.SECTION, CostBenchmark.markdown(results, doc.commandLine()));
        return ExitCodes.OK;
    }
}
