package io.maskimpact.query;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits SQL text into statements at the semicolons that end them.
 *
 * <p>Semicolons inside quotes ({@code '...'}, {@code "..."}, {@code `...`}, with backslash
 * escapes as Spark SQL reads them), line comments ({@code -- ...}) and block comments
 * ({@code /* ... *}{@code /}) do not split. Statements are returned trimmed; empty ones (and ones
 * made only of comments) are dropped.
 */
final class SqlScript {

    /**
     * Text cut at its last statement-ending semicolon.
     *
     * @param statements the statements that a semicolon ended, in order
     * @param rest the text after the last of them, when it holds more than comments and blanks
     *     (an unfinished statement, maybe inside an open quote); else empty
     */
    record Scan(List<String> statements, String rest) {
    }

    private SqlScript() {
    }

    /**
     * @param text SQL text with one or more statements
     * @return the statements, in order; the last one needs no semicolon
     */
    static List<String> split(String text) {
        Scan scan = scan(text);
        List<String> statements = new ArrayList<>(scan.statements());
        if (!scan.rest().isEmpty()) {
            statements.add(scan.rest());
        }
        return statements;
    }

    /**
     * @param text SQL text, e.g. the lines typed so far at a prompt
     * @return the statements ended by a semicolon, and what follows the last one
     */
    static Scan scan(String text) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean onlyComments = true;
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c == '-' && i + 1 < n && text.charAt(i + 1) == '-') {
                int end = text.indexOf('\n', i);
                end = end < 0 ? n : end;
                current.append(text, i, end);
                i = end;
            } else if (c == '/' && i + 1 < n && text.charAt(i + 1) == '*') {
                int end = text.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
                current.append(text, i, end);
                i = end;
            } else if (c == '\'' || c == '"' || c == '`') {
                int end = closingQuote(text, i);
                current.append(text, i, end);
                onlyComments = false;
                i = end;
            } else if (c == ';') {
                add(statements, current, onlyComments);
                current.setLength(0);
                onlyComments = true;
                i++;
            } else {
                if (!Character.isWhitespace(c)) {
                    onlyComments = false;
                }
                current.append(c);
                i++;
            }
        }
        String rest = current.toString().strip();
        return new Scan(statements, onlyComments ? "" : rest);
    }

    private static int closingQuote(String text, int open) {
        char quote = text.charAt(open);
        int i = open + 1;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '\\' && quote != '`') {
                i += 2;
            } else if (c == quote) {
                return i + 1;
            } else {
                i++;
            }
        }
        return text.length();
    }

    private static void add(List<String> statements, StringBuilder current, boolean onlyComments) {
        String s = current.toString().strip();
        if (!s.isEmpty() && !onlyComments) {
            statements.add(s);
        }
    }
}
