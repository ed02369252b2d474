package io.maskimpact.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.maskimpact.testing.SparkTestBase;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.DumbTerminal;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The {@code sql} shell on a fixture run, driven through a dumb terminal as a pipe would drive it. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SqlShellTest extends SparkTestBase {

    @TempDir
    static Path tempDir;

    private Path run;

    @BeforeAll
    void writeRun() throws Exception {
        run = RunFixture.write(spark, tempDir.resolve("run"), "parquet");
    }

    /** Runs a session on the given input; returns what the terminal showed. */
    private String session(String input, Path history) throws Exception {
        ByteArrayOutputStream shown = new ByteArrayOutputStream();
        try (Terminal terminal = new DumbTerminal("test", Terminal.TYPE_DUMB,
                new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), shown, StandardCharsets.UTF_8)) {
            new SqlShell(spark, new SqlShell.Options(run.toString(), ResultFormat.TABLE, 100, null, history))
                    .run(terminal);
        }
        return shown.toString(StandardCharsets.UTF_8);
    }

    @Test
    void statementsSpanLinesAndPrintAsQueryPrintsThem() throws Exception {
        String shown = session("SELECT count(*) AS n\nFROM impact\nWHERE variant != 'Full';\n"
                + "SELECT count(DISTINCT pair_id) AS pairs FROM pairs WHERE status = 'ok'; SELECT 1 AS one\n", null);
        long notFull = RunFixture.impactRows() / RunFixture.VARIANTS.size() * (RunFixture.VARIANTS.size() - 1);
        assertThat(shown).as("a statement over three lines, with != (not a history event)")
                .contains("| n " + " ".repeat(String.valueOf(notFull).length() - 1) + "|")
                .contains("| " + notFull + " |");
        assertThat(shown).as("two statements on one line").contains("| pairs |").contains("| 2     |");
        assertThat(shown).as("a last statement without ';' runs at the end of the input").contains("| one |")
                .contains("| 1   |");
        assertThat(shown).as("the continuation prompt").contains(SqlShell.CONTINUATION);
    }

    @Test
    void aFailingStatementPrintsOneLineAndTheShellGoesOn() throws Exception {
        String shown = session("SELECT nope FROM impact;\nSELECT 2 AS two;\n", null);
        assertThat(shown).contains("Cannot run statement (SELECT nope FROM impact)").contains("| two |");
        assertThat(shown).as("no stack trace").doesNotContain("\tat org.apache");
    }

    @Test
    void commandsListTheViewsDescribeOneAndSaveTheLastResult() throws Exception {
        Path csv = tempDir.resolve("layers.csv");
        String shown = session("\\tables\n\\schema impact\nSELECT DISTINCT layer FROM impact ORDER BY layer;\n"
                + "\\save " + csv + "\n\\bogus\n\\quit\nSELECT 'after quit' AS never;\n", null);
        assertThat(shown).as("\\tables").contains("| impact ").contains("| pairs ").contains("| steps ").contains("| errors ");
        assertThat(shown).as("\\schema impact").contains("| token_kind ").contains("| cosine_distance ");
        assertThat(csv).as("\\save writes every row as CSV").hasContent("layer\n0\n1\n2");
        assertThat(shown).contains("Unknown command \\bogus").doesNotContain("after quit");
    }

    @Test
    void theHistoryIsKeptBetweenSessions() throws Exception {
        Path history = tempDir.resolve("history");
        session("SELECT 3 AS three;\n", history);
        assertThat(history).as("history file").exists();
        assertThat(Files.readString(history)).contains("SELECT 3 AS three;");
    }

    @Test
    void aFolderThatIsNotARunIsRefusedBeforeThePrompt() throws IOException {
        Path empty = Files.createDirectories(tempDir.resolve("empty"));
        ByteArrayOutputStream shown = new ByteArrayOutputStream();
        try (Terminal terminal = new DumbTerminal("test", Terminal.TYPE_DUMB, new ByteArrayInputStream(new byte[0]),
                shown, StandardCharsets.UTF_8)) {
            SqlShell shell = new SqlShell(spark, new SqlShell.Options(empty.toString(), ResultFormat.TABLE, 100, null, null));
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> shell.run(terminal))
                    .isInstanceOf(QueryException.class).hasMessageContaining("Cannot open run");
        }
        assertThat(shown.toString(StandardCharsets.UTF_8)).doesNotContain(SqlShell.PROMPT);
    }
}
