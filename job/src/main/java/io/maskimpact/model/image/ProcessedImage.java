package io.maskimpact.model.image;

import java.util.List;
import java.util.Optional;

/**
 * An image after its processor: the regions the vision tower takes, in order, and the processor's facts.
 *
 * @param regions one for most processors; tiles then the global image for Idefics3; the image then its crops
 *     for Gemma 3 with pan and scan
 * @param patchGrid Qwen2-VL's {@code image_grid_thw}, for processors that patchify
 */
public record ProcessedImage(List<ImageRegion> regions, Optional<PatchGrid> patchGrid) {

    /** @return Idefics3's tile rows (its {@code rows}): 0 when the image was not split */
    public int tileRows() {
        return gridExtent(RegionKind.TILE, true);
    }

    /** @return Idefics3's tile columns (its {@code cols}): 0 when the image was not split */
    public int tileCols() {
        return gridExtent(RegionKind.TILE, false);
    }

    /** @return Gemma 3's {@code num_crops}: pan-and-scan crops after the image */
    public int cropCount() {
        return (int) regions.stream().filter(r -> r.kind() == RegionKind.CROP).count();
    }

    private int gridExtent(RegionKind kind, boolean rows) {
        return regions.stream().filter(r -> r.kind() == kind).mapToInt(r -> (rows ? r.row() : r.col()) + 1).max().orElse(0);
    }
}
