package io.maskimpact.cli;

import io.maskimpact.model.ModelLoadException;
import io.maskimpact.toy.ToyData;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code toy-data}: write a fresh set of toy image/question pairs, the task the tiny models were trained on. */
@Command(name = "toy-data", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write N toy pairs: PNG images of three coloured shapes on a 6x6 grid (96x96 pixels, or laid "
                + "out on the grid --model sees), and a manifest (DIR/manifest.jsonl) asking for the colour of one shape, "
                + "with the answer and the ground-truth grid cell (target_cells). Same seed, same files.", ""},
        footer = ToyDataCommand.FOOTER)
public class ToyDataCommand implements Callable<Integer> {
    /** The exit codes of {@code toy-data} and the errors behind them. */
    static final String FOOTER = "%nExit codes:%n"
            + "  0  written%n"
            + "  1  internal error (a bug; see the log)%n"
            + "  2  usage error: unknown option, --out missing, --n below 0, --seed or --n not a number%n"
            + "  3  cannot write to --out (not writable, no space, or a file where a folder is needed), or --model has "
            + "no toy layout (unreadable, or its processor tiles or reshapes images)%n";

    @Spec
    CommandSpec spec;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Random seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--n", paramLabel = "N", defaultValue = "100", description = "Number of pairs. Default: ${DEFAULT-VALUE}.")
    int n;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Folder for images/ and manifest.jsonl.")
    Path out;

    @Option(names = "--model", paramLabel = "DIR",
            description = "Lay the shapes out on this model's grid (one shape per image token: LLaVA's patches, Qwen-VL's "
                    + "merged 2x2 patches), so that target_cells are cells of the grid it sees. Default: 96x96 images, "
                    + "6x6 cells of 16 pixels (models/tiny-llava's grid).")
    Path model;

    @Override
    public Integer call() {
        if (n < 0) {
            JobLauncher.usage(spec.commandLine().getErr(), "toy-data", "Invalid value for --n: " + n + " (expected 0 or more)");
            return ExitCodes.USAGE;
        }
        ToyData.Layout layout = ToyData.DEFAULT;
        if (model != null) {
            try {
                layout = ToyLayouts.forModel(model);
            } catch (ModelLoadException e) {
                spec.commandLine().getErr().println(e.getMessage());
                return ExitCodes.CANNOT_START;
            }
        }
        try {
            ToyData.write(seed, n, out, layout);
        } catch (UncheckedIOException e) {
            spec.commandLine().getErr().println("Cannot write toy pairs to " + out + ": "
                    + io.maskimpact.input.InputErrors.oneLine(e.getCause()));
            return ExitCodes.CANNOT_START;
        }
        spec.commandLine().getOut().println("Wrote " + n + " toy pairs (seed " + seed + ", " + layout.size() + "x"
                + layout.size() + " pixels, " + layout.grid() + "x" + layout.grid() + " cells) to " + out.toAbsolutePath()
                + " (manifest: " + out.resolve("manifest.jsonl") + ")");
        return ExitCodes.OK;
    }
}
