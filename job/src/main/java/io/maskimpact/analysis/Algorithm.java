package io.maskimpact.analysis;

import java.util.Locale;

/** How a masked layer update is computed; both give the same rows (docs/ENGINE.md). */
public enum Algorithm {
    /** Closed-form update of the final position's head outputs, batched over masked tokens. */
    EXACT,
    /** Re-run the whole layer with the masked key column; the reference semantics. */
    NAIVE;

    /**
     * @param value {@code exact} or {@code naive}, any case
     * @return the algorithm
     */
    public static Algorithm parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "Unknown algorithm '" + value + "' (expected exact or naive)", e);
        }
    }
}
