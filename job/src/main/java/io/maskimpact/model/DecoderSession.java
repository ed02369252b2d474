package io.maskimpact.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * A decoder run over one pair's sequence with a KV cache: the prompt once, then one generated
 * token per step, with each layer's internals exposed at the final position ({@link LayerInternals})
 * and, optionally, the naive re-run ({@link NaiveRerun}).
 *
 * <p>Shapes: S tokens so far, P masked positions, H heads, D head dim, d model dim. Arrays it
 * returns belong to the {@code step} manager passed in; the cache belongs to the session and is
 * released by {@link #close()}. Not thread-safe.
 */
public interface DecoderSession extends LayerInternals, AutoCloseable {

    /** @return tokens in the cache */
    int length();

    /**
     * Runs the decoder over the whole prompt; the first call of a session.
     *
     * @param step owner of the returned trace and every temporary
     * @return the internals at the prompt's final position
     */
    StepTrace prefill(NDManager step);

    /**
     * Runs the decoder over one generated token, appended to the cache; its position continues
     * the prompt's ({@link PositionIds}).
     *
     * @param tokenId the token
     * @param step owner of the returned trace and every temporary
     * @return the internals at the new final position
     */
    StepTrace next(int tokenId, NDManager step);

    /**
     * The next-token logits at the final position when, for each of B entries, a set of key
     * positions is hidden from every query at the layers {@code firstLayer..lastLayer} (their
     * attention logits set to the dtype minimum), the other layers running as usual: the whole
     * decoder re-run over the current sequence, which is what {@code --effects} compares with the
     * baseline. Positions no hidden key can reach are not recomputed: their keys and values come
     * from the cache, so only the sequence from the first affected position on is re-run (from the
     * first hidden key, or from the start of its bidirectional attention block). Residual additions
     * are applied as the prefill applies them.
     *
     * @param hidden per entry, the key positions to hide (B entries, each non-empty)
     * @param firstLayer first layer that hides them
     * @param lastLayer last layer that hides them (inclusive)
     * @param step owner of the result and every temporary
     * @return logits, (B, V)
     */
    NDArray logitsHiding(int[][] hidden, int firstLayer, int lastLayer, NDManager step);

    /**
     * @return the naive re-run of this session's layers
     * @throws IllegalStateException when the session was opened without {@code keepLayerInputs}
     */
    NaiveRerun naive();

    @Override
    void close();
}
