package io.maskimpact.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
 * {@code demo}: the shipped tiny model on bundled toy pairs, end to end.
 *
 * <p>The pairs are generated (deterministically, seed {@value #SEED}) into {@code <out>/_input/}:
 * {@value #PAIRS} toy images and a manifest whose {@code mask_mode} cycles through vision, text
 * and both, so one run covers the three modes, with {@value #STEPS} generation steps and every
 * variant.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the shipped tiny model on " + DemoCommand.PAIRS + " bundled toy pairs (three mask modes, "
                + DemoCommand.STEPS + " generation steps, all variants) and print where the output is and how to open "
                + "and query it.", ""},
        footer = ExitCodes.FOOTER)
public class DemoCommand implements Callable<Integer> {
    /** Seed of the bundled toy pairs. */
    static final long SEED = 7;
    /** Number of bundled pairs. */
    static final int PAIRS = 9;
    /** Generation steps per pair. */
    static final int STEPS = 4;
    /** The folder, inside the output folder, that holds the demo's inputs. */
    static final String INPUT_DIR = "_input";
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
        Path input = dir.resolve(INPUT_DIR);
        Path manifest;
        try {
            manifest = writeInputs(input);
        } catch (IOException | UncheckedIOException e) {
            err.println("Cannot write the demo's inputs to " + input + ": " + e.getMessage());
            return ExitCodes.CANNOT_START;
        }
        Map<String, String> cli = new LinkedHashMap<>();
        common.putInto(cli);
        output.putInto(cli);
        cli.put(JobConf.OUT, dir.toString());
        cli.put(JobConf.MANIFEST, manifest.toString());
        cli.put(JobConf.VARIANTS, "all");
        cli.put(JobConf.MAX_NEW_TOKENS, String.valueOf(STEPS));
        Options.put(cli, JobConf.PARTITIONS, partitions);
        JobConf.Resolved resolved = JobLauncher.resolve(cli, "demo", err);
        if (resolved == null) {
            return ExitCodes.USAGE;
        }
        int code = JobLauncher.launch(resolved, out, err);
        if (code == ExitCodes.OK) {
            printNextSteps(out, dir);
        }
        return code;
    }

    /** Writes the toy pairs and a manifest that cycles the mask mode; returns the manifest. */
    static Path writeInputs(Path input) throws IOException {
        ToyData.write(SEED, PAIRS, input);
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
        Path manifest = input.resolve("demo-manifest.jsonl");
        Files.write(manifest, lines, StandardCharsets.UTF_8);
        return manifest;
    }

    private static void printNextSteps(PrintWriter out, Path dir) {
        out.println();
        out.println("Demo output: " + dir);
        out.println("  inputs:  " + dir.resolve(INPUT_DIR) + " (toy images, demo-manifest.jsonl)");
        out.println("View it:  ./submit.sh serve --out " + dir + "   then open http://127.0.0.1:8321/viewer/");
        out.println("          (or open viewer/app/index.html from disk and choose the folder " + dir + ")");
        out.println("Query it: ./submit.sh query --out " + dir + " --sql \"SELECT layer, variant, avg(l2_distance) AS "
                + "mean_l2 FROM impact GROUP BY layer, variant ORDER BY layer, variant\"");
        out.println("          (plain Parquet: Spark's parquet.`" + dir.resolve("impact") + "`, DuckDB's read_parquet('"
                + dir + "/impact/*/*.parquet', hive_partitioning = true), pyarrow, pandas)");
        out.flush();
    }
}
