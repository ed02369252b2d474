package io.maskimpact.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.maskimpact.testing.Cli;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --help on every command, usage errors, and toy-data; no Spark. */
class HelpTest {
    @TempDir
    Path tmp;

    @Test
    void everyCommandHasHelpWithTheExitCodes() {
        for (String command : new String[] {"run", "demo", "serve", "toy-data", "query", "sql", "analyze"}) {
            Cli.Result r = Cli.run(command, "--help");
            assertThat(r.code()).as("%s --help", command).isEqualTo(0);
            assertThat(r.out()).as("%s --help", command).contains("Usage: mask-impact " + command).contains("--help")
                    .contains("Exit codes:");
        }
        assertThat(Cli.run("serve", "--help").out()).as("serve's own codes").contains("the port is taken")
                .doesNotContain("pair");
        assertThat(Cli.run("toy-data", "--help").out()).as("toy-data's own codes").contains("cannot write to --out")
                .doesNotContain("pair could be analysed");
        assertThat(Cli.run("analyze", "--help").out()).as("analyze's own codes").contains("--k not from 2 to 1000")
                .contains("fewer than 2 token profiles");
        Cli.Result top = Cli.run("--help");
        assertThat(top.out()).contains("Exit codes:").contains("3  cannot start").contains("run").contains("demo")
                .as("the benchmarks are their own module, named in the footer").contains("./submit.sh bench --help");
        assertThat(Cli.run("run", "--help").out()).contains("--mask-mode").contains("--round-decimals")
                .contains("--zstd-level").contains("--format").contains("--mode").contains("--csv").contains("--limit")
                .contains("--partitions").contains("--variants").contains("--algorithm").contains("--max-new-tokens")
                .contains("--conf").contains("Default: both");
    }

    @Test
    void usageErrorsAreExitCode2() {
        Cli.Result none = Cli.run();
        assertThat(none.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(none.err()).contains("Usage: mask-impact");
        Cli.Result bogus = Cli.run("run", "--bogus");
        assertThat(bogus.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(bogus.err()).as("one line and where the help is, not the whole help")
                .startsWith("Unknown option: '--bogus'").contains("Try 'mask-impact run --help' for the options.")
                .doesNotContain("Usage:");
        Cli.Result typo = Cli.run("analyze", "--out", tmp.toString(), "--metrc", "x");
        assertThat(typo.err()).as("picocli's suggestion for a misspelt option").contains("--metric")
                .contains("Try 'mask-impact analyze --help'");
        Cli.Result noOut = Cli.run("run", "--manifest", "m.csv");
        assertThat(noOut.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(noOut.err()).contains("Missing required option: --out");
        Cli.Result noManifest = Cli.run("run", "--out", tmp.toString());
        assertThat(noManifest.err()).contains("--manifest");
        Cli.Result badRound = Cli.run("run", "--manifest", "m.csv", "--out", tmp.toString(), "--round-decimals", "12");
        assertThat(badRound.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(badRound.err()).startsWith("Invalid value for --round-decimals: 12 (expected a whole number from 0 to 9)");
    }

    @Test
    void toyDataThatCannotBeWrittenIsOneLineAndExitCode3() throws Exception {
        java.nio.file.Files.writeString(tmp.resolve("a-file"), "not a folder");
        Cli.Result r = Cli.run("toy-data", "--n", "2", "--out", tmp.resolve("a-file").toString());
        assertThat(r.code()).as("%s", r).isEqualTo(ExitCodes.CANNOT_START);
        assertThat(r.err().strip()).startsWith("Cannot write toy pairs to").doesNotContain("\n");
    }

    @Test
    void toyDataWritesImagesAndAManifest() {
        Cli.Result r = Cli.run("toy-data", "--seed", "5", "--n", "3", "--out", tmp.toString());
        assertThat(r.code()).as("%s", r).isEqualTo(0);
        assertThat(tmp.resolve("manifest.jsonl")).content().hasLineCount(3);
        assertThat(tmp.resolve("images/toy-5-0.png")).isRegularFile();
    }
}
