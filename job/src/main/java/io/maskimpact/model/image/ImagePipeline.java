package io.maskimpact.model.image;

import io.maskimpact.model.PromptException;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An image processor as a list of steps, like DJL's {@code translate/Pipeline}: 8-bit steps that resize,
 * crop or split the image into regions, then rescale and normalize each region to float32, then, for Qwen2-VL,
 * patchify. {@link ImageProcessors} composes the ones of the families' configs; a family may compose its own.
 *
 * <p>Immutable and thread-safe; one per model is enough.
 *
 * <pre>{@code
 * ImagePipeline clip = new ImagePipeline("CLIP-like",
 *         List.of(new Resize(OutputSizes.shortestEdge(336), Resampling.BICUBIC), new CenterCrop(336, 336)),
 *         new PixelValues(true, 1 / 255.0, true, mean, std), Optional.empty());
 * ProcessedImage out = clip.process(PilRgb.convert(decoded));
 * }</pre>
 *
 * @param name what the pipeline reproduces, for messages (e.g. the config's {@code image_processor_type})
 * @param steps the 8-bit steps, in order
 * @param pixelValues rescale and normalize
 * @param patchify Qwen2-VL's patch rows, if the processor makes them
 */
public record ImagePipeline(String name, List<ImageStep> steps, PixelValues pixelValues, Optional<Patchify> patchify) {

    /** Copies the step list. */
    public ImagePipeline {
        steps = List.copyOf(steps);
    }

    /**
     * @param rgb the image after RGB conversion ({@link PilRgb#convert})
     * @return the regions as the vision tower takes them, with their boxes in {@code rgb}'s coordinates
     * @throws PromptException when a step rejects the image (one line: what and why)
     */
    public ProcessedImage process(PixelImage rgb) throws PromptException {
        List<PixelRegion> regions = List.of(PixelRegion.whole(rgb));
        for (ImageStep step : steps) {
            List<PixelRegion> next = new ArrayList<>();
            for (PixelRegion region : regions) {
                next.addAll(step.apply(region));
            }
            regions = next;
        }
        List<ImageRegion> out = new ArrayList<>(regions.size());
        Optional<PatchGrid> grid = Optional.empty();
        for (PixelRegion region : regions) {
            PixelImage pixels = region.pixels();
            int c = pixels.channels();
            float[] values = pixelValues.apply(pixels);                      // (C, H, W)
            int[] shape = {c, pixels.height(), pixels.width()};
            if (patchify.isPresent()) {
                Patchify p = patchify.get();
                values = p.rows(values, c, pixels.height(), pixels.width());  // (N, C*T*P*P)
                grid = Optional.of(p.grid(pixels.height(), pixels.width()));
                shape = new int[] {grid.get().h() * grid.get().w(), c * p.temporal() * p.patch() * p.patch()};
            }
            out.add(new ImageRegion(region.kind(), region.box(), pixels.width(), pixels.height(), region.row(), region.col(), values, shape));
        }
        return new ProcessedImage(List.copyOf(out), grid);
    }
}
