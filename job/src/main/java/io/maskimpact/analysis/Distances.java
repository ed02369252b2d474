package io.maskimpact.analysis;

import ai.djl.ndarray.NDArray;

/**
 * L2 and cosine distances between a baseline vector and its masked versions, over the last axis.
 *
 * <p>Cosine distance is {@code max(0, 1 - x.y / max(|x| |y|, 1e-8))}, the epsilon of PyTorch's
 * {@code cosine_similarity}; identical vectors give 0 up to rounding, and the clamp keeps float32
 * rounding (a similarity of 1 + 1e-7) from writing negative distances.
 */
final class Distances {
    private static final float COSINE_EPS = 1e-8f;

    private Distances() {
    }

    /**
     * @param masked masked vectors, (..., k)
     * @param base the baseline, broadcastable to masked
     * @return Euclidean distances, masked's shape without its last axis
     */
    static NDArray l2(NDArray masked, NDArray base) {
        return masked.sub(base).square().sum(new int[] {-1}).sqrt();
    }

    /**
     * @param masked masked vectors, (..., k)
     * @param base the baseline, broadcastable to masked
     * @return 1 - cosine similarity, at least 0, masked's shape without its last axis
     */
    static NDArray cosine(NDArray masked, NDArray base) {
        NDArray dot = masked.mul(base).sum(new int[] {-1});
        NDArray norms = masked.square().sum(new int[] {-1}).sqrt().mul(base.square().sum(new int[] {-1}).sqrt());
        return dot.div(norms.maximum(COSINE_EPS)).neg().add(1f).maximum(0f);
    }
}
