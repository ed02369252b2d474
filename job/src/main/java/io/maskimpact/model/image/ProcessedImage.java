package io.maskimpact.model.image;

import io.maskimpact.model.ImageRegion.Kind;

import java.util.List;
import java.util.Optional;

/**
 * An image after its processor: the regions the vision tower takes, in order, and the processor's facts.
 *
 * @param regions one for most processors; tiles then the global image for Idefics3; the image then its
 *     pan-and-scan crops (as tiles) for Gemma 3
 * @param patchGrid Qwen2-VL's {@code image_grid_thw}, for processors that patchify
 */
public record ProcessedImage(List<ProcessedRegion> regions, Optional<PatchGrid> patchGrid) {

    /** @return tile rows (Idefics3's {@code rows}): 0 when the image was not split */
    public int tileRows() {
        return regions.stream().filter(r -> r.kind() == Kind.TILE).mapToInt(r -> r.row() + 1).max().orElse(0);
    }

    /** @return tile columns (Idefics3's {@code cols}): 0 when the image was not split */
    public int tileCols() {
        return regions.stream().filter(r -> r.kind() == Kind.TILE).mapToInt(r -> r.col() + 1).max().orElse(0);
    }

    /** @return the tiles (Gemma 3's {@code num_crops} with pan and scan) */
    public int tileCount() {
        return (int) regions.stream().filter(r -> r.kind() == Kind.TILE).count();
    }
}
