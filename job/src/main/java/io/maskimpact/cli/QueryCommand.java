package io.maskimpact.cli;

import io.maskimpact.query.QueryException;
import io.maskimpact.query.QueryRunner;
import io.maskimpact.query.QuerySessions;
import io.maskimpact.query.ResultFormat;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code query}: run Spark SQL over a run's tables, with the mask-impact functions registered. */
@Command(name = "query", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run Spark SQL statements over a finished run. The run's tables are the views impact, pairs, "
                + "steps and errors (Parquet or Delta), plus layer_summary, token_clusters and cluster_profiles after "
                + "'analyze'; parquet.`/any/path` works too. The functions mi_normalize, mi_top_tokens, mi_token_class "
                + "and mi_patch_box are registered (docs/QUERY.md).",
                "",
                "Example: query --out output/demo --sql \"SELECT layer, avg(l2_distance) FROM impact "
                        + "WHERE variant = 'Full' GROUP BY layer ORDER BY layer\"", ""},
        footer = QueryCommand.FOOTER)
public class QueryCommand implements Callable<Integer> {

    /** The exit codes of {@code query} (values from {@link ExitCodes}). */
    static final String FOOTER = "%nExit codes:%n"
            + "  0  done%n"
            + "  1  internal error (a bug or an I/O failure; see the log)%n"
            + "  2  usage error: unknown option or invalid value, or a statement that does not parse or run%n"
            + "  3  the --out folder is not a run (no impact/ table)%n";

    @Spec
    CommandSpec spec;

    @Option(names = "--out", paramLabel = "DIR", required = true,
            description = "The run folder (the --out of 'run' or 'demo'; a path or a Hadoop URI).")
    String out;

    /** Where the SQL comes from: exactly one of the two. */
    static final class Source {
        @Option(names = "--sql", paramLabel = "SQL", required = true,
                description = "SQL statements, separated by ';'.")
        String sql;

        @Option(names = "--file", paramLabel = "FILE", required = true,
                description = "A file of SQL statements, separated by ';' (e.g. notebooks/*.sql).")
        Path file;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "table",
            description = "How results are printed: table, csv or json (JSON Lines). Default: ${DEFAULT-VALUE}.")
    String output;

    @Option(names = "--max-rows", paramLabel = "N", defaultValue = "1000",
            description = "The most rows printed per result; 0 prints all. Default: ${DEFAULT-VALUE}.")
    int maxRows;

    @Option(names = "--save", paramLabel = "DIR",
            description = "Write the last statement's whole result to DIR (a Spark folder: CSV with a header for "
                    + "--output csv, JSON Lines for json, ZSTD Parquet for table) instead of printing it. DIR must not exist.")
    String save;

    @Option(names = "--version-as-of", paramLabel = "V",
            description = "For a Delta run: read table version V (time travel). Default: the latest.")
    Long versionAsOf;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master, e.g. local[4] or spark://host:7077. Default: Spark's own setting, else local[*].")
    String master;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        ResultFormat format;
        try {
            format = ResultFormat.valueOf(output.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return usage(err, "Invalid value for --output: " + output + " (expected table, csv or json)");
        }
        String sql;
        try {
            sql = source.sql != null ? source.sql : Files.readString(source.file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return usage(err, "Cannot read --file " + source.file + ": " + e.getMessage());
        }
        List<String> statements = QueryRunner.statements(sql);
        boolean owned = !QuerySessions.exists();
        SparkSession spark = null;
        try {
            spark = QuerySessions.getOrCreate(master, "mask-impact query");
            new QueryRunner(spark, new QueryRunner.Request(out, statements, format, maxRows, save, versionAsOf))
                    .run(spec.commandLine().getOut(), err);
            return ExitCodes.OK;
        } catch (QueryException e) {
            return failed(err, e);
        } finally {
            if (owned && spark != null) {
                spark.stop();
            }
        }
    }

    /** Prints a query failure's one-line message and returns its exit code. */
    static int failed(PrintWriter err, QueryException e) {
        err.println(e.getMessage());
        err.flush();
        return e.kind() == QueryException.Kind.NOT_A_RUN ? ExitCodes.CANNOT_START : ExitCodes.USAGE;
    }

    private static int usage(PrintWriter err, String message) {
        JobLauncher.usage(err, "query", message);
        return ExitCodes.USAGE;
    }
}
