package io.maskimpact.cli;

/** The exit codes of every command; the top command's footer lists them. */
public final class ExitCodes {
    /** Finished; at least one pair analysed (rejected pairs are in {@code errors/}). */
    public static final int OK = 0;
    /** Internal error: a bug or an I/O failure; the log has the stack trace. */
    public static final int SOFTWARE = 1;
    /** Usage error: unknown option, missing or invalid value. */
    public static final int USAGE = 2;
    /** Cannot start: bad manifest, model folder, config file or output folder; nothing written. */
    public static final int CANNOT_START = 3;
    /** Finished, but no pair could be analysed (see {@code errors/}). */
    public static final int NOTHING_ANALYSED = 4;

    /** {@code parity}: the engine differs from transformers beyond tolerance. */
    public static final int PARITY_DIFFERS = 5;

    /** The footer text (picocli format: {@code %n} is a line break). */
    public static final String FOOTER = "%nExit codes:%n"
            + "  0  finished; at least one pair analysed (rejected pairs are listed in <out>/errors)%n"
            + "  1  internal error (a bug or an I/O failure; see the log)%n"
            + "  2  usage error: unknown option, missing or invalid value%n"
            + "  3  cannot start: bad manifest, model folder, config file or output folder (nothing written)%n"
            + "  4  finished, but no pair could be analysed (see <out>/errors)%n";

    private ExitCodes() {
    }
}
