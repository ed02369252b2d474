package io.maskimpact.model.image;

import io.maskimpact.model.ModelLoadException;
import io.maskimpact.model.hf.HfConfig;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The image processors of the families, composed from their configs as transformers 5.17's PIL image
 * processors ({@code *ImageProcessorPil}) compose them, with each class's defaults for what a config leaves
 * out. A setting that would change pixels and is not reproduced here fails at load with one line naming the
 * key and the file.
 *
 * <p>The families and their steps:
 * <ul>
 *   <li>{@code CLIPImageProcessor} (LLaVA 1.5), {@code SiglipImageProcessor} (LLaVA on SigLIP): resize
 *       (shortest edge, fixed, shortest and longest edge, or max height and width), center crop, rescale,
 *       normalize;
 *   <li>{@code Qwen2VLImageProcessor} (Qwen2-VL, Qwen2.5-VL, Qwen3-VL): smart resize to multiples of patch x
 *       merge within min and max pixels, rescale, normalize, patch rows and {@code image_grid_thw};
 *   <li>{@code Idefics3ImageProcessor}, {@code SmolVLMImageProcessor}: longest-edge resize, resize to
 *       multiples of the tile, tiles then the global image (or one global image without splitting), rescale,
 *       normalize; padding never applies to one image, whose regions all have the tile's size;
 *   <li>{@code Gemma3ImageProcessor}: pan and scan if asked (the image then its crops), fixed resize of each,
 *       rescale, normalize.
 * </ul>
 * Type names may end in {@code Fast} or {@code Pil} (the torchvision and PIL backends share one config).
 * RGB conversion happens before ({@link PilRgb}); {@code do_convert_rgb=false} only matters for images that
 * are not RGB, for which transformers fails instead.
 */
public final class ImageProcessors {
    private static final float[] CLIP_MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
    private static final float[] CLIP_STD = {0.26862954f, 0.26130258f, 0.27577711f};
    private static final float[] HALF = {0.5f, 0.5f, 0.5f};
    private static final double RESCALE = 1 / 255.0;
    private static final String SUPPORTED = "CLIPImageProcessor, SiglipImageProcessor, Qwen2VLImageProcessor, "
            + "Idefics3ImageProcessor, SmolVLMImageProcessor, Gemma3ImageProcessor (or their Fast / Pil names)";

    /** The class attributes of a generic PIL processor that matter here. */
    private record Defaults(Resampling resample, float[] mean, float[] std, Map<String, Long> size,
                            boolean defaultToSquare, boolean centerCrop, Map<String, Long> cropSize) {
    }

    private static final Defaults CLIP = new Defaults(Resampling.BICUBIC, CLIP_MEAN, CLIP_STD,
            Map.of("shortest_edge", 224L), false, true, Map.of("height", 224L, "width", 224L));
    private static final Defaults SIGLIP = new Defaults(Resampling.BICUBIC, HALF, HALF,
            Map.of("height", 224L, "width", 224L), false, false, Map.of());
    private static final Defaults GEMMA3 = new Defaults(Resampling.BILINEAR, HALF, HALF,
            Map.of("height", 224L, "width", 224L), true, false, Map.of());

    private ImageProcessors() {
    }

    /**
     * @param modelDir a Hugging Face model folder
     * @param overrides settings that replace the config's
     * @return its image processor
     * @throws ModelLoadException when the config is missing, of an unsupported type, or asks for what is not reproduced
     */
    public static ImagePipeline forModel(Path modelDir, ProcessorOverrides overrides) throws ModelLoadException {
        return fromConfig(ImageProcessorConfig.read(modelDir), overrides);
    }

    /**
     * @param config the image processor's settings ({@link ImageProcessorConfig#read})
     * @param overrides settings that replace the config's
     * @return the processor its {@code image_processor_type} names
     * @throws ModelLoadException when the type is unsupported, or a setting asks for what is not reproduced
     */
    public static ImagePipeline fromConfig(HfConfig config, ProcessorOverrides overrides) throws ModelLoadException {
        ImageProcessorConfig c = new ImageProcessorConfig(config);
        if (!c.has("image_processor_type")) {
            throw new ModelLoadException("Cannot load model: " + c.source() + " has no image_processor_type (supported: " + SUPPORTED + ")");
        }
        String type = c.string("image_processor_type").replaceFirst("(Fast|Pil)$", "");
        boolean qwen = type.equals("Qwen2VLImageProcessor");
        boolean idefics = type.equals("Idefics3ImageProcessor") || type.equals("SmolVLMImageProcessor");
        if (!qwen && (overrides.minPixels() != null || overrides.maxPixels() != null)) {
            throw new ModelLoadException("Cannot load model: min/max pixels apply to Qwen2-VL's image processor, and "
                    + c.source() + " is a " + type);
        }
        if (!idefics && overrides.imageSplitting() != null) {
            throw new ModelLoadException("Cannot load model: image splitting applies to Idefics3's and SmolVLM's "
                    + "image processors, and " + c.source() + " is a " + type);
        }
        rejectLayouts(c);
        return switch (type) {
            case "CLIPImageProcessor" -> generic(type, c, CLIP);
            case "SiglipImageProcessor" -> generic(type, c, SIGLIP);
            case "Gemma3ImageProcessor" -> gemma3(type, c);
            case "Qwen2VLImageProcessor" -> qwen2vl(type, c, overrides);
            case "Idefics3ImageProcessor", "SmolVLMImageProcessor" -> idefics3(type, c, overrides);
            default -> throw new ModelLoadException("Cannot load model: " + c.source() + " has image_processor_type '"
                    + c.string("image_processor_type") + "' (supported: " + SUPPORTED + ")");
        };
    }

    /** Output and input layouts other than channels first from a PIL image would scramble the values. */
    private static void rejectLayouts(ImageProcessorConfig c) throws ModelLoadException {
        c.requireOneOf("data_format", "channels_first");
        c.requireOneOf("input_data_format", "channels_last");
    }

    /** {@code PilBackend._preprocess}: resize, center crop, rescale, normalize (then a pad that one image skips). */
    private static ImagePipeline generic(String type, ImageProcessorConfig c, Defaults d) throws ModelLoadException {
        boolean square = c.flag("default_to_square", d.defaultToSquare());
        List<ImageStep> steps = new ArrayList<>();
        if (c.flag("do_resize", true)) {
            steps.add(new Resize(pilBackendSize(c, square, d.size()), c.resample(d.resample())));
        }
        if (c.flag("do_center_crop", d.centerCrop())) {
            Map<String, Long> crop = c.checkSizeKeys("crop_size", c.sizeDict("crop_size", d.cropSize(), true));
            if (!crop.keySet().equals(Set.of("height", "width"))) {
                throw c.unsupported("crop_size", "height and width, as center_crop requires");
            }
            steps.add(new CenterCrop(Math.toIntExact(crop.get("height")), Math.toIntExact(crop.get("width"))));
        }
        if (c.flag("do_pad", false) && c.has("pad_size")) {
            throw c.unsupported("pad_size", "no pad_size (do_pad then only pads a batch to its largest image, a no-op for one)");
        }
        return new ImagePipeline(type, steps, pixelValues(c, d.mean(), d.std()), Optional.empty());
    }

    /** {@code PilBackend.resize}'s choice of output size by the keys of {@code size}. */
    private static OutputSize pilBackendSize(ImageProcessorConfig c, boolean square, Map<String, Long> classDefault)
            throws ModelLoadException {
        Map<String, Long> size = c.checkSizeKeys("size", c.sizeDict("size", classDefault, square));
        if (size.containsKey("shortest_edge") && size.containsKey("longest_edge")) {
            return OutputSizes.shortestAndLongestEdge(toInt(size, "shortest_edge"), toInt(size, "longest_edge"));
        }
        if (size.containsKey("shortest_edge")) {
            return OutputSizes.shortestEdge(toInt(size, "shortest_edge"));
        }
        if (size.containsKey("max_height")) {
            return OutputSizes.maxHeightWidth(toInt(size, "max_height"), toInt(size, "max_width"));
        }
        if (size.containsKey("height")) {
            return OutputSizes.fixed(toInt(size, "height"), toInt(size, "width"));
        }
        throw c.unsupported("size", "height and width, shortest_edge, shortest_edge and longest_edge, or max_height and max_width");
    }

    /** {@code Gemma3ImageProcessorPil._preprocess}: optional pan and scan, then resize, rescale, normalize each. */
    private static ImagePipeline gemma3(String type, ImageProcessorConfig c) throws ModelLoadException {
        List<ImageStep> steps = new ArrayList<>();
        if (c.flag("do_pan_and_scan", false)) {
            for (String key : List.of("pan_and_scan_min_crop_size", "pan_and_scan_max_num_crops", "pan_and_scan_min_ratio_to_activate")) {
                if (!c.has(key)) {
                    throw new ModelLoadException("Cannot load model: " + c.source() + " has do_pan_and_scan=true but no " + key);
                }
            }
            steps.add(new PanAndScan(Math.toIntExact(c.integer("pan_and_scan_min_crop_size", 1)),
                    Math.toIntExact(c.integer("pan_and_scan_max_num_crops", 1)),
                    c.number("pan_and_scan_min_ratio_to_activate", 0)));
        }
        if (c.flag("do_resize", true)) {
            steps.add(new Resize(pilBackendSize(c, c.flag("default_to_square", GEMMA3.defaultToSquare()), GEMMA3.size()),
                    c.resample(GEMMA3.resample())));
        }
        return new ImagePipeline(type, steps, pixelValues(c, GEMMA3.mean(), GEMMA3.std()), Optional.empty());
    }

    /**
     * {@code Qwen2VLImageProcessorPil}: {@code min_pixels} and {@code max_pixels} (the legacy keys, then the
     * caller's) replace the size's {@code shortest_edge} and {@code longest_edge}, as its {@code __init__} does.
     */
    private static ImagePipeline qwen2vl(String type, ImageProcessorConfig c, ProcessorOverrides overrides) throws ModelLoadException {
        Map<String, Long> size = c.sizeDict("size", Map.of("shortest_edge", 56L * 56, "longest_edge", 28L * 28 * 1280),
                c.flag("default_to_square", false));
        if (c.has("min_pixels")) {
            size.put("shortest_edge", c.integer("min_pixels", 1));
            size.remove("min_pixels");
        }
        if (c.has("max_pixels")) {
            size.put("longest_edge", c.integer("max_pixels", 1));
            size.remove("max_pixels");
        }
        if (overrides.minPixels() != null) {
            size.put("shortest_edge", overrides.minPixels());
        }
        if (overrides.maxPixels() != null) {
            size.put("longest_edge", overrides.maxPixels());
        }
        if (!size.keySet().equals(Set.of("shortest_edge", "longest_edge"))) {
            throw new ModelLoadException("Cannot load model: " + c.source() + " gives the size " + size
                    + ", which is not supported (supported: shortest_edge and longest_edge, or min_pixels and max_pixels, as pixel counts)");
        }
        int patch = Math.toIntExact(c.integer("patch_size", 14));
        int merge = Math.toIntExact(c.integer("merge_size", 2));
        int temporal = Math.toIntExact(c.integer("temporal_patch_size", 2));
        List<ImageStep> steps = new ArrayList<>();
        if (c.flag("do_resize", true)) {
            steps.add(new Resize(OutputSizes.smartResize(patch * merge, size.get("shortest_edge"), size.get("longest_edge")),
                    c.resample(Resampling.BICUBIC)));
        }
        return new ImagePipeline(type, steps, pixelValues(c, CLIP_MEAN, CLIP_STD), Optional.of(new Patchify(patch, merge, temporal)));
    }

    /** {@code Idefics3ImageProcessorPil} and SmolVLM's copy of it, for one image. */
    private static ImagePipeline idefics3(String type, ImageProcessorConfig c, ProcessorOverrides overrides) throws ModelLoadException {
        Resampling filter = c.resample(Resampling.LANCZOS);
        Map<String, Long> tileSize = c.sizeDict("max_image_size", Map.of("longest_edge", 364L), true);
        if (!tileSize.keySet().equals(Set.of("longest_edge"))) {
            throw c.unsupported("max_image_size", "{\"longest_edge\": N}");
        }
        int tile = toInt(tileSize, "longest_edge");
        List<ImageStep> steps = new ArrayList<>();
        if (c.flag("do_resize", true)) {
            Map<String, Long> size = c.checkSizeKeys("size", c.sizeDict("size", Map.of("longest_edge", 4L * 364),
                    c.flag("default_to_square", true)));
            if (size.containsKey("longest_edge") && size.size() == 1) {
                steps.add(new Resize(OutputSizes.longestEdge(toInt(size, "longest_edge")), filter));
            } else if (size.containsKey("height")) {
                steps.add(new Resize(OutputSizes.fixed(toInt(size, "height"), toInt(size, "width")), filter));
            } else {
                throw c.unsupported("size", "longest_edge, or height and width");
            }
        }
        boolean split = overrides.imageSplitting() != null ? overrides.imageSplitting() : c.flag("do_image_splitting", true);
        steps.add(new Resize(split ? OutputSizes.multiplesOf(tile) : OutputSizes.fixed(tile, tile), filter));
        // a tile-sized image passes through the split alone, as the global image, which is what it is unsplit
        steps.add(new SplitTiles(tile, filter));
        return new ImagePipeline(type, steps, pixelValues(c, HALF, HALF), Optional.empty());
    }

    private static PixelValues pixelValues(ImageProcessorConfig c, float[] mean, float[] std) throws ModelLoadException {
        return new PixelValues(c.flag("do_rescale", true), c.number("rescale_factor", RESCALE), c.flag("do_normalize", true),
                c.perChannel("image_mean", mean), c.perChannel("image_std", std));
    }

    private static int toInt(Map<String, Long> size, String key) {
        return Math.toIntExact(size.get(key));
    }
}
