package io.maskimpact.query;

/**
 * A query or analysis that cannot run for a reason the user can fix: the folder is not a run, a
 * statement does not parse or resolve, an option is out of range. The message is one line, in the
 * form "Cannot &lt;do X&gt;: &lt;reason&gt;".
 */
public final class QueryException extends Exception {

    /** What kind of problem it is, which decides a command's exit code. */
    public enum Kind {
        /** A statement or an option the user can correct (exit 2). */
        USAGE,
        /** The folder is not a (finished) run or cannot be read (exit 3). */
        NOT_A_RUN
    }

    private static final long serialVersionUID = 1L;

    private final Kind kind;

    private QueryException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    private QueryException(String message, Throwable cause) {
        this(Kind.USAGE, message, cause);
    }

    /** @return what kind of problem it is */
    public Kind kind() {
        return kind;
    }

    static QueryException notARun(String out, String reason) {
        return new QueryException(Kind.NOT_A_RUN, "Cannot open run " + out + ": " + reason
                + " (expected the --out folder of a finished run, with impact/, pairs/, steps/, errors/)", null);
    }

    static QueryException cannotRead(String out, Exception cause) {
        return new QueryException(Kind.NOT_A_RUN, "Cannot read run " + out + ": " + cause.getMessage(), cause);
    }

    static QueryException badStatement(int index, int count, String statement, Exception cause) {
        String where = count > 1 ? " " + index + " of " + count : "";
        String first = cause.getMessage() == null ? cause.toString() : cause.getMessage().strip();
        return new QueryException("Cannot run statement" + where + " (" + abbreviate(statement) + "): " + first, cause);
    }

    static QueryException cannotSave(String dir, Exception cause) {
        return new QueryException("Cannot save the result to " + dir + ": " + cause.getMessage(), cause);
    }

    static QueryException badOption(String option, Object value, String rule) {
        return new QueryException("Cannot use " + option + " " + value + ": " + rule, null);
    }

    static QueryException cannotAnalyze(String out, String reason) {
        return new QueryException(Kind.NOT_A_RUN, "Cannot analyze run " + out + ": " + reason, null);
    }

    private static String abbreviate(String statement) {
        String oneLine = statement.replaceAll("\\s+", " ");
        return oneLine.length() <= 60 ? oneLine : oneLine.substring(0, 57) + "...";
    }
}
