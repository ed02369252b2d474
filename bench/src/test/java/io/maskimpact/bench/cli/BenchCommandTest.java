package io.maskimpact.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.maskimpact.cli.ExitCodes;
import io.maskimpact.testing.Cli;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench}: help, usage errors, and the storage benchmark writing only its own section. */
class BenchCommandTest {

    @TempDir
    Path dir;

    private static Cli.Result bench(String... args) {
        return Cli.execute(new BenchCommand(), args);
    }

    @Test
    void withoutASubcommandPrintsUsage() {
        Cli.Result r = bench();
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("engine", "storage", "throughput", "cost");
    }

    @Test
    void everyBenchmarkHasHelpWithTheExitCodes() {
        for (String command : new String[] {"engine", "storage", "throughput", "cost", "vs-transformers"}) {
            Cli.Result r = bench(command, "--help");
            assertThat(r.code()).as("bench %s --help exits 0", command).isEqualTo(ExitCodes.OK);
            assertThat(r.out()).as("bench %s --help", command).contains("Usage: mask-impact bench " + command)
                    .contains("--doc", "--no-doc", "Exit codes:", "3  cannot start");
        }
        assertThat(bench("--help").out()).as("bench --help lists the benchmarks")
                .contains("Usage: mask-impact bench", "engine", "storage", "throughput", "cost", "vs-transformers");
    }

    @Test
    void invalidValuesAreUsageErrors() {
        assertThat(bench("storage", "--out", dir.toString(), "--pairs", "0").code()).isEqualTo(ExitCodes.USAGE);
        Cli.Result steps = bench("cost", "--steps", "0");
        assertThat(steps.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(steps.err()).as("a usage error names the command's help")
                .contains("Try 'mask-impact bench cost --help'");
        assertThat(bench("storage").code()).as("--out is required").isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void aMissingModelCannotStart() {
        Cli.Result r = bench("engine", "--models", dir.resolve("nope").toString(), "--no-doc");
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.CANNOT_START);
        assertThat(r.err()).contains("nope", "does not exist");
    }

    @Test
    void storageRewritesOnlyItsSection() throws Exception {
        Path doc = dir.resolve("BENCHMARKS.md");
        Files.writeString(doc, "# Benchmarks\n\n## Viewer\n\nhand-written\n\n<!-- bench:engine:start -->\nold engine\n"
                + "<!-- bench:engine:end -->\n", StandardCharsets.UTF_8);
        Cli.Result r = bench("storage", "--out", dir.resolve("out").toString(), "--only-job", "--pairs", "1",
                "--steps", "1", "--layers", "2", "--heads", "2", "--partitions", "1", "--master", "local[1]",
                "--doc", doc.toString());
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.OK);
        String text = Files.readString(doc, StandardCharsets.UTF_8);
        assertThat(text).contains("## Viewer\n\nhand-written", "old engine")
                .contains("<!-- bench:storage:start -->\n## Storage: bytes per impact row")
                .contains("Command: `./submit.sh bench storage --out " + dir.resolve("out") + " --only-job --pairs 1 "
                        + "--steps 1 --layers 2 --heads 2 --partitions 1 --master local[1]`")
                .endsWith("<!-- bench:storage:end -->\n");
        assertThat(r.out()).contains("bytes/row");
    }
}
