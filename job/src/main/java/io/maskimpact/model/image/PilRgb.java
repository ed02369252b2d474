package io.maskimpact.model.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;

/**
 * An image as the JDK's decoders deliver it, converted to 8-bit RGB the way transformers' PIL processors
 * convert it: PIL opens the file, and {@code convert_to_rgb} (or {@code load_image}) calls
 * {@code image.convert("RGB")}.
 *
 * <p>That conversion only reorganizes samples, and some of its rules surprise:
 * <ul>
 *   <li>alpha is dropped, never composited: a transparent pixel keeps whatever colour it stores (RGBA, LA,
 *       a palette or grey level made transparent by a tRNS chunk);
 *   <li>a palette index becomes its palette entry; grey of 1, 2 or 4 bits is stretched to 0-255;
 *   <li>16-bit RGB, RGBA and grey+alpha PNGs keep the high byte of each sample (PIL decodes them to 8 bits);
 *   <li>16-bit grey PNGs open as mode {@code I;16}, whose conversion to RGB clips at 255: every level from
 *       256 up becomes white;
 *   <li>CMYK (JPEG) uses Pillow's formula {@code 255 - k - c (255 - k) / 255}, per channel, with its rounding.
 * </ul>
 * Samples are copied as numbers, never colour-managed, as PIL does (an embedded ICC profile is ignored by
 * both). Layouts the JDK's PNG, JPEG, GIF and BMP readers do not produce for those files (packed 16-bit BMP
 * pixels, TIFF floats, premultiplied alpha) go through Java2D's conversion to sRGB instead, which is close to
 * PIL's but not guaranteed equal.
 *
 * <p>PNG decoding is lossless, so for PNGs the result equals PIL's byte for byte. JPEG decoders differ
 * (libjpeg-turbo in Pillow, the JDK's own decoder here); docs/ENGINE.md gives the measured difference.
 */
public final class PilRgb {

    private PilRgb() {
    }

    /**
     * @param decoded an image as ImageIO decodes it (before any conversion)
     * @return its pixels as PIL's {@code convert("RGB")} gives them
     */
    public static PixelImage convert(BufferedImage decoded) {
        ColorModel cm = decoded.getColorModel();
        Raster raster = decoded.getRaster();
        int colorSpace = cm.getColorSpace().getType();
        if (cm instanceof IndexColorModel icm) {
            return fromPalette(raster, icm);
        }
        if (cm instanceof ComponentColorModel && !cm.isAlphaPremultiplied()) {
            int bits = raster.getSampleModel().getSampleSize(0);
            int bands = raster.getNumBands();
            if (colorSpace == ColorSpace.TYPE_GRAY && bands <= 2) {
                // PIL: 16-bit grey alone is mode I;16 (clipped to 255 on conversion); with alpha it is LA, high byte
                return fromSamples(raster, 1, bits == 16 && bands == 1 ? Sample.CLIP : Sample.scaling(bits));
            }
            if (colorSpace == ColorSpace.TYPE_RGB && bands >= 3) {
                return fromSamples(raster, 3, Sample.scaling(bits));
            }
            if (colorSpace == ColorSpace.TYPE_CMYK && bands == 4 && bits == 8) {
                return fromCmyk(raster);
            }
        }
        return viaJava2d(decoded);
    }

    /** How a decoded sample becomes an 8-bit level. */
    private enum Sample {
        EIGHT_BIT, HIGH_BYTE, CLIP, STRETCH;

        static Sample scaling(int bits) {
            return bits == 8 ? EIGHT_BIT : bits == 16 ? HIGH_BYTE : STRETCH;
        }
    }

    private static PixelImage fromSamples(Raster raster, int colours, Sample sample) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        int bands = raster.getNumBands();
        int max = (1 << raster.getSampleModel().getSampleSize(0)) - 1;
        byte[] out = new byte[w * h * 3];
        int[] row = new int[w * bands];
        for (int y = 0; y < h; y++) {
            raster.getPixels(0, y, w, 1, row);
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    int v = row[x * bands + (colours == 1 ? 0 : c)];
                    out[(y * w + x) * 3 + c] = (byte) switch (sample) {
                        case EIGHT_BIT -> v;
                        case HIGH_BYTE -> v >> 8;
                        case CLIP -> Math.min(v, 255);
                        case STRETCH -> v * 255 / max;    // 1, 2 and 4 bits: 255, 85 and 17 per step, exact
                    };
                }
            }
        }
        return new PixelImage(w, h, 3, out);
    }

    private static PixelImage fromPalette(Raster raster, IndexColorModel icm) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        int n = icm.getMapSize();
        byte[][] palette = {new byte[n], new byte[n], new byte[n]};
        icm.getReds(palette[0]);
        icm.getGreens(palette[1]);
        icm.getBlues(palette[2]);
        byte[] out = new byte[w * h * 3];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            raster.getSamples(0, y, w, 1, 0, row);
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    out[(y * w + x) * 3 + c] = palette[c][row[x]];
                }
            }
        }
        return new PixelImage(w, h, 3, out);
    }

    /** Pillow's {@code Convert.c cmyk2rgb}: {@code nk - MULDIV255(ink, nk)} with {@code nk = 255 - k}. */
    private static PixelImage fromCmyk(Raster raster) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        byte[] out = new byte[w * h * 3];
        int[] row = new int[w * 4];
        for (int y = 0; y < h; y++) {
            raster.getPixels(0, y, w, 1, row);
            for (int x = 0; x < w; x++) {
                int nk = 255 - row[x * 4 + 3];
                for (int c = 0; c < 3; c++) {
                    int t = row[x * 4 + c] * nk + 128;
                    int v = nk - (((t >> 8) + t) >> 8);
                    out[(y * w + x) * 3 + c] = (byte) Math.max(0, Math.min(v, 255));
                }
            }
        }
        return new PixelImage(w, h, 3, out);
    }

    private static PixelImage viaJava2d(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        byte[] out = new byte[w * h * 3];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int o = (y * w + x) * 3;
                out[o] = (byte) (row[x] >> 16);
                out[o + 1] = (byte) (row[x] >> 8);
                out[o + 2] = (byte) row[x];
            }
        }
        return new PixelImage(w, h, 3, out);
    }
}
