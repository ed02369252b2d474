package io.maskimpact.model;

import ai.djl.ndarray.NDManager;

/**
 * A model's text decoder, as the analysis drives it: sessions over one pair's sequence.
 * Thread-safe; every session belongs to one thread.
 */
public interface Decoder {

    /** @return the decoder's sizes */
    DecoderShape shape();

    /**
     * @param prompt the pair's prepared prompt (its embeddings and positions)
     * @param pair owner of the session's KV cache
     * @param keepLayerInputs keep every layer's input hidden states, which the naive re-run needs
     * @return a session that has run nothing yet
     */
    DecoderSession open(PreparedPrompt prompt, NDManager pair, boolean keepLayerInputs);
}
