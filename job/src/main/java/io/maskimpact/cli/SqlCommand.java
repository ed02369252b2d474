package io.maskimpact.cli;

import io.maskimpact.query.QueryException;
import io.maskimpact.query.QuerySessions;
import io.maskimpact.query.ResultFormat;
import io.maskimpact.query.SqlShell;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.terminal.impl.DumbTerminal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sql}: an interactive Spark SQL prompt over a run, started once for any number of queries. */
@Command(name = "sql", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"An interactive Spark SQL prompt over a run: Spark starts once, then statements run one after "
                + "another, with line editing, history and completion. The views and functions are those of 'query' "
                + "(impact, pairs, steps, errors, the analyze tables; mi_normalize, mi_top_tokens, mi_token_class, "
                + "mi_patch_box). Statements end with ';' and may span lines. Commands: \\tables, \\schema NAME, "
                + "\\save FILE (the last result as .csv or .json), \\help, \\quit. Input from a pipe works too.",
                "",
                "Example: sql --out output/demo", ""},
        footer = SqlCommand.FOOTER)
public class SqlCommand implements Callable<Integer> {
    /** The exit codes of {@code sql}. */
    static final String FOOTER = "%nExit codes:%n"
            + "  0  done (\\quit or end of input; a failing statement prints one line and the prompt comes back)%n"
            + "  1  internal error (a bug or an I/O failure; see the log)%n"
            + "  2  usage error: unknown option or invalid value%n"
            + "  3  the --out folder is not a run (no impact/ table)%n";

    @Spec
    CommandSpec spec;

    @Option(names = "--out", paramLabel = "DIR", required = true,
            description = "The run folder (the --out of 'run' or 'demo'; a path or a Hadoop URI).")
    String out;

    @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "table",
            description = "How results are printed: table, csv or json (JSON Lines). Default: ${DEFAULT-VALUE}.")
    String output;

    @Option(names = "--max-rows", paramLabel = "N", defaultValue = "100",
            description = "The most rows printed per result; 0 prints all (\\save FILE writes all). Default: ${DEFAULT-VALUE}.")
    int maxRows;

    @Option(names = "--version-as-of", paramLabel = "V",
            description = "For a Delta run: read table version V (time travel). Default: the latest.")
    Long versionAsOf;

    @Option(names = "--history", paramLabel = "FILE",
            description = "Where the statements typed are kept between sessions. Default: ~/.mask-impact/sql_history.")
    Path history;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master, e.g. local[4] or spark://host:7077. Default: Spark's own setting, else local[*].")
    String master;

    /** Set by tests: the shell reads these instead of the process's terminal. */
    InputStream input;
    /** Set by tests, with {@link #input}. */
    OutputStream outputStream;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        ResultFormat format;
        try {
            format = ResultFormat.valueOf(output.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            JobLauncher.usage(err, "sql", "Invalid value for --output: " + output + " (expected table, csv or json)");
            return ExitCodes.USAGE;
        }
        Path historyFile = history != null ? history : Path.of(System.getProperty("user.home"), ".mask-impact", "sql_history");
        Files.createDirectories(historyFile.toAbsolutePath().getParent());
        boolean owned = !QuerySessions.exists();
        SparkSession spark = null;
        try (Terminal terminal = terminal()) {
            spark = QuerySessions.getOrCreate(master, "mask-impact sql");
            new SqlShell(spark, new SqlShell.Options(out, format, maxRows, versionAsOf, historyFile)).run(terminal);
            return ExitCodes.OK;
        } catch (QueryException e) {
            return QueryCommand.failed(err, e);
        } finally {
            if (owned && spark != null) {
                spark.stop();
            }
        }
    }

    private Terminal terminal() throws IOException {
        if (input != null) {
            return new DumbTerminal("mask-impact-sql", Terminal.TYPE_DUMB, input, outputStream, StandardCharsets.UTF_8);
        }
        // a pipe or a file on stdin gets a dumb terminal, without JLine's warning about it
        return TerminalBuilder.builder().system(true).dumb(true).build();
    }
}
