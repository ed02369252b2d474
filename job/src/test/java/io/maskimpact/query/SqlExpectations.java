package io.maskimpact.query;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The sanity checks a notebook {@code .sql} file declares in its comments, one per line, and their
 * evaluation on the rows the statement returned.
 *
 * <pre>
 * -- expect: rows &gt;= N                 (also &lt;=, =)
 * -- expect: COLUMN between A and B      every value present and within [A, B]
 * -- expect: COLUMN &gt;= A                 every value present and at least A
 * -- expect: COLUMN not null             every row has a value
 * -- expect: COLUMN sums to 1 per C1[, C2...]   within 1e-6, for every group of those columns
 * </pre>
 * An unknown form is an error, so a typo cannot pass silently.
 */
final class SqlExpectations {

    private static final Pattern LINE = Pattern.compile("^--\\s*expect:\\s*(.+?)\\s*$", Pattern.MULTILINE);
    private static final Pattern ROWS = Pattern.compile("rows\\s*(>=|<=|=)\\s*(\\d+)");
    private static final Pattern BETWEEN = Pattern.compile("(\\w+) between (-?[\\d.]+) and (-?[\\d.]+)");
    private static final Pattern AT_LEAST = Pattern.compile("(\\w+) >= (-?[\\d.]+)");
    private static final Pattern NOT_NULL = Pattern.compile("(\\w+) not null");
    private static final Pattern SUMS_TO_ONE = Pattern.compile("(\\w+) sums to 1 per ([\\w, ]+)");

    private SqlExpectations() {
    }

    /** @return the expectation lines of a .sql file's text */
    static List<String> of(String sql) {
        List<String> out = new ArrayList<>();
        Matcher m = LINE.matcher(sql);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /**
     * @param expectation one expectation
     * @param rows the result rows (JSON objects; null fields absent)
     * @return the violations, empty when the expectation holds
     */
    static List<String> check(String expectation, List<JsonNode> rows) {
        List<String> problems = new ArrayList<>();
        Matcher m;
        if ((m = ROWS.matcher(expectation)).matches()) {
            long n = Long.parseLong(m.group(2));
            boolean ok = switch (m.group(1)) {
                case ">=" -> rows.size() >= n;
                case "<=" -> rows.size() <= n;
                default -> rows.size() == n;
            };
            if (!ok) {
                problems.add("expected rows " + m.group(1) + " " + n + ", got " + rows.size());
            }
        } else if ((m = BETWEEN.matcher(expectation)).matches()) {
            double lo = Double.parseDouble(m.group(2));
            double hi = Double.parseDouble(m.group(3));
            eachValue(rows, m.group(1), problems, v -> v >= lo - 1e-9 && v <= hi + 1e-9, "within [" + lo + ", " + hi + "]");
        } else if ((m = AT_LEAST.matcher(expectation)).matches()) {
            double lo = Double.parseDouble(m.group(2));
            eachValue(rows, m.group(1), problems, v -> v >= lo - 1e-9, ">= " + lo);
        } else if ((m = NOT_NULL.matcher(expectation)).matches()) {
            for (int i = 0; i < rows.size(); i++) {
                if (!rows.get(i).hasNonNull(m.group(1))) {
                    problems.add("row " + i + ": " + m.group(1) + " is null");
                }
            }
        } else if ((m = SUMS_TO_ONE.matcher(expectation)).matches()) {
            String column = m.group(1);
            String[] groupBy = m.group(2).split("\\s*,\\s*");
            Map<String, Double> sums = new LinkedHashMap<>();
            for (JsonNode row : rows) {
                StringBuilder key = new StringBuilder();
                for (String g : groupBy) {
                    key.append(g).append('=').append(row.path(g).asText("null")).append(' ');
                }
                sums.merge(key.toString().strip(), row.path(column).asDouble(0), Double::sum);
            }
            sums.forEach((group, sum) -> {
                if (Math.abs(sum - 1) > 1e-6) {
                    problems.add(column + " sums to " + sum + " for " + group);
                }
            });
        } else {
            problems.add("unknown expectation '" + expectation + "'");
        }
        return problems;
    }

    private interface Check {
        boolean ok(double v);
    }

    private static void eachValue(List<JsonNode> rows, String column, List<String> problems, Check check, String rule) {
        for (int i = 0; i < rows.size() && problems.size() < 5; i++) {
            JsonNode v = rows.get(i).get(column);
            if (v == null || v.isNull()) {
                problems.add("row " + i + ": " + column + " is null (expected " + rule + ")");
            } else if (!v.isNumber() || !check.ok(v.asDouble())) {
                problems.add("row " + i + ": " + column + " = " + v + " (expected " + rule + ")");
            }
        }
    }
}
