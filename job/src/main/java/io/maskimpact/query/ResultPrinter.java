package io.maskimpact.query;

import static org.apache.spark.sql.functions.col;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Prints a query result as a table, CSV or JSON Lines.
 *
 * <p>Values are rendered by Spark itself: every column is cast to string ({@code table},
 * {@code csv}; structs print as {@code {a, b}} and arrays as {@code [a, b]}, as in the spark-sql
 * shell) or serialised by {@code toJSON} ({@code json}). Rows are streamed to the driver one
 * partition at a time, so printing a large CSV or JSON result with no row limit needs no more
 * driver memory than one partition; the table format holds the rows it prints, to align the
 * columns. Token text is untrusted: in the table format, control characters (line
 * breaks, terminal escape sequences) are shown escaped, never written raw to the terminal.
 */
final class ResultPrinter {

    private static final int MAX_CELL = 80;

    private final ResultFormat format;
    private final int maxRows;

    /**
     * @param format how to print
     * @param maxRows the most rows printed per result; 0 for all
     */
    ResultPrinter(ResultFormat format, int maxRows) {
        this.format = format;
        this.maxRows = maxRows;
    }

    /**
     * Prints a result.
     *
     * @param result the result
     * @param out where the rows go
     * @return whether rows were left out because of the row limit
     */
    boolean print(Dataset<Row> result, PrintWriter out) {
        Dataset<Row> limited = maxRows > 0 ? result.limit(maxRows + 1) : result;
        boolean truncated;
        if (format == ResultFormat.JSON) {
            truncated = printLines(limited.toJSON().toLocalIterator(), out);
        } else {
            String[] names = result.columns();
            Iterator<Row> rows = asStrings(limited).toLocalIterator();
            truncated = format == ResultFormat.CSV ? printCsv(names, rows, out) : printTable(names, rows, out);
        }
        out.flush();
        return truncated;
    }

    private static Dataset<Row> asStrings(Dataset<Row> result) {
        // Rename positionally first: a result may have two columns of the same name.
        String[] names = result.columns();
        String[] positional = new String[names.length];
        for (int i = 0; i < names.length; i++) {
            positional[i] = "c" + i;
        }
        Dataset<Row> renamed = result.toDF(positional);
        Column[] cells = new Column[names.length];
        for (int i = 0; i < names.length; i++) {
            cells[i] = col(positional[i]).cast(DataTypes.StringType);
        }
        return renamed.select(cells);
    }

    private boolean printLines(Iterator<String> lines, PrintWriter out) {
        int n = 0;
        while (lines.hasNext()) {
            String line = lines.next();
            if (maxRows > 0 && n == maxRows) {
                return true;
            }
            out.println(line);
            n++;
        }
        return false;
    }

    private boolean printCsv(String[] names, Iterator<Row> rows, PrintWriter out) {
        out.println(csvLine(names));
        int n = 0;
        while (rows.hasNext()) {
            Row row = rows.next();
            if (maxRows > 0 && n == maxRows) {
                return true;
            }
            String[] cells = new String[names.length];
            for (int i = 0; i < cells.length; i++) {
                cells[i] = row.getString(i);
            }
            out.println(csvLine(cells));
            n++;
        }
        return false;
    }

    private boolean printTable(String[] names, Iterator<Row> rows, PrintWriter out) {
        List<String[]> cells = new ArrayList<>();
        boolean truncated = false;
        while (rows.hasNext()) {
            Row row = rows.next();
            if (maxRows > 0 && cells.size() == maxRows) {
                truncated = true;
                break;
            }
            String[] line = new String[names.length];
            for (int i = 0; i < line.length; i++) {
                line[i] = row.isNullAt(i) ? "NULL" : displayText(row.getString(i));
            }
            cells.add(line);
        }
        int[] widths = new int[names.length];
        String[] header = new String[names.length];
        for (int i = 0; i < names.length; i++) {
            header[i] = displayText(names[i]);
            widths[i] = header[i].length();
            for (String[] line : cells) {
                widths[i] = Math.max(widths[i], line[i].length());
            }
        }
        String rule = rule(widths);
        out.println(rule);
        out.println(tableLine(header, widths));
        out.println(rule);
        for (String[] line : cells) {
            out.println(tableLine(line, widths));
        }
        out.println(rule);
        out.println(cells.size() + (cells.size() == 1 ? " row" : " rows") + (truncated ? " (more not shown)" : ""));
        return truncated;
    }

    /**
     * @param value a cell's text
     * @return the text safe for a terminal, on one line, at most {@value #MAX_CELL} characters
     */
    static String displayText(String value) {
        StringBuilder b = new StringBuilder(Math.min(value.length(), MAX_CELL + 8));
        for (int i = 0; i < value.length() && b.length() <= MAX_CELL; i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT
                            || Character.isSurrogate(c) && !validSurrogate(value, i)) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        if (b.length() > MAX_CELL) {
            b.setLength(MAX_CELL - 3);
            b.append("...");
        }
        return b.toString();
    }

    private static boolean validSurrogate(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }

    private static String csvLine(String[] cells) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                b.append(',');
            }
            String v = cells[i];
            if (v == null) {
                continue;
            }
            if (v.isEmpty() || v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\n') >= 0
                    || v.indexOf('\r') >= 0 || !v.equals(v.strip())) {
                b.append('"').append(v.replace("\"", "\"\"")).append('"');
            } else {
                b.append(v);
            }
        }
        return b.toString();
    }

    private static String rule(int[] widths) {
        StringBuilder b = new StringBuilder("+");
        for (int w : widths) {
            b.append("-".repeat(w + 2)).append('+');
        }
        return b.toString();
    }

    private static String tableLine(String[] cells, int[] widths) {
        StringBuilder b = new StringBuilder("|");
        for (int i = 0; i < cells.length; i++) {
            b.append(' ').append(cells[i]).append(" ".repeat(widths[i] - cells[i].length())).append(" |");
        }
        return b.toString();
    }
}
