package io.maskimpact.model.image;

import io.maskimpact.model.PromptException;

import java.util.ArrayList;
import java.util.List;

/**
 * Idefics3's {@code split_images}: an image larger than one tile in either direction becomes its
 * {@code tile x tile} tiles, row by row ({@code (size - tile) // tile + 1} per direction, whatever is left over
 * dropped), followed by the whole image resized to one tile (the global image); an image that fits is passed
 * on alone, as the global image.
 *
 * @param tile the tile side ({@code max_image_size.longest_edge})
 * @param filter PIL's filter for the global image
 */
public record SplitTiles(int tile, Resampling filter) implements ImageStep {

    @Override
    public List<PixelRegion> apply(PixelRegion region) throws PromptException {
        PixelImage in = region.pixels();
        PixelRegion global = new PixelRegion(RegionKind.GLOBAL, in, region.box(), -1, -1);
        if (in.height() <= tile && in.width() <= tile) {
            return List.of(global);
        }
        int rows = (in.height() - tile) / tile + 1;
        int cols = (in.width() - tile) / tile + 1;
        List<PixelRegion> out = new ArrayList<>(rows * cols + 1);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out.add(region.part(RegionKind.TILE, c * tile, r * tile, tile, tile, r, c));
            }
        }
        out.addAll(new Resize(OutputSizes.fixed(tile, tile), filter).apply(global));
        return out;
    }
}
