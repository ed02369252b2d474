package io.maskimpact.model.image;

import io.maskimpact.model.PromptException;

import java.util.List;

/**
 * Resizes a region with PIL's filter to the size a rule picks ({@code PilBackend.resize}); the region keeps its
 * box, kind and grid position.
 *
 * @param size the rule for the output size
 * @param filter PIL's filter
 */
public record Resize(OutputSize size, Resampling filter) implements ImageStep {

    @Override
    public List<PixelRegion> apply(PixelRegion region) throws PromptException {
        PixelImage pixels = region.pixels();
        Size target = size.of(pixels.height(), pixels.width());
        if (target.height() < 1 || target.width() < 1) {
            throw new PromptException("Cannot preprocess a " + pixels.width() + "x" + pixels.height() + " image: it would be resized to "
                    + target.width() + "x" + target.height() + " (too elongated for this processor; crop it first)");
        }
        return List.of(region.withPixels(PilResize.resize(pixels, target.width(), target.height(), filter)));
    }
}
