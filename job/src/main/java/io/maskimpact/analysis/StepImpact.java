package io.maskimpact.analysis;

/**
 * The impact rows of one generation step, column by column (no per-row objects).
 *
 * <p>Row {@code i} is (layer[i], position[i], variant[i]) with its two distances. Token text,
 * kind and grid cell come from {@link PairImpact#tokens()} at {@code position[i]}; the variant
 * name from {@link PairImpact#variantNames()} at {@code variant[i]}.
 *
 * @param step the generation step: the sequence is the prompt plus the first {@code step} greedy tokens
 * @param sequenceLength tokens in the sequence at this step
 * @param predictedTokenId the greedy token predicted at the final position
 * @param predictedText its decoded text
 * @param predictedProb its softmax probability
 * @param layer decoder layer per row
 * @param position token position per row
 * @param variant variant index per row
 * @param l2 L2 distance per row
 * @param cosine cosine distance per row (1 - cosine similarity)
 * @param effects the step's output effects, or null when they are not measured
 */
public record StepImpact(int step, int sequenceLength, int predictedTokenId, String predictedText,
                         float predictedProb, int[] layer, int[] position, short[] variant,
                         float[] l2, float[] cosine, StepEffects effects) {

    /** A step without output effects. */
    public StepImpact(int step, int sequenceLength, int predictedTokenId, String predictedText, float predictedProb,
                      int[] layer, int[] position, short[] variant, float[] l2, float[] cosine) {
        this(step, sequenceLength, predictedTokenId, predictedText, predictedProb, layer, position, variant, l2, cosine,
                null);
    }

    /** @return the number of rows */
    public int rowCount() {
        return layer.length;
    }
}
