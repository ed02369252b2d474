package io.maskimpact.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Eager scaled dot-product attention, as transformers' {@code eager_attention_forward} computes it:
 * {@code softmax(q k^T * scale + mask) v}, returning the weights too. The one attention function of
 * the project: the decoder's cached forward, the naive masked re-run and the vision towers all call it.
 *
 * <p>Legend: B batch, H query heads, G key/value heads (H = G * n), T queries, S keys, D head dim.
 *
 * <p>Grouped-query attention without repeating keys and values: query heads are ordered group-major
 * (head h reads key/value head h / n, transformers' {@code repeat_kv}), so (B, H, T, D) queries
 * reshaped to (B, G, n*T, D) multiply each group's keys directly.
 *
 * <p>Masks are additive and use the dtype's minimum (not -inf) for hidden keys, like transformers: a
 * query that sees no key at all then spreads its weight evenly instead of producing NaN.
 */
public final class Attention {
    /** The additive mask value of a hidden key: float32's minimum, as transformers uses. */
    public static final float MASKED = -Float.MAX_VALUE;

    private Attention() {
    }

    /**
     * One attention call's results.
     *
     * @param output weighted values, (B, H, T, D)
     * @param scores scaled logits with the mask added, (B, H, T, S)
     * @param probs their softmax over S, (B, H, T, S)
     */
    public record Result(NDArray output, NDArray scores, NDArray probs) {
    }

    /**
     * @param q queries, (B, H, T, D)
     * @param keysT keys, transposed, (B, G, D, S)
     * @param values values, (B, G, S, D)
     * @param mask additive mask broadcastable to (B, H, T, S), or null for none
     * @param scale the logit scale (usually D^-0.5)
     * @return output, scores and weights, on q's manager
     */
    public static Result eager(NDArray q, NDArray keysT, NDArray values, NDArray mask, float scale) {
        long b = q.getShape().get(0);
        long h = q.getShape().get(1);
        long t = q.getShape().get(2);
        long d = q.getShape().get(3);
        long g = keysT.getShape().get(1);
        long s = keysT.getShape().get(3);
        NDArray scores = q.reshape(b, g, h / g * t, d).matMul(keysT)             // (B, G, n*T, S)
                .reshape(b, h, t, s).mul(scale);                                  // (B, H, T, S)
        if (mask != null) {
            scores = scores.add(mask);
        }
        NDArray probs = scores.softmax(-1);                                       // (B, H, T, S)
        NDArray output = probs.reshape(b, g, h / g * t, s).matMul(values)         // (B, G, n*T, D)
                .reshape(b, h, t, d);                                             // (B, H, T, D)
        return new Result(output, scores, probs);
    }

    /**
     * Turns a boolean visibility pattern into an additive mask.
     *
     * @param visible per (query, key), row-major, whether the query may attend to the key
     * @param queries rows
     * @param keys columns
     * @param manager owner of the result
     * @return 0 where visible, {@link #MASKED} elsewhere, (queries, keys)
     */
    public static NDArray additive(boolean[] visible, int queries, int keys, NDManager manager) {
        float[] mask = new float[visible.length];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = visible[i] ? 0f : MASKED;
        }
        return manager.create(mask).reshape(queries, keys);
    }
}
