package io.maskimpact.model.image;

/**
 * One region of a processed image, as the vision tower takes it.
 *
 * @param kind what the region is: the image, a tile, the global image, a crop
 * @param box where its pixels come from, in the original image's pixel coordinates (for the whole image or
 *     the global image, the whole image; for a center crop, the crop mapped back; for a tile or pan-and-scan
 *     crop, its rectangle mapped back)
 * @param width the region's width in pixels after processing
 * @param height its height in pixels
 * @param row its row in its grid (tiles, pan-and-scan crops), -1 for none
 * @param col its column in its grid, -1 for none
 * @param values float32 as in transformers' {@code pixel_values}: (C, H, W), or for Qwen2-VL the patch rows
 *     (N, C*T*P*P)
 * @param shape the dimensions of {@code values}
 */
public record ImageRegion(RegionKind kind, Box box, int width, int height, int row, int col, float[] values, int[] shape) {
}
