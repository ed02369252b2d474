package io.maskimpact.analysis;

import io.maskimpact.model.ImageRegion;
import io.maskimpact.model.TokenInfo;
import java.util.List;

/**
 * Everything measured for one pair.
 *
 * @param pairId the pair's id
 * @param tokens every position of the longest sequence (prompt and generated tokens)
 * @param promptLength number of prompt tokens (positions before the first generated one)
 * @param regions the images and tiles of the prompt, in order (empty when the model saw no image)
 * @param answer the decoded greedy answer, without the stop token
 * @param variantNames names of the variant indices used in {@link StepImpact#variant()}
 * @param numLayers decoder layers
 * @param steps one entry per generation step, in order
 */
public record PairImpact(String pairId, List<TokenInfo> tokens, int promptLength, List<ImageRegion> regions,
                         String answer, List<String> variantNames, int numLayers,
                         List<StepImpact> steps) {

    /** @return grid rows of the first image region, 0 when the model saw no image */
    public int gridRows() {
        return regions.isEmpty() ? 0 : regions.get(0).gridRows();
    }

    /** @return grid columns of the first image region, 0 when the model saw no image */
    public int gridCols() {
        return regions.isEmpty() ? 0 : regions.get(0).gridCols();
    }

    /** @return total impact rows over all steps */
    public long rowCount() {
        return steps.stream().mapToLong(StepImpact::rowCount).sum();
    }
}
