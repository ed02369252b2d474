package io.maskimpact.query;

import io.maskimpact.udfs.MaskImpactFunctions;
import java.io.PrintWriter;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Runs SQL statements against a run folder: the engine of the {@code query} command.
 *
 * <p>Steps: register the mask-impact functions in the session; open the run's tables as the views
 * {@code impact}, {@code pairs}, {@code steps}, {@code errors} (and the {@code analyze} tables);
 * run the statements in order, printing each result that has columns, or saving the last one.
 * Statements may also read any files directly ({@code SELECT * FROM parquet.`/path`}). Cost: what
 * the statements cost; printing pulls at most {@code maxRows + 1} rows (or every row, streamed,
 * with no limit) to the driver.
 *
 * <pre>
 * new QueryRunner(spark, new QueryRunner.Request("output/demo",
 *         List.of("SELECT layer, avg(l2_distance) FROM impact GROUP BY layer"),
 *         ResultFormat.TABLE, 100, null, null)).run(out, err);
 * </pre>
 */
public final class QueryRunner {

    /**
     * What to run.
     *
     * @param out the run folder
     * @param statements SQL statements, in order (see {@link #statements(String)})
     * @param format how to print results
     * @param maxRows the most rows printed per result; 0 for all
     * @param saveDir where to write the last statement's whole result instead of printing it; null to print
     * @param deltaVersion the Delta table version to read; null for the latest (ignored for Parquet runs)
     */
    public record Request(String out, List<String> statements, ResultFormat format, int maxRows, String saveDir,
                          Long deltaVersion) {
    }

    /** The job group of every statement, which {@code sql}'s Ctrl-C cancels. */
    static final String JOB_GROUP = "mask-impact-query";

    private final SparkSession spark;
    private final Request request;

    /**
     * @param spark the session (the functions are registered in it)
     * @param request what to run
     */
    public QueryRunner(SparkSession spark, Request request) {
        this.spark = spark;
        this.request = request;
    }

    /**
     * Splits SQL text into statements.
     *
     * @param sql one or more statements separated by semicolons
     * @return the statements (quotes and comments respected)
     */
    public static List<String> statements(String sql) {
        return SqlScript.split(sql);
    }

    /**
     * Runs the statements.
     *
     * @param out where results go
     * @param err where notes go (an unfinished run, rows not shown)
     * @return the number of statements run
     * @throws QueryException when the folder is not a run, a statement fails, or the result cannot be saved
     */
    public int run(PrintWriter out, PrintWriter err) throws QueryException {
        if (request.maxRows() < 0) {
            throw QueryException.badOption("--max-rows", request.maxRows(), "must be 0 (all rows) or more");
        }
        List<String> statements = request.statements();
        if (statements.isEmpty()) {
            throw QueryException.badOption("--sql/--file", "(empty)", "no SQL statement found");
        }
        // 1. functions and views
        RunTables tables = openViews(spark, request.out(), request.deltaVersion());
        tables.notes().forEach(err::println);
        err.flush();
        // 2. statements, in order
        ResultPrinter printer = new ResultPrinter(request.format(), request.maxRows());
        boolean[] printedBefore = {false};
        for (int i = 0; i < statements.size(); i++) {
            int index = i + 1;
            boolean last = index == statements.size();
            runStatement(spark, statements.get(i), index, statements.size(), result -> {
                if (last && request.saveDir() != null) {
                    save(result);
                    err.println("Saved the result of statement " + index + " to " + request.saveDir()
                            + " (" + request.format().saveSource() + ")");
                } else if (result.columns().length > 0) {
                    if (printedBefore[0] && request.format() == ResultFormat.TABLE) {
                        out.println();
                    }
                    if (printer.print(result, out)) {
                        err.println("Statement " + index + ": showing the first " + request.maxRows()
                                + " rows (--max-rows 0 prints all; --save DIR writes all)");
                    }
                    printedBefore[0] = true;
                }
            });
        }
        out.flush();
        err.flush();
        return statements.size();
    }

    /** What is done with a statement's result while its job group is set. */
    @FunctionalInterface
    interface ResultHandler {
        /**
         * @param result the statement's result (lazy: actions run here)
         * @throws QueryException when the result cannot be used (e.g. saved)
         */
        void accept(Dataset<Row> result) throws QueryException;
    }

    /**
     * Registers the mask-impact functions and opens a run's tables as views.
     *
     * @param spark the session
     * @param out the run folder
     * @param deltaVersion the Delta version to read, or null for the latest
     * @return the tables, with notes for the user
     * @throws QueryException when the folder is not a run
     */
    static RunTables openViews(SparkSession spark, String out, Long deltaVersion) throws QueryException {
        MaskImpactFunctions.register(spark);
        return RunTables.open(spark, out, deltaVersion).registerViews();
    }

    /**
     * Runs one statement in the query job group (cancelling the group interrupts its tasks) and
     * hands its result on; any failure, at parse time or while the result is used, becomes one line.
     *
     * @param spark the session
     * @param statement the statement
     * @param index its number, from 1
     * @param count the number of statements (1 at a prompt)
     * @param handler what to do with the result
     * @throws QueryException when the statement fails
     */
    static void runStatement(SparkSession spark, String statement, int index, int count, ResultHandler handler)
            throws QueryException {
        spark.sparkContext().setJobGroup(JOB_GROUP, "query " + index + "/" + count + ": " + oneLine(statement), true);
        try {
            handler.accept(spark.sql(statement));
        } catch (QueryException e) {
            throw e;
        } catch (Exception e) {
            // Spark's Scala API throws checked exceptions (AnalysisException, SparkException) undeclared.
            throw QueryException.badStatement(index, count, statement, e);
        } finally {
            spark.sparkContext().clearJobGroup();
        }
    }

    private void save(Dataset<Row> result) throws QueryException {
        try {
            result.write().format(request.format().saveSource()).option("header", "true")
                    .option("compression", request.format() == ResultFormat.TABLE ? "zstd" : "none")
                    .save(request.saveDir());
        } catch (Exception e) {
            // DataFrameWriter.save throws Spark's checked exceptions undeclared.
            throw QueryException.cannotSave(request.saveDir(), e);
        }
    }

    private static String oneLine(String s) {
        String line = s.replaceAll("\\s+", " ");
        return line.length() <= 100 ? line : line.substring(0, 97) + "...";
    }
}
