package io.maskimpact.cli;

import io.maskimpact.toy.ToyData;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code toy-data}: write a fresh set of toy image/question pairs, the task the tiny models were trained on. */
@Command(name = "toy-data", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write N toy pairs: 96x96 PNG images of three coloured shapes on a 6x6 grid, and a manifest "
                + "(DIR/manifest.jsonl) asking for the colour of one shape, with the answer and the ground-truth grid "
                + "cell (target_cells). Same seed, same files.", ""},
        footer = ExitCodes.FOOTER)
public class ToyDataCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Random seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--n", paramLabel = "N", defaultValue = "100", description = "Number of pairs. Default: ${DEFAULT-VALUE}.")
    int n;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Folder for images/ and manifest.jsonl.")
    Path out;

    @Override
    public Integer call() {
        if (n < 0) {
            JobLauncher.usage(spec.commandLine().getErr(), "toy-data", "Invalid value for --n: " + n + " (expected 0 or more)");
            return ExitCodes.USAGE;
        }
        ToyData.write(seed, n, out);
        spec.commandLine().getOut().println("Wrote " + n + " toy pairs (seed " + seed + ") to " + out.toAbsolutePath()
                + " (manifest: " + out.resolve("manifest.jsonl") + ")");
        return ExitCodes.OK;
    }
}
