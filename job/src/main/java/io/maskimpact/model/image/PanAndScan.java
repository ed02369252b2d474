package io.maskimpact.model.image;

import io.maskimpact.model.PromptException;

import java.util.ArrayList;
import java.util.List;

/**
 * Gemma 3's {@code pan_and_scan}: an image elongated enough is followed by 2 to {@code maxCrops} crops side by
 * side along its long direction (about one per unit of aspect ratio, each at least {@code minCropSize}); each
 * crop then goes through the same resize as the image. Crops carry their position as row and column.
 *
 * @param minCropSize {@code pan_and_scan_min_crop_size}
 * @param maxCrops {@code pan_and_scan_max_num_crops}
 * @param minRatio {@code pan_and_scan_min_ratio_to_activate}
 */
public record PanAndScan(int minCropSize, int maxCrops, double minRatio) implements ImageStep {

    @Override
    public List<PixelRegion> apply(PixelRegion region) throws PromptException {
        PixelImage in = region.pixels();
        int h = in.height();
        int w = in.width();
        List<PixelRegion> out = new ArrayList<>();
        out.add(region);
        int cropsW = 1;
        int cropsH = 1;
        if (w >= h) {
            if ((double) w / h < minRatio) {
                return out;
            }
            cropsW = cropCount((double) w / h, w);
        } else {
            if ((double) h / w < minRatio) {
                return out;
            }
            cropsH = cropCount((double) h / w, h);
        }
        int cropW = (int) Math.ceil((double) w / cropsW);
        int cropH = (int) Math.ceil((double) h / cropsH);
        if (Math.min(cropW, cropH) < minCropSize) {
            return out;
        }
        for (int r = 0; r < cropsH; r++) {
            for (int c = 0; c < cropsW; c++) {
                // numpy slicing: the last crop ends at the image's edge
                int x = c * cropW;
                int y = r * cropH;
                if (x >= w || y >= h) {
                    throw new PromptException("Cannot pan and scan a " + w + "x" + h + " image: crop " + (r * cropsW + c + 1)
                            + " of " + cropsW + "x" + cropsH + " would be empty (pan_and_scan_min_crop_size " + minCropSize + " is too small)");
                }
                out.add(region.part(RegionKind.CROP, x, y, Math.min(cropW, w - x), Math.min(cropH, h - y), r, c));
            }
        }
        return out;
    }

    /** Half-up rounded aspect ratio, no smaller crops than the minimum, then clamped to [2, maxCrops]. */
    private int cropCount(double ratio, int longSide) {
        int n = (int) Math.floor(ratio + 0.5);
        n = Math.min((int) Math.floor((double) longSide / minCropSize), n);
        return Math.min(maxCrops, Math.max(2, n));
    }
}
