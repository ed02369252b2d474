package io.maskimpact.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * What exact masking needs of a decoder after a forward, at its final position: cached values,
 * the output projection, and the rest of a layer on a batch of attention outputs.
 *
 * <p>Shapes: P masked positions, H heads, D head dim, d model dim. Arrays returned belong to the
 * {@code step} manager passed in, or to the first operand's manager.
 */
public interface LayerInternals {

    /**
     * @param layer a decoder layer
     * @param positions key positions
     * @param step owner of the result
     * @return the cached values of those positions for each head's KV group, (H, P, D)
     */
    NDArray valuesPerHead(int layer, int[] positions, NDManager step);

    /**
     * @param layer a decoder layer
     * @param heads concatenated head outputs, (P, H*D)
     * @return the attention outputs after o_proj, (P, d)
     */
    NDArray outputProjection(int layer, NDArray heads);

    /**
     * Runs the rest of the layer (residual, norms, MLP) at the final position.
     *
     * @param layer a decoder layer
     * @param residPre the layer's input at the final position, (1, d)
     * @param attn attention outputs after o_proj, (P, d)
     * @return the layer's outputs, (P, d)
     */
    NDArray finishLayer(int layer, NDArray residPre, NDArray attn);

    /**
     * @param layer a decoder layer
     * @return the first key position the final position can see at that layer (0 unless the
     *     layer attends through a sliding window); hiding an earlier key changes nothing
     */
    int firstVisibleKey(int layer);
}
