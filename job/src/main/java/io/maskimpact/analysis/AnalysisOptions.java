package io.maskimpact.analysis;

import java.io.Serializable;

/**
 * What to measure for every pair; resolved once on the driver and shipped to executors.
 *
 * @param maskMode default mask mode; a pair may override it
 * @param maxNewTokens default number of greedy tokens (= generation steps); a pair may override it
 * @param variants which variants to measure
 * @param algorithm exact closed form or naive re-run
 * @param maskSpecial whether special (template) tokens are masked too
 * @param effects whether and how output effects are measured
 */
public record AnalysisOptions(MaskMode maskMode, int maxNewTokens, VariantSet variants,
                              Algorithm algorithm, boolean maskSpecial, EffectOptions effects) implements Serializable {

    public AnalysisOptions {
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("max new tokens must be at least 1 (got " + maxNewTokens + ")");
        }
    }

    /** Options without output effects. */
    public AnalysisOptions(MaskMode maskMode, int maxNewTokens, VariantSet variants, Algorithm algorithm,
                           boolean maskSpecial) {
        this(maskMode, maxNewTokens, variants, algorithm, maskSpecial, EffectOptions.OFF);
    }

    /** @return the defaults: both modalities, 3 tokens, default variants, exact, no special tokens */
    public static AnalysisOptions defaults() {
        return new AnalysisOptions(MaskMode.BOTH, 3, VariantSet.DEFAULT, Algorithm.EXACT, false);
    }

    /** @return a copy with another algorithm */
    public AnalysisOptions withAlgorithm(Algorithm other) {
        return new AnalysisOptions(maskMode, maxNewTokens, variants, other, maskSpecial, effects);
    }

    /** @return a copy with other effect options */
    public AnalysisOptions withEffects(EffectOptions other) {
        return new AnalysisOptions(maskMode, maxNewTokens, variants, algorithm, maskSpecial, other);
    }
}
