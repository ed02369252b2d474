package io.maskimpact.run;

import io.maskimpact.schema.OutputSchema;
import io.maskimpact.output.ParquetFooters;
import io.maskimpact.output.TableFacts;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The closing summary of a run: what this invocation did and what the folder now holds.
 *
 * @param runId the run
 * @param out the output folder
 * @param model the model's description
 * @param pairsOk pairs analysed by this invocation
 * @param pairsFailed pairs that failed in this invocation (an {@code errors} row each)
 * @param rejectedRows manifest rows rejected before analysis by this invocation
 * @param skipped pairs skipped because the run had already completed them (resume)
 * @param runPairsOk pairs the run has analysed over all its invocations
 * @param impactRows impact rows written by this invocation
 * @param tables the tables' current files
 * @param wallSeconds this invocation's wall time
 * @param warnings things the user should know (e.g. a ZSTD level that could not be applied)
 */
public record RunReport(String runId, String out, String model, long pairsOk, long pairsFailed, long rejectedRows,
                        long skipped, long runPairsOk, long impactRows, List<TableFacts> tables, double wallSeconds,
                        List<String> warnings) {

    /** @return whether every data file's column chunks are ZSTD, according to the footers */
    public boolean allZstd() {
        return tables.stream().allMatch(t -> t.nonZstdFiles().isEmpty());
    }

    /**
     * @param name a table
     * @return its facts
     */
    public TableFacts table(String name) {
        return tables.stream().filter(t -> t.table().equals(name)).findFirst().orElseThrow();
    }

    /** @return the summary, one line each */
    public List<String> lines() {
        List<String> l = new ArrayList<>();
        l.add("mask-impact run " + runId + " finished in " + duration(wallSeconds) + " (model " + model + ")");
        l.add(String.format(Locale.ROOT, "  pairs: %d ok, %d failed, %d manifest rows rejected%s", pairsOk, pairsFailed,
                rejectedRows, skipped > 0 ? ", " + skipped + " already done (resumed)" : ""));
        TableFacts impact = table(OutputSchema.IMPACT);
        long files = tables.stream().mapToLong(t -> t.files().size()).sum();
        long bytes = tables.stream().mapToLong(TableFacts::bytes).sum();
        l.add(String.format(Locale.ROOT, "  impact rows: %,d written now; table holds %,d rows in %s (%.2f bytes/row)",
                impactRows, impact.rows(), size(impact.bytes()),
                impact.rows() == 0 ? 0.0 : (double) impact.bytes() / impact.rows()));
        long effects = table(OutputSchema.EFFECTS).rows();
        l.add(String.format(Locale.ROOT, "  on disk: %s in %d data files (pairs %,d rows, steps %,d, errors %,d%s)",
                size(bytes), files, table(OutputSchema.PAIRS).rows(), table(OutputSchema.STEPS).rows(),
                table(OutputSchema.ERRORS).rows(), effects > 0 ? String.format(Locale.ROOT, ", effects %,d", effects) : ""));
        List<ParquetFooters.Facts> bad = tables.stream().flatMap(t -> t.nonZstdFiles().stream()).toList();
        l.add(bad.isEmpty()
                ? "  codec: ZSTD in every column chunk of all " + files + " files (read from the Parquet footers)"
                : "  codec: WARNING " + bad.size() + " files are not ZSTD, e.g. " + bad.get(0).path() + " "
                        + bad.get(0).codecs());
        if (pairsFailed + rejectedRows > 0) {
            l.add("  errors: " + (pairsFailed + rejectedRows) + " rejected now (one row each in " + out + "/"
                    + OutputSchema.ERRORS + ")");
        }
        warnings.forEach(w -> l.add("  warning: " + w));
        l.add("  output: " + out + " (tables " + String.join(", ", OutputSchema.TABLES.stream().map(t -> t + "/").toList())
                + "; metadata " + OutputSchema.MANIFEST_FILE + ")");
        return l;
    }

    /**
     * @param seconds a duration
     * @return it as {@code 1h02m}, {@code 3m05s} or {@code 4.2s}
     */
    public static String duration(double seconds) {
        if (seconds < 60) {
            return String.format(Locale.ROOT, "%.1fs", seconds);
        }
        long s = Math.round(seconds);
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
    }

    /**
     * @param bytes a size
     * @return it in B, KB, MB or GB (powers of 1000)
     */
    public static String size(long bytes) {
        if (bytes < 1000) {
            return bytes + " B";
        }
        String[] units = {"KB", "MB", "GB", "TB"};
        double v = bytes;
        int u = -1;
        while (v >= 1000 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
