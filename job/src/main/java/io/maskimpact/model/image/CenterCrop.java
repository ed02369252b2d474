package io.maskimpact.model.image;

import java.util.List;

/**
 * Transformers' {@code center_crop} on the 8-bit pixels: the central {@code height x width} rectangle, its
 * offset {@code (size - crop) // 2} rounded down (so an odd surplus leaves the extra row or column at the
 * bottom or right); where the image is smaller than the crop, it is centred on black (zeros), the extra
 * padding row or column going to the top or left. The region's box becomes the crop's rectangle in the
 * original image, reaching outside it where black was added.
 *
 * @param height crop rows
 * @param width crop columns
 */
public record CenterCrop(int height, int width) implements ImageStep {

    @Override
    public List<PixelRegion> apply(PixelRegion region) {
        PixelImage in = region.pixels();
        int top = Math.floorDiv(in.height() - height, 2);
        int left = Math.floorDiv(in.width() - width, 2);
        if (top >= 0 && left >= 0) {
            return List.of(region.part(region.kind(), left, top, width, height, region.row(), region.col()));
        }
        int channels = in.channels();
        byte[] out = new byte[width * height * channels];
        for (int y = 0; y < height; y++) {
            int sy = y + top;
            if (sy < 0 || sy >= in.height()) {
                continue;
            }
            for (int x = 0; x < width; x++) {
                int sx = x + left;
                if (sx >= 0 && sx < in.width()) {
                    System.arraycopy(in.data(), (sy * in.width() + sx) * channels, out, (y * width + x) * channels, channels);
                }
            }
        }
        Box box = region.box().part(in.width(), in.height(), left, top, width, height);
        return List.of(new PixelRegion(region.kind(), new PixelImage(width, height, channels, out), box, region.row(), region.col()));
    }
}
