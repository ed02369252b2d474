package io.maskimpact.model.image;

/**
 * Rescale and normalize, the float steps of every processor here, as {@code image_transforms.rescale} and
 * {@code normalize} compute them on the PIL path: each byte times the rescale factor in double, stored as
 * float32; then {@code (x - mean) / std} in float32 per channel. The result is float32 (C, H, W), channels
 * first, which is the layout of {@code pixel_values}; the arithmetic is the same IEEE operations, so the values
 * equal transformers' exactly.
 *
 * @param rescale whether to multiply by {@code rescaleFactor} ({@code do_rescale})
 * @param rescaleFactor usually 1/255
 * @param normalize whether to subtract {@code mean} and divide by {@code std} ({@code do_normalize})
 * @param mean per channel ({@code image_mean})
 * @param std per channel ({@code image_std})
 */
public record PixelValues(boolean rescale, double rescaleFactor, boolean normalize, float[] mean, float[] std) {

    /**
     * @param image 8-bit pixels with as many channels as {@code mean} has values
     * @return float32 (C, H, W)
     */
    public float[] apply(PixelImage image) {
        int c = image.channels();
        if (normalize && (mean.length != c || std.length != c)) {
            throw new IllegalArgumentException("Cannot normalize a " + c + "-channel image with " + mean.length
                    + " means and " + std.length + " standard deviations");
        }
        int plane = image.width() * image.height();
        byte[] data = image.data();
        float[] out = new float[c * plane];                      // (C, H, W)
        for (int ch = 0; ch < c; ch++) {
            for (int i = 0; i < plane; i++) {
                int v = data[i * c + ch] & 0xFF;
                float x = rescale ? (float) (v * rescaleFactor) : v;
                out[ch * plane + i] = normalize ? (x - mean[ch]) / std[ch] : x;
            }
        }
        return out;
    }
}
