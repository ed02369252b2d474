package io.maskimpact.cli;

import io.maskimpact.run.RunReport;
import io.maskimpact.schema.OutputSchema;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * What to do with a finished run, printed after the summary of {@code run} and {@code demo}:
 * view it, query it (one statement or the {@code sql} shell), get CSV, and read its errors.
 */
final class NextSteps {
    private static final String EXAMPLE_SQL = "SELECT layer, variant, avg(l2_distance) AS mean_l2 FROM impact "
            + "GROUP BY layer, variant ORDER BY layer, variant";

    private NextSteps() {
    }

    /**
     * @param report the run's summary
     * @param csv whether the run exported CSV files
     * @return the lines, starting with a blank one
     */
    static List<String> lines(RunReport report, boolean csv) {
        String dir = displayPath(report.out());
        String out = "--out " + shellWord(dir);
        boolean local = !dir.contains("://");
        List<String> l = new ArrayList<>();
        l.add("");
        l.add("Next steps:");
        if (local) {
            l.add("  view:   ./submit.sh serve " + out + "   then open http://127.0.0.1:" + ServeCommand.DEFAULT_PORT + "/viewer/");
            l.add("          (or open viewer/app/index.html from disk and choose the folder " + dir + ")");
        } else {
            l.add("  view:   copy the folder to this machine, then ./submit.sh serve --out <copy>");
        }
        l.add("  query:  ./submit.sh query " + out + " --sql \"" + EXAMPLE_SQL + "\"");
        l.add("  shell:  ./submit.sh sql " + out + "   (one Spark start, then any number of queries; \\help)");
        l.add(csv ? "  csv:    " + dir + "/" + OutputSchema.CSV_DIR + "/ (one file per table, e.g. impact.csv)"
                : "  csv:    ./submit.sh query " + out + " --output csv --max-rows 0 --sql \"SELECT * FROM pairs\" > pairs.csv"
                        + "   (or run with --csv)");
        long errors = report.table(OutputSchema.ERRORS).rows();
        if (errors > 0) {
            l.add("  errors: " + errors + " rejected input(s), one row each (stage = where it failed, message = why): "
                    + "./submit.sh query " + out + " --sql \"SELECT pair_id, stage, message FROM errors\"");
        }
        l.add("  files:  plain Parquet, also readable by DuckDB (read_parquet('" + dir
                + "/impact/*/*.parquet', hive_partitioning = true)), pyarrow and pandas");
        return l;
    }

    /** @return a local path for {@code file:} URIs, else the URI as given */
    private static String displayPath(String out) {
        return out.startsWith("file:") ? URI.create(out).getPath() : out;
    }

    /** @return the word quoted for a POSIX shell when it holds anything but safe characters */
    private static String shellWord(String word) {
        return word.matches("[A-Za-z0-9_./:@%+=,-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
    }
}
