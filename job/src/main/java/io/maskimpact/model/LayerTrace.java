package io.maskimpact.model;

import ai.djl.ndarray.NDArray;

/**
 * One decoder layer's internals at the final position of the sequence, from the baseline forward.
 * Shapes: S sequence, H heads, D head dim, d model dim. Owned by the step's manager.
 *
 * @param residPre the layer's input hidden state, (1, d)
 * @param scores scaled attention logits of the final query over all keys, (H, S)
 * @param probs their softmax, (H, S)
 * @param heads each head's output before o_proj, (H, D)
 * @param attn the attention output after o_proj, (1, d)
 * @param residPost the layer's output hidden state, (1, d)
 */
public record LayerTrace(NDArray residPre, NDArray scores, NDArray probs, NDArray heads, NDArray attn,
                         NDArray residPost) {
}
