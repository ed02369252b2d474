package io.maskimpact.model.image;

/**
 * Qwen2-VL's {@code image_grid_thw} for one image: the patch grid of its {@code pixel_values} rows.
 *
 * @param t temporal patches (1 for a still image)
 * @param h patch rows ({@code resized height / patch_size})
 * @param w patch columns
 */
public record PatchGrid(int t, int h, int w) {
}
