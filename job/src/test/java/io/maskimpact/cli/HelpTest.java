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
        for (String command : new String[] {"run", "demo", "serve", "toy-data", "query", "analyze"}) {
            Cli.Result r = Cli.run(command, "--help");
            assertThat(r.code()).as("%s --help", command).isEqualTo(0);
            assertThat(r.out()).as("%s --help", command).contains("Usage: mask-impact " + command).contains("--help");
        }
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
        assertThat(Cli.run("run", "--bogus").code()).isEqualTo(ExitCodes.USAGE);
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
    void toyDataWritesImagesAndAManifest() {
        Cli.Result r = Cli.run("toy-data", "--seed", "5", "--n", "3", "--out", tmp.toString());
        assertThat(r.code()).as("%s", r).isEqualTo(0);
        assertThat(tmp.resolve("manifest.jsonl")).content().hasLineCount(3);
        assertThat(tmp.resolve("images/toy-5-0.png")).isRegularFile();
    }
}
