package io.maskimpact.model.image;

/**
 * {@code PIL.ImageOps.exif_transpose}, which transformers' {@code load_image} applies before converting to
 * RGB: the stored pixels turned so that the picture reads upright.
 */
public final class ExifOrientation {

    private ExifOrientation() {
    }

    /**
     * @param image the pixels as stored in the file
     * @param orientation the EXIF Orientation value, 1 to 8 (1 or anything else: as stored)
     * @return the upright image; {@code image} itself when nothing turns
     */
    public static PixelImage apply(PixelImage image, int orientation) {
        if (orientation < 2 || orientation > 8) {
            return image;
        }
        int w = image.width();
        int h = image.height();
        boolean swap = orientation >= 5;
        int outW = swap ? h : w;
        int outH = swap ? w : h;
        int channels = image.channels();
        byte[] src = image.data();
        byte[] out = new byte[src.length];
        for (int y = 0; y < outH; y++) {
            for (int x = 0; x < outW; x++) {
                // the stored pixel that lands at (x, y), for each of PIL's transpose methods
                int sx;
                int sy;
                switch (orientation) {
                    case 2 -> { sx = w - 1 - x; sy = y; }           // FLIP_LEFT_RIGHT
                    case 3 -> { sx = w - 1 - x; sy = h - 1 - y; }   // ROTATE_180
                    case 4 -> { sx = x; sy = h - 1 - y; }           // FLIP_TOP_BOTTOM
                    case 5 -> { sx = y; sy = x; }                   // TRANSPOSE
                    case 6 -> { sx = y; sy = h - 1 - x; }           // ROTATE_270 (90 degrees clockwise)
                    case 7 -> { sx = w - 1 - y; sy = h - 1 - x; }   // TRANSVERSE
                    default -> { sx = w - 1 - y; sy = x; }          // 8: ROTATE_90 (counter-clockwise)
                }
                System.arraycopy(src, (sy * w + sx) * channels, out, (y * outW + x) * channels, channels);
            }
        }
        return new PixelImage(outW, outH, channels, out);
    }
}
