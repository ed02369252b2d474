package io.maskimpact.analysis;

/**
 * A pair that cannot be analysed; becomes one {@code errors} row and the job goes on.
 *
 * <p>The stage names are those of the {@code errors} table: {@code manifest}, {@code image},
 * {@code prompt}, {@code analysis}.
 */
public class PairException extends Exception {
    private final String pairId;
    private final String stage;

    /**
     * @param pairId the pair
     * @param stage where it failed
     * @param message one line: what, which input, what to do
     * @param cause the underlying failure, or null
     */
    public PairException(String pairId, String stage, String message, Throwable cause) {
        super(message, cause);
        this.pairId = pairId;
        this.stage = stage;
    }

    /** @return the pair's id */
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
