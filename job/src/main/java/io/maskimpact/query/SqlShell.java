package io.maskimpact.query;

import io.maskimpact.input.InputErrors;
import io.maskimpact.udfs.MaskImpactFunctions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.reader.impl.completer.StringsCompleter;
import org.jline.terminal.Terminal;

/**
 * An interactive Spark SQL prompt over one run: the engine of the {@code sql} command.
 *
 * <p>The session and the run's views are opened once; then statements run one after another. A
 * statement ends at a semicolon outside quotes and comments, so it may span lines (the prompt
 * changes to {@value #CONTINUATION}); at the end of the input an unfinished statement runs as it
 * is. Results print as {@code query} prints them. Lines starting with a backslash, between
 * statements, are commands: {@code \tables}, {@code \schema NAME}, {@code \save FILE},
 * {@code \help}, {@code \quit}. A failing statement prints one line and the prompt comes back.
 * Line editing, history (kept in a file between sessions) and completion of view, column and
 * function names come from JLine; on a dumb terminal (input from a pipe or a test) the same loop
 * reads plain lines. Ctrl-C cancels a running statement (its Spark job group) or, at the prompt,
 * drops the lines typed so far; Ctrl-D ends.
 *
 * <pre>
 * try (Terminal terminal = TerminalBuilder.terminal()) {
 *     new SqlShell(spark, new SqlShell.Options("output/demo", ResultFormat.TABLE, 1000, null, history)).run(terminal);
 * }
 * </pre>
 */
public final class SqlShell {
    /** The prompt before a new statement. */
    static final String PROMPT = "sql> ";
    /** The prompt while a statement goes on over several lines. */
    static final String CONTINUATION = "  -> ";
    private static final List<String> KEYWORDS = List.of("SELECT", "FROM", "WHERE", "GROUP", "BY", "ORDER", "HAVING",
            "LIMIT", "JOIN", "LEFT", "ON", "AS", "AND", "OR", "NOT", "IN", "IS", "NULL", "DISTINCT", "COUNT", "AVG",
            "SUM", "MIN", "MAX", "DESC", "ASC", "CASE", "WHEN", "THEN", "ELSE", "END", "WITH", "DESCRIBE", "SHOW");
    private static final StructType TABLES_SCHEMA = new StructType()
            .add("view", DataTypes.StringType, false)
            .add("columns", DataTypes.IntegerType, false)
            .add("column_names", DataTypes.StringType, false);

    /**
     * How the shell runs.
     *
     * @param out the run folder
     * @param format how results print
     * @param maxRows the most rows printed per result; 0 for all
     * @param deltaVersion the Delta table version to read; null for the latest
     * @param historyFile where the history of statements is kept between sessions; null for none
     */
    public record Options(String out, ResultFormat format, int maxRows, Long deltaVersion, Path historyFile) {
    }

    private final SparkSession spark;
    private final Options options;
    private final ResultPrinter printer;
    private Dataset<Row> last;
    private int statements;

    /**
     * @param spark the session
     * @param options how to run
     */
    public SqlShell(SparkSession spark, Options options) {
        this.spark = spark;
        this.options = options;
        this.printer = new ResultPrinter(options.format(), options.maxRows());
    }

    /**
     * Opens the run and reads statements from the terminal until {@code \quit} or the end of input.
     *
     * @param terminal where lines come from and results go
     * @return the number of statements run (failed ones included)
     * @throws QueryException when the folder is not a run or the options are invalid
     */
    public int run(Terminal terminal) throws QueryException {
        if (options.maxRows() < 0) {
            throw QueryException.badOption("--max-rows", options.maxRows(), "must be 0 (all rows) or more");
        }
        RunTables tables = QueryRunner.openViews(spark, options.out(), options.deltaVersion());
        PrintWriter w = terminal.writer();
        tables.notes().forEach(w::println);
        w.println("Run " + options.out() + ": views " + String.join(", ", tables.tables().keySet())
                + ". End statements with ';'. \\help lists the commands.");
        w.flush();
        LineReader reader = reader(terminal, tables);
        Terminal.SignalHandler previous = terminal.handle(Terminal.Signal.INT,
                s -> spark.sparkContext().cancelJobGroup(QueryRunner.JOB_GROUP));
        try {
            loop(reader, tables, w);
        } finally {
            terminal.handle(Terminal.Signal.INT, previous);
            saveHistory(reader, w);
        }
        return statements;
    }

    private void loop(LineReader reader, RunTables tables, PrintWriter w) {
        StringBuilder pending = new StringBuilder();
        while (true) {
            String line;
            try {
                line = reader.readLine(pending.isEmpty() ? PROMPT : CONTINUATION);
            } catch (UserInterruptException e) {
                pending.setLength(0);
                continue;
            } catch (EndOfFileException e) {
                if (!pending.isEmpty()) {
                    execute(pending.toString().strip(), w);
                }
                return;
            }
            if (pending.isEmpty() && line.strip().startsWith("\\")) {
                if (!command(line.strip(), tables, w)) {
                    return;
                }
                continue;
            }
            pending.append(line).append('\n');
            SqlScript.Scan scan = SqlScript.scan(pending.toString());
            scan.statements().forEach(statement -> execute(statement, w));
            pending.setLength(0);
            if (!scan.rest().isEmpty()) {
                pending.append(scan.rest()).append('\n');
            }
        }
    }

    /** Runs one statement and prints its result, or the one line saying why it failed. */
    private void execute(String statement, PrintWriter w) {
        statements++;
        try {
            QueryRunner.runStatement(spark, statement, 1, 1, result -> {
                if (result.columns().length == 0) {
                    return;
                }
                last = result;
                if (printer.print(result, w)) {
                    w.println("(showing the first " + options.maxRows() + " rows; \\save FILE writes all)");
                }
            });
        } catch (QueryException e) {
            w.println(e.getMessage());
        }
        w.flush();
    }

    /** @return false when the shell should end */
    private boolean command(String line, RunTables tables, PrintWriter w) {
        String[] words = line.split("\\s+", 2);
        String argument = words.length > 1 ? words[1].strip() : "";
        switch (words[0].toLowerCase(Locale.ROOT)) {
            case "\\q", "\\quit", "\\exit" -> {
                return false;
            }
            case "\\help", "\\?" -> help(w);
            case "\\tables" -> printer.print(viewList(tables), w);
            case "\\schema" -> {
                if (argument.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                    execute("DESCRIBE " + argument, w);
                } else {
                    w.println("Usage: \\schema NAME (one of " + String.join(", ", tables.tables().keySet()) + ")");
                }
            }
            case "\\save" -> save(argument, w);
            default -> w.println("Unknown command " + words[0] + " (\\help lists the commands)");
        }
        w.flush();
        return true;
    }

    private static void help(PrintWriter w) {
        w.println("Statements end with ';' and may span lines. Commands:");
        w.println("  \\tables         the run's views and their columns");
        w.println("  \\schema NAME    the columns and types of a view (DESCRIBE NAME)");
        w.println("  \\save FILE      the last result, every row, as CSV (.csv) or JSON Lines (.json, .jsonl)");
        w.println("  \\help           this list");
        w.println("  \\quit           leave (or Ctrl-D); Ctrl-C cancels a running statement");
        w.println("Functions: " + MaskImpactFunctions.NORMALIZE + ", " + MaskImpactFunctions.TOP_TOKENS + ", "
                + MaskImpactFunctions.TOKEN_CLASS + ", " + MaskImpactFunctions.PATCH_BOX + " (docs/QUERY.md)");
    }

    private Dataset<Row> viewList(RunTables tables) {
        List<Row> rows = new ArrayList<>();
        tables.tables().forEach((name, df) -> rows.add(RowFactory.create(name, df.columns().length,
                String.join(", ", df.columns()))));
        return spark.createDataFrame(rows, TABLES_SCHEMA);
    }

    /** Writes every row of the last result to a local file, in the format its extension names. */
    private void save(String file, PrintWriter w) {
        if (last == null) {
            w.println("Cannot save: no result yet (run a query first)");
            return;
        }
        String name = file.toLowerCase(Locale.ROOT);
        ResultFormat format = name.endsWith(".csv") ? ResultFormat.CSV
                : name.endsWith(".json") || name.endsWith(".jsonl") ? ResultFormat.JSON : null;
        if (format == null) {
            w.println("Cannot save to '" + file + "': name a .csv, .json or .jsonl file");
            return;
        }
        Path path = Path.of(file);
        spark.sparkContext().setJobGroup(QueryRunner.JOB_GROUP, "save the last result to " + file, true);
        try (PrintWriter f = new PrintWriter(Files.newBufferedWriter(path, StandardCharsets.UTF_8))) {
            new ResultPrinter(format, 0).print(last, f);
            if (f.checkError()) {
                throw new IOException("write failed");
            }
            w.println("Saved the last result to " + path.toAbsolutePath());
        } catch (Exception e) {
            // Spark's actions throw checked exceptions undeclared
            w.println("Cannot save to " + file + ": " + InputErrors.oneLine(e));
        } finally {
            spark.sparkContext().clearJobGroup();
        }
    }

    private LineReader reader(Terminal terminal, RunTables tables) {
        TreeSet<String> words = new TreeSet<>(KEYWORDS);
        for (Map.Entry<String, Dataset<Row>> t : tables.tables().entrySet()) {
            words.add(t.getKey());
            words.addAll(List.of(t.getValue().columns()));
        }
        words.addAll(List.of(MaskImpactFunctions.NORMALIZE, MaskImpactFunctions.TOP_TOKENS,
                MaskImpactFunctions.TOKEN_CLASS, MaskImpactFunctions.PATCH_BOX));
        // backslashes and quotes are SQL's, not escapes to JLine; '!' is not a history event (a != b)
        DefaultParser parser = new DefaultParser().escapeChars(null).eofOnUnclosedQuote(false).eofOnEscapedNewLine(false);
        LineReaderBuilder builder = LineReaderBuilder.builder().terminal(terminal).appName("mask-impact-sql")
                .parser(parser).completer(new StringsCompleter(words))
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true);
        if (options.historyFile() != null) {
            builder.variable(LineReader.HISTORY_FILE, options.historyFile());
        }
        return builder.build();
    }

    private static void saveHistory(LineReader reader, PrintWriter w) {
        try {
            reader.getHistory().save();
        } catch (IOException e) {
            w.println("Note: the history could not be saved (" + e.getMessage() + ")");
            w.flush();
        }
    }
}
