package io.maskimpact.analysis;

import ai.djl.ndarray.NDArray;

/**
 * One layer's compared vectors at the final position: the baseline and one masked version per
 * masked position. P masked positions, H heads, D head dim, d model dim.
 *
 * @param baseHeads each head's output before o_proj, (H, D)
 * @param maskedHeads the same with one key hidden, (P, H, D)
 * @param baseAttn the attention output after o_proj, (1, d)
 * @param maskedAttn (P, d)
 * @param baseFull the residual update resid_post - resid_pre, (1, d); null when Full is not measured
 * @param maskedFull (P, d)
 */
record LayerOutputs(NDArray baseHeads, NDArray maskedHeads, NDArray baseAttn, NDArray maskedAttn,
                    NDArray baseFull, NDArray maskedFull) {
}
