package io.maskimpact.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.maskimpact.testing.Cli;
import io.maskimpact.testing.FakeModels;
import io.maskimpact.testing.Pairs;
import io.maskimpact.testing.SparkTestBase;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code sql} through its command, fed on standard input the way a pipe feeds it, after a real run. */
class SqlCommandTest extends SparkTestBase {
    @TempDir
    static Path tmp;

    /** Runs {@code sql} with these arguments and input; returns the exit code, what the terminal showed and stderr. */
    private static Cli.Result sql(String input, String... args) {
        SqlCommand command = new SqlCommand();
        command.input = new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8));
        ByteArrayOutputStream shown = new ByteArrayOutputStream();
        command.outputStream = shown;
        StringWriter err = new StringWriter();
        int code = new CommandLine(command).setErr(new PrintWriter(err, true)).execute(args);
        return new Cli.Result(code, shown.toString(StandardCharsets.UTF_8), err.toString());
    }

    @Test
    void aRunsNextStepsLeadToAShellThatAnswersQueriesOneAfterAnother() throws Exception {
        Path model = FakeModels.write(tmp.resolve("fake-model"));
        Path manifest = Pairs.jsonl(tmp.resolve("pairs/manifest.jsonl"), Pairs.toy(tmp.resolve("pairs"), 3, 2));
        Path out = tmp.resolve("run");
        Cli.Result run = Cli.run("run", "--manifest", manifest.toString(), "--model", model.toString(), "--out",
                out.toString(), "--max-new-tokens", "1");
        assertThat(run.code()).as("run\n%s", run).isEqualTo(0);
        assertThat(run.out()).as("the run's next steps name the shell").contains("./submit.sh sql --out " + out);

        Path history = tmp.resolve("history");
        Cli.Result r = sql("SELECT count(*) AS pairs FROM pairs;\nSELECT status\n  FROM pairs LIMIT 1;\n\\quit\n",
                "--out", out.toString(), "--history", history.toString());
        assertThat(r.code()).as("sql\n%s", r).isEqualTo(0);
        assertThat(r.out()).contains("| pairs |").contains("| 2     |").contains("| status |").contains("| ok     |");
        assertThat(Files.readString(history)).as("the history file").contains("SELECT count(*) AS pairs FROM pairs;");
    }

    @Test
    void aFolderThatIsNotARunIsExitCode3() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Cli.Result r = sql("SELECT 1;\n", "--out", empty.toString(), "--history", tmp.resolve("h2").toString());
        assertThat(r.code()).as("%s", r).isEqualTo(ExitCodes.CANNOT_START);
        assertThat(r.err()).startsWith("Cannot open run " + empty);
    }
}
