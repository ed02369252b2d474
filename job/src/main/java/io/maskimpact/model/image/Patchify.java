package io.maskimpact.model.image;

import io.maskimpact.model.PromptException;

/**
 * Qwen2-VL's {@code patchify}: a normalized (C, H, W) image cut into {@code patch x patch} squares, grouped by
 * {@code merge x merge} blocks, each square repeated {@code temporal} times (a still image fills every frame),
 * one row per square.
 *
 * <p>Rows go block by block in raster order over the (H/P/M, W/P/M) blocks, and within a block row by row;
 * a row holds (C, T, P, P) flattened, so value {@code c*T*P*P + t*P*P + y*P + x}. Shapes: (C, H, W) in,
 * (H/P * W/P, C*T*P*P) out.
 *
 * @param patch {@code patch_size}
 * @param merge {@code merge_size}
 * @param temporal {@code temporal_patch_size}
 */
public record Patchify(int patch, int merge, int temporal) {

    /**
     * @param chw float32 (C, H, W)
     * @param channels C
     * @param height H, a multiple of patch x merge
     * @param width W, a multiple of patch x merge
     * @return the patch rows, flattened (N, C*T*P*P)
     * @throws PromptException when the sides are not multiples of patch x merge (possible only without a resize)
     */
    public float[] rows(float[] chw, int channels, int height, int width) throws PromptException {
        int gh = height / patch;
        int gw = width / patch;
        if (height % (patch * merge) != 0 || width % (patch * merge) != 0) {
            throw new PromptException("Cannot patchify a " + width + "x" + height + " image into "
                    + patch + "-pixel patches merged " + merge + "x" + merge + ": sides must be multiples of " + patch * merge);
        }
        int square = patch * patch;
        int rowLength = channels * temporal * square;
        float[] out = new float[gh * gw * rowLength];
        int row = 0;
        for (int bh = 0; bh < gh / merge; bh++) {
            for (int bw = 0; bw < gw / merge; bw++) {
                for (int mh = 0; mh < merge; mh++) {
                    for (int mw = 0; mw < merge; mw++) {
                        int y0 = (bh * merge + mh) * patch;
                        int x0 = (bw * merge + mw) * patch;
                        int base = row * rowLength;
                        for (int c = 0; c < channels; c++) {
                            for (int y = 0; y < patch; y++) {
                                int src = (c * height + y0 + y) * width + x0;
                                for (int t = 0; t < temporal; t++) {
                                    System.arraycopy(chw, src, out, base + (c * temporal + t) * square + y * patch, patch);
                                }
                            }
                        }
                        row++;
                    }
                }
            }
        }
        return out;
    }

    /**
     * @param height the resized image's height
     * @param width its width
     * @return the grid of one still image of that size
     */
    public PatchGrid grid(int height, int width) {
        return new PatchGrid(1, height / patch, width / patch);
    }
}
