package io.maskimpact.analysis;

import io.maskimpact.model.TokenInfo;
import java.util.List;

/**
 * Everything measured for one pair.
 *
 * @param pairId the pair's id
 * @param tokens every position of the longest sequence (prompt and generated tokens)
 * @param promptLength number of prompt tokens (positions before the first generated one)
 * @param gridRows image grid rows (0 when the model saw no image)
 * @param gridCols image grid columns
 * @param answer the decoded greedy answer, without the stop token
 * @param variantNames names of the variant indices used in {@link StepImpact#variant()}
 * @param numLayers decoder layers
 * @param steps one entry per generation step, in order
 */
public record PairImpact(String pairId, List<TokenInfo> tokens, int promptLength, int gridRows,
                         int gridCols, String answer, List<String> variantNames, int numLayers,
                         List<StepImpact> steps) {

    /** @return total impact rows over all steps */
    public long rowCount() {
        return steps.stream().mapToLong(StepImpact::rowCount).sum();
    }
}
