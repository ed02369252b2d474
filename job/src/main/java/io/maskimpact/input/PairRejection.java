package io.maskimpact.input;

/**
 * A pair that cannot be analysed, at any stage: a bad manifest row, an unreadable image, a prompt
 * that cannot be built, a model failure. The job records it as one {@code errors} row and goes on.
 *
 * <p>The stage names are those of the {@code errors} table ({@code manifest}, {@code image},
 * {@code prompt}, {@code analysis}).
 */
public class PairRejection extends Exception {
    private final String pairId;
    private final String stage;

    /**
     * @param pairId the pair, or null when the row has none
     * @param stage where it failed
     * @param message one line: what, which input, what to do
     * @param cause the underlying failure, or null
     */
    public PairRejection(String pairId, String stage, String message, Throwable cause) {
        super(message, cause);
        this.pairId = pairId;
        this.stage = stage;
    }

    /** @return the pair's id, or null */
    public String pairId() {
        return pairId;
    }

    /** @return the stage that failed */
    public String stage() {
        return stage;
    }

    /** @return the error class: the cause's simple name, else this exception's */
    public String errorClass() {
        return getCause() != null ? getCause().getClass().getSimpleName() : getClass().getSimpleName();
    }
}
