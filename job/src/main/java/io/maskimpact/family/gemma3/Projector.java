package io.maskimpact.family.gemma3;

import ai.djl.ndarray.NDArray;
import io.maskimpact.model.nn.Norm;

/**
 * Gemma 3's multimodal projector ({@code Gemma3MultiModalProjector}): the tower's patch grid
 * average-pooled in k x k blocks (k = patches a side / tokens a side), then {@code mm_soft_emb_norm}
 * (Gemma's RMSNorm, x (1 + w)) and the product with {@code mm_input_projection_weight}.
 *
 * <p>Legend: g patches a side, t tokens a side, C vision width, d model dim.
 *
 * @param tokens t
 * @param norm over C
 * @param weight (C, d)
 */
record Projector(int tokens, Norm norm, NDArray weight) {

    /**
     * @param patches the tower's last hidden state, raster order, (g*g, C)
     * @return the image features, raster order over (t, t), (t*t, d)
     */
    NDArray apply(NDArray patches) {
        long n = patches.getShape().get(0);
        long c = patches.getShape().get(1);
        long k = Math.round(Math.sqrt(n)) / tokens;
        NDArray pooled = patches.reshape(tokens, k, tokens, k, c).mean(new int[] {3}).mean(new int[] {1})  // (t, t, C)
                .reshape((long) tokens * tokens, c);
        return norm.apply(pooled).matMul(weight);
    }
}
