package io.maskimpact.family.idefics3;

import ai.djl.ndarray.NDArray;
import io.maskimpact.model.nn.Linear;

/**
 * Idefics3's connector ({@code Idefics3Connector}): the pixel shuffle, which folds each s x s block of a
 * tile's patch features into one token (token (i, j) concatenates patches (s*i + dr, s*j + dc), dr outer,
 * dc inner), then {@code modality_projection.proj}, a linear map without bias to the decoder width.
 *
 * <p>Legend: g patches a side, s scale factor, C vision width, d model dim.
 *
 * @param scale s
 * @param projection (s*s*C) -> d
 */
record Connector(int scale, Linear projection) {

    /**
     * @param patches one tile's patch features, raster order, (g*g, C)
     * @return its tokens, raster order over (g/s, g/s), (g*g/s^2, d)
     */
    NDArray apply(NDArray patches) {
        long n = patches.getShape().get(0);
        long c = patches.getShape().get(1);
        long g = Math.round(Math.sqrt(n));
        long t = g / scale;
        NDArray shuffled = patches.reshape(t, scale, t, scale, c)       // (i, dr, j, dc, C)
                .transpose(0, 2, 1, 3, 4)                                // (i, j, dr, dc, C)
                .reshape(t * t, (long) scale * scale * c);
        return projection.apply(shuffled);
    }
}
