package io.maskimpact.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.maskimpact.model.ModelLoadException;
import io.maskimpact.output.RunFolder;
import io.maskimpact.run.JobConf;
import io.maskimpact.toy.ToyData;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code demo}: the shipped tiny Qwen3-VL ({@link JobConf#DEMO_MODEL_RELATIVE}, or {@code --model}) on bundled toy
 * pairs, end to end.
 *
 * <p>The pairs are generated (deterministically, seed {@value #SEED}) into {@code <out>/_input/}:
 * {@value #PAIRS} toy images laid out on the model's grid ({@link ToyLayouts}) and a manifest whose {@code mask_mode} cycles through vision, text
 * and both, so one run covers the three modes, with {@value #STEPS} generation steps, every
 * variant and the output effects ({@code --effects}, which notebooks/06_effects.ipynb reads).
 *
 * <p>Unless {@code --mode} is given, the demo replaces its own earlier output ({@code --mode
 * overwrite}) and refuses any other non-empty folder, before writing anything.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the shipped tiny Qwen3-VL (" + JobConf.DEMO_MODEL_RELATIVE + ", or --model) on " + DemoCommand.PAIRS + " bundled toy pairs (three mask modes, "
                + DemoCommand.STEPS + " generation steps, all variants, output effects) and print where the output is and how to open "
                + "and query it.", ""},
        footer = ExitCodes.FOOTER)
public class DemoCommand implements Callable<Integer> {
    /** Seed of the bundled toy pairs. */
    static final long SEED = 7;
    /** Number of bundled pairs. */
    static final int PAIRS = 9;
    /** Generation steps per pair. */
    static final int STEPS = 4;
    /** The demo's manifest in {@code _input/}; it also marks a folder as the demo's own. */
    static final String MANIFEST_NAME = "demo-manifest.jsonl";
    private static final String[] MODES = {"vision", "text", "both"};

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    OutputOptions output;

    @Option(names = "--partitions", paramLabel = "N", description = "Spark tasks. Default: one per core.")
    String partitions;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path dir = Path.of(common.out != null ? common.out : "output/demo").toAbsolutePath().normalize();
        Path input = dir.resolve(RunFolder.INPUT_DIR);
        if (output.mode == null && !isOwnFolder(dir)) {
            err.println("Cannot run the demo in " + dir + ": the folder holds files that are not the demo's (choose "
                    + "another --out, or give --mode overwrite to replace a run there)");
            return ExitCodes.CANNOT_START;
        }
        String model = common.model != null ? common.model : JobConf.demoModel();
        Path manifest;
        try {
            manifest = writeInputs(input, ToyLayouts.forModel(Path.of(model)));
        } catch (ModelLoadException e) {
            err.println(e.getMessage());
            return ExitCodes.CANNOT_START;
        } catch (IOException | UncheckedIOException e) {
            err.println("Cannot write the demo's inputs to " + input + ": " + e.getMessage());
            return ExitCodes.CANNOT_START;
        }
        Map<String, String> cli = new LinkedHashMap<>();
        common.putInto(cli);
        output.putInto(cli);
        cli.putIfAbsent(JobConf.MODE, "overwrite");
        cli.put(JobConf.MODEL, model);
        cli.put(JobConf.OUT, dir.toString());
        cli.put(JobConf.MANIFEST, manifest.toString());
        cli.put(JobConf.VARIANTS, "all");
        cli.put(JobConf.EFFECTS, "true");
        cli.put(JobConf.MAX_NEW_TOKENS, String.valueOf(STEPS));
        Options.put(cli, JobConf.PARTITIONS, partitions);
        JobConf.Resolved resolved = JobLauncher.resolve(cli, "demo", err);
        if (resolved == null) {
            return ExitCodes.USAGE;
        }
        int code = JobLauncher.launch(resolved, out, err);
        if (code == ExitCodes.OK) {
            printInputs(out, dir);
        }
        return code;
    }

    /** Writes the toy pairs on the layout and a manifest that cycles the mask mode; returns the manifest. */
    static Path writeInputs(Path input, ToyData.Layout layout) throws IOException {
        ToyData.write(SEED, PAIRS, input, layout);
        Path toy = input.resolve("manifest.jsonl");
        ObjectMapper json = new ObjectMapper();
        List<String> lines = new ArrayList<>();
        int i = 0;
        for (String line : Files.readAllLines(toy, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            ObjectNode node = (ObjectNode) json.readTree(line);
            node.put("mask_mode", MODES[i++ % MODES.length]);
            lines.add(json.writeValueAsString(node));
        }
        Path manifest = input.resolve(MANIFEST_NAME);
        Files.write(manifest, lines, StandardCharsets.UTF_8);
        return manifest;
    }

    /** @return whether the folder is missing, empty, or holds the demo's inputs (an earlier demo run) */
    private static boolean isOwnFolder(Path dir) {
        if (Files.isRegularFile(dir.resolve(RunFolder.INPUT_DIR).resolve(MANIFEST_NAME))) {
            return true;
        }
        try (java.util.stream.Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        } catch (java.nio.file.NoSuchFileException e) {
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void printInputs(PrintWriter out, Path dir) {
        out.println("Demo inputs: " + dir.resolve(RunFolder.INPUT_DIR) + " (toy images, " + MANIFEST_NAME + ")");
        out.flush();
    }
}
