package io.maskimpact.model;

import ai.djl.ndarray.NDArray;

/**
 * A layer re-run over the whole sequence with one key column masked per batch entry (the naive
 * reference), read at the final position. B = number of masked columns.
 *
 * @param heads each head's output before o_proj, (B, H, D)
 * @param attn the attention output after o_proj, (B, d)
 * @param residPost the layer's output hidden state, (B, d)
 */
public record MaskedLayer(NDArray heads, NDArray attn, NDArray residPost) {
}
