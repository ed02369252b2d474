package io.maskimpact.model.image;

/**
 * Settings the caller puts over the config, as passing them to transformers' {@code from_pretrained} does (the
 * job's {@code --min-pixels}, {@code --max-pixels}, {@code --no-image-splitting}); {@code null} keeps the
 * config's value.
 *
 * @param minPixels Qwen2-VL's {@code min_pixels} (the size's {@code shortest_edge}, a pixel count)
 * @param maxPixels Qwen2-VL's {@code max_pixels} (the size's {@code longest_edge}, a pixel count)
 * @param imageSplitting Idefics3's and SmolVLM's {@code do_image_splitting}
 */
public record ProcessorOverrides(Long minPixels, Long maxPixels, Boolean imageSplitting) {
    /** The config as it is. */
    public static final ProcessorOverrides NONE = new ProcessorOverrides(null, null, null);
}
