package io.maskimpact.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * A decoder run over one sequence with a KV cache: the prompt once, then one token per step.
 * Shapes: S tokens so far, T new tokens, P masked positions, H heads, G KV heads, D head dim,
 * d model dim.
 *
 * <p>Arrays it returns belong to the {@code step} manager passed in; the cache belongs to the
 * session and is released by {@link #close()}. Not thread-safe.
 */
public interface DecoderSession extends AutoCloseable {

    /** @return tokens in the cache */
    int length();

    /**
     * Runs the decoder over new tokens, appending them to the cache.
     *
     * @param embeddings input embeddings of the new tokens, (T, d)
     * @param step owner of the returned trace and every temporary
     * @return the internals at the final position
     */
    StepTrace forward(NDArray embeddings, NDManager step);

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
     * Runs the rest of the layer (residual, post-attention norm, MLP) at the final position.
     *
     * @param layer a decoder layer
     * @param residPre the layer's input at the final position, (1, d)
     * @param attn attention outputs after o_proj, (P, d)
     * @return the layer's outputs, (P, d)
     */
    NDArray finishLayer(int layer, NDArray residPre, NDArray attn);

    /**
     * The naive reference: re-runs the layer over the whole sequence once per masked column,
     * with that column's attention logit set to the dtype minimum for every query.
     * Needs a session opened with {@code keepLayerInputs}.
     *
     * @param layer a decoder layer
     * @param columns key positions to mask, one per batch entry; a negative one masks nothing
     * @param step owner of the result
     * @return the outputs at the final position
     */
    MaskedLayer rerunMasked(int layer, int[] columns, NDManager step);

    @Override
    void close();
}
