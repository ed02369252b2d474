package io.maskimpact.model.image;

import io.maskimpact.model.PromptException;

import java.util.List;

/**
 * One 8-bit step of an image processor, like a {@code Transform} of DJL's {@code Pipeline}: resize, crop,
 * split into tiles. A step maps a region to the regions that replace it (one for a resize or a crop, several
 * for a split), in the order the model receives them.
 */
@FunctionalInterface
public interface ImageStep {

    /**
     * @param region a region of the image being processed
     * @return the regions that replace it, in order
     * @throws PromptException when this image cannot be processed (one line: what and why)
     */
    List<PixelRegion> apply(PixelRegion region) throws PromptException;
}
