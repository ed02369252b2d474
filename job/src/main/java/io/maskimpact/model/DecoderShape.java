package io.maskimpact.model;

/**
 * The sizes of a decoder that the analysis needs.
 *
 * @param numLayers decoder layers (L)
 * @param numHeads query heads per layer (H)
 * @param numKvHeads key/value heads (G); H is a multiple of G (grouped-query attention)
 * @param headDim per-head size (D)
 * @param hiddenSize model width (d)
 * @param maxPositions the longest sequence the model supports
 */
public record DecoderShape(int numLayers, int numHeads, int numKvHeads, int headDim, int hiddenSize,
                           int maxPositions) {

    /** @return query heads that share one key/value head */
    public int headsPerKvHead() {
        return numHeads / numKvHeads;
    }
}
