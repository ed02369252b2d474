package io.maskimpact.bench.cli;

import io.maskimpact.bench.EngineBenchmark;
import io.maskimpact.bench.VsTransformersBenchmark;
import io.maskimpact.cli.ExitCodes;
import io.maskimpact.cli.JobLauncher;
import io.maskimpact.parity.ReferenceHarness;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bench vs-transformers}: the engine's generation and analysis against transformers' generate. */
@Command(name = "vs-transformers", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Time Hugging Face transformers' greedy generate (through the reference harness, which needs "
                + "Python with transformers and torch: models/reference/setup.sh) against the engine's plain greedy "
                + "generation and its analysis (attn,heads and all) on the same checkpoint, toy pairs and thread count, "
                + "and write the 'vs-transformers' section. Goals: generation at most "
                + VsTransformersBenchmark.GENERATION_GOAL + "x, attn,heads analysis at most "
                + VsTransformersBenchmark.ANALYSIS_GOAL + "x transformers.", ""},
        footer = BenchCommand.FOOTER)
class VsTransformersCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--models", paramLabel = "DIR[@SIDE]", split = ",",
            description = "Model folders (relative ones are also looked up in the project home); DIR@SIDE resizes the "
                    + "toy images to SIDE x SIDE and lets a Qwen-VL model take them at that size. Default: "
                    + "models/tiny-qwen3-vl@192 (add the real-width checkpoint, e.g. /tmp/qwen3-vl-4b-widths@896: "
                    + "docs/BENCHMARKS.md says how to write it).")
    List<String> models;

    @Option(names = "--pairs", paramLabel = "N", defaultValue = "4",
            description = "Pairs timed, after one warm-up pair. Default: ${DEFAULT-VALUE}.")
    int pairs;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "3",
            description = "Generation steps per pair. Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "1",
            description = "Intra-op threads of both libtorch (the engine) and torch (transformers). Default: "
                    + "${DEFAULT-VALUE}.")
    int threads;

    @Option(names = "--python", paramLabel = "EXE", description = "Python with transformers 5.17 and torch. Default: "
            + "$MASK_IMPACT_PYTHON, else models/reference/.venv/bin/python (made by models/reference/setup.sh).")
    Path python;

    @Mixin
    DocOptions doc;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        if (pairs < 1 || steps < 1 || threads < 1) {
            JobLauncher.usage(err, "bench vs-transformers", "Invalid value: --pairs, --steps and --threads must be at least 1");
            return ExitCodes.USAGE;
        }
        List<EngineBenchmark.Target> targets = ProjectHome.targets(models, err, "bench vs-transformers",
                "models/tiny-qwen3-vl@192");
        if (targets == null) {
            return ExitCodes.USAGE;
        }
        Path exe = ReferenceHarness.python(python, ProjectHome.home());
        if (exe == null) {
            err.println("Cannot run the vs-transformers benchmark: no Python with transformers (pass --python, set "
                    + "MASK_IMPACT_PYTHON, or run models/reference/setup.sh)");
            return ExitCodes.CANNOT_START;
        }
        // DJL reads its thread count once, when its engine starts: before any model is loaded
        System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(threads));
        List<VsTransformersBenchmark.Result> results = new ArrayList<>();
        for (EngineBenchmark.Target target : targets) {
            int code = ModelBenchmarks.perModel("vs-transformers", List.of(target.dir()), pairs, steps, err, results,
                    (dir, p, s) -> {
                        try {
                            return VsTransformersBenchmark.run(target, p, s, exe, ProjectHome.home(), err);
                        } catch (IOException e) {
                            throw new UncheckedIOException("Cannot run the vs-transformers benchmark: " + e.getMessage(), e);
                        }
                    });
            if (code != ExitCodes.OK) {
                return code;
            }
        }
        doc.publish(VsTransformersBenchmark.SECTION, VsTransformersBenchmark.markdown(results, doc.commandLine()));
        return ExitCodes.OK;
    }
}
