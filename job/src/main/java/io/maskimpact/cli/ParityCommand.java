package io.maskimpact.cli;

import io.maskimpact.family.Families;
import io.maskimpact.model.ModelLoadException;
import io.maskimpact.model.Vlm;
import io.maskimpact.parity.ParityCheck;
import io.maskimpact.parity.ParityReport;
import io.maskimpact.parity.ReferenceDump;
import io.maskimpact.parity.ReferenceHarness;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code parity}: runs Hugging Face transformers (the reference harness, {@code models/reference/})
 * and the engine on the same pairs of a user's checkpoint, and prints their differences stage by
 * stage, so that a researcher checks a real checkpoint before a million-pair run.
 *
 * <pre>
 * ./submit.sh parity --model /models/llava-1.5-7b-hf --manifest pairs.jsonl --pairs 4
 * </pre>
 */
@Command(name = "parity", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Check a checkpoint against Hugging Face transformers: transformers (5.17, through the project's "
                + "reference harness, which needs Python with transformers and torch: models/reference/setup.sh makes it "
                + "from the wheels on disk) and the engine run the same pairs; prints, per stage (pixel values, input ids, "
                + "each layer's output, logits, greedy tokens, every impact row by variant), the largest difference, and "
                + "fails when one is beyond 1e-4 (absolute below 1, relative above) or an id or token differs.", ""},
        footer = {"%nExit codes:%n"
                + "  0  every stage within tolerance, ids and tokens equal%n"
                + "  1  internal error (a bug or an I/O failure; see the log)%n"
                + "  2  usage error: unknown option, missing or invalid value%n"
                + "  3  cannot start: no Python with transformers, the model folder or manifest cannot be used, or the "
                + "reference run failed (its output is above)%n"
                + "  5  the engine differs from transformers beyond tolerance (the table says where)%n"})
public class ParityCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "DIR", required = true, description = "The Hugging Face model folder to check.")
    Path model;

    @Option(names = "--manifest", paramLabel = "FILE",
            description = "A JSON Lines manifest (pair_id, image relative to it, question). Default: the project's awkward "
                    + "parity pairs, models/reference/pairs/pairs.jsonl.")
    Path manifest;

    @Option(names = "--pairs", paramLabel = "N", defaultValue = "4", description = "Check the manifest's first N pairs. "
            + "Default: ${DEFAULT-VALUE}.")
    int pairs;

    @Option(names = "--max-new-tokens", paramLabel = "T", defaultValue = "3",
            description = "Greedy tokens per pair. Default: ${DEFAULT-VALUE}.")
    int maxNewTokens;

    @Option(names = "--python", paramLabel = "EXE", description = "Python with transformers 5.17 and torch. Default: "
            + "$MASK_IMPACT_PYTHON, else models/reference/.venv/bin/python (made by models/reference/setup.sh).")
    Path python;

    @Option(names = "--keep", paramLabel = "DIR", description = "Write the reference dump here and keep it "
            + "(default: a temporary folder, deleted afterwards).")
    Path keep;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (pairs < 1 || maxNewTokens < 1) {
            JobLauncher.usage(err, "parity", "--pairs and --max-new-tokens must be at least 1");
            return ExitCodes.USAGE;
        }
        Path home = Path.of(System.getProperty("maskimpact.home", ".")).toAbsolutePath().normalize();
        Path manifestFile = manifest != null ? manifest : home.resolve("models/reference/pairs/pairs.jsonl");
        Path exe = ReferenceHarness.python(python, home);
        if (!Files.isDirectory(model) || !Files.isRegularFile(manifestFile) || exe == null) {
            err.println(!Files.isDirectory(model) ? "Cannot check parity: model folder " + model + " does not exist"
                    : !Files.isRegularFile(manifestFile) ? "Cannot check parity: manifest " + manifestFile + " does not exist"
                    : "Cannot check parity: no Python with transformers (pass --python, set MASK_IMPACT_PYTHON, or run "
                    + "models/reference/setup.sh, which installs transformers 5.17 and torch from the wheels on this machine)");
            return ExitCodes.CANNOT_START;
        }
        Path dumpDir = keep != null ? keep : Files.createTempDirectory("mask-impact-parity");
        try {
            if (!runReference(home, exe, manifestFile, dumpDir, err)) {
                err.println("Cannot check parity: the transformers reference failed on " + model + " (its output is above)");
                return ExitCodes.CANNOT_START;
            }
            ReferenceDump dump = ReferenceDump.read(dumpDir);
            try (Vlm vlm = Families.load(model, "cpu")) {
                ParityReport report = ParityCheck.run(vlm, dump, dumpDir, pairs);
                out.println("Parity of the engine with transformers on " + model + " (" + Math.min(pairs, dump.pairs().size())
                        + " pairs of " + manifestFile + ")");
                out.print(report.format());
                out.flush();
                return report.passed() ? ExitCodes.OK : ExitCodes.PARITY_DIFFERS;
            }
        } catch (ModelLoadException e) {
            err.println(e.getMessage());
            return ExitCodes.CANNOT_START;
        } finally {
            if (keep == null) {
                ai.djl.util.Utils.deleteQuietly(dumpDir);
            }
        }
    }

    /** Runs the reference harness's dump for the first pairs; its output goes to this process's stderr. */
    private boolean runReference(Path home, Path exe, Path manifestFile, Path dumpDir, PrintWriter err) {
        return ReferenceHarness.run(exe, home, List.of("reference", "--model", model.toAbsolutePath().toString(),
                "--manifest", manifestFile.toAbsolutePath().toString(), "--out", dumpDir.toAbsolutePath().toString(),
                "--pairs", String.valueOf(pairs), "--max-new-tokens", String.valueOf(maxNewTokens)), "parity", err);
    }
}
