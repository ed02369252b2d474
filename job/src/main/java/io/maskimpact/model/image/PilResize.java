package io.maskimpact.model.image;

import java.util.Arrays;

/**
 * {@code PIL.Image.resize} on 8-bit L and RGB images, computed as Pillow 12 computes it, so that the bytes
 * are the same as Python's.
 *
 * <p>Written by hand because no Java library reproduces PIL: Java2D, imgscalr, Thumbnailator and DJL
 * (libtorch, bicubic a = -0.75, float) all resample differently, by up to 15/255 here, which is enough to flip
 * a model's greedy tokens. What Pillow does, and this class with it (Pillow's {@code Image.resize},
 * {@code _imaging.c} {@code _resize}, {@code libImaging/Resample.c} and {@code Geometry.c}):
 * <ul>
 *   <li>Same size: a copy. NEAREST: each output pixel's centre is mapped back with a step that is added up
 *       pixel by pixel (not multiplied), then truncated to a source pixel.
 *   <li>Other filters: separable, horizontal pass first, then vertical, each skipped when its size does not
 *       change. The horizontal pass only computes the source rows that the vertical pass reads.
 *   <li>Coefficients per output pixel: the kernel centred on the output pixel's centre mapped back, stretched
 *       by the scale when downsampling (antialiasing: support = kernel support x max(scale, 1)), over the
 *       source pixels whose centres it reaches, normalized to sum 1, then turned into 22-bit fixed point
 *       (rounded half away from zero).
 *   <li>Each output sample: fixed-point sum of weight x byte, plus a half, shifted back and clipped to 0-255;
 *       the intermediate image after the first pass is 8-bit too.
 *   <li>An image more than 100 times taller than wide that loses height is resized in two calls, height
 *       first, then width (Pillow's guard against huge intermediate images), which changes the rounding.
 * </ul>
 * {@code reducing_gap} is not used: transformers calls {@code resize} without it.
 *
 * <p>The kernels use {@link Math#sin} and {@link Math#cos} where Pillow uses the C library's; a last-bit
 * difference in a LANCZOS or HAMMING weight can, rarely, move a fixed-point coefficient by one and a pixel by
 * one level. The tests against PIL measure how often.
 */
public final class PilResize {
    /** Pillow's PRECISION_BITS: 32 bits less 8 for the result and 2 for overshoot of the negative lobes. */
    private static final int PRECISION_BITS = 32 - 8 - 2;

    private PilResize() {
    }

    /**
     * @param image an L or RGB image
     * @param width output width, at least 1
     * @param height output height, at least 1
     * @param filter PIL's filter
     * @return the resized image, as {@code PIL.Image.resize((width, height), resample=filter)} returns it
     */
    public static PixelImage resize(PixelImage image, int width, int height, Resampling filter) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("Cannot resize to " + width + "x" + height + ": height and width must be > 0");
        }
        if (width == image.width() && height == image.height()) {
            return image.copy();
        }
        if (image.height() > image.width() * 100 && height < image.height()) {
            // Image.resize: height first over the whole width, then width over the new height
            PixelImage tall = resizeCore(image, image.width(), height, filter, fullBox(image));
            return resizeCore(tall, width, height, filter, new float[] {0, 0, image.width(), height});
        }
        return resizeCore(image, width, height, filter, fullBox(image));
    }

    private static float[] fullBox(PixelImage image) {
        return new float[] {0, 0, image.width(), image.height()};
    }

    /** {@code _imaging.c _resize}: a crop when the box already has the size, else nearest or the two passes. */
    private static PixelImage resizeCore(PixelImage in, int xsize, int ysize, Resampling filter, float[] box) {
        if (box[0] == (int) box[0] && box[2] - box[0] == xsize && box[1] == (int) box[1] && box[3] - box[1] == ysize) {
            return in.crop((int) box[0], (int) box[1], xsize, ysize);
        }
        if (filter == Resampling.NEAREST) {
            return nearest(in, xsize, ysize, box);
        }
        return twoPass(in, xsize, ysize, filter, box);
    }

    /** {@code Geometry.c ImagingScaleAffine}: positions accumulate by repeated addition, as in Pillow. */
    private static PixelImage nearest(PixelImage in, int xsize, int ysize, float[] box) {
        double a0 = (double) (box[2] - box[0]) / xsize;
        double a4 = (double) (box[3] - box[1]) / ysize;
        int channels = in.channels();
        int[] sourceX = new int[xsize];
        int xmin = xsize;
        int xmax = 0;
        double xo = box[0] + a0 * 0.5;
        for (int x = 0; x < xsize; x++) {
            int xin = coord(xo);
            if (xin >= 0 && xin < in.width()) {
                xmax = x + 1;
                xmin = Math.min(xmin, x);
                sourceX[x] = xin;
            }
            xo += a0;
        }
        byte[] src = in.data();
        byte[] out = new byte[xsize * ysize * channels];   // pixels that map outside stay 0, as Pillow fills them
        double yo = box[1] + a4 * 0.5;
        for (int y = 0; y < ysize; y++) {
            int yin = coord(yo);
            if (yin >= 0 && yin < in.height()) {
                for (int x = xmin; x < xmax; x++) {
                    System.arraycopy(src, (yin * in.width() + sourceX[x]) * channels, out, (y * xsize + x) * channels, channels);
                }
            }
            yo += a4;
        }
        return new PixelImage(xsize, ysize, channels, out);
    }

    /** Geometry.c's COORD: truncation, and -1 for any negative position. */
    private static int coord(double v) {
        return v < 0.0 ? -1 : (int) v;
    }

    /** {@code Resample.c ImagingResampleInner}. */
    private static PixelImage twoPass(PixelImage in, int xsize, int ysize, Resampling filter, float[] box) {
        // Pillow compares box[2] with the output width here, not the input's; with a full box that is the same test
        boolean horizontal = xsize != in.width() || box[0] != 0 || box[2] != xsize;
        boolean vertical = ysize != in.height() || box[1] != 0 || box[3] != ysize;
        Coefficients vert = Coefficients.of(in.height(), box[1], box[3], ysize, filter);
        PixelImage current = in;
        if (horizontal) {
            int firstRow = vert.start[0];
            int lastRow = vert.start[ysize - 1] + vert.count[ysize - 1];
            for (int i = 0; i < ysize; i++) {
                vert.start[i] -= firstRow;
            }
            Coefficients horiz = Coefficients.of(in.width(), box[0], box[2], xsize, filter);
            current = horizontalPass(in, firstRow, lastRow - firstRow, horiz);
        }
        if (vertical) {
            current = verticalPass(current, ysize, vert);
        }
        return current == in ? in.copy() : current;
    }

    private static PixelImage horizontalPass(PixelImage in, int firstRow, int rows, Coefficients k) {
        int channels = in.channels();
        int outW = k.start.length;
        byte[] src = in.data();
        byte[] out = new byte[outW * rows * channels];
        int[] sum = new int[channels];
        for (int y = 0; y < rows; y++) {
            int rowBase = (y + firstRow) * in.width();
            for (int xx = 0; xx < outW; xx++) {
                Arrays.fill(sum, 1 << (PRECISION_BITS - 1));
                int base = (rowBase + k.start[xx]) * channels;
                int kBase = xx * k.size;
                for (int x = 0; x < k.count[xx]; x++) {
                    int weight = k.fixed[kBase + x];
                    int p = base + x * channels;
                    for (int c = 0; c < channels; c++) {
                        sum[c] += (src[p + c] & 0xFF) * weight;
                    }
                }
                int o = (y * outW + xx) * channels;
                for (int c = 0; c < channels; c++) {
                    out[o + c] = clip8(sum[c]);
                }
            }
        }
        return new PixelImage(outW, rows, channels, out);
    }

    private static PixelImage verticalPass(PixelImage in, int ysize, Coefficients k) {
        int channels = in.channels();
        int rowLength = in.width() * channels;
        byte[] src = in.data();
        byte[] out = new byte[rowLength * ysize];
        int[] sum = new int[rowLength];
        for (int yy = 0; yy < ysize; yy++) {
            Arrays.fill(sum, 1 << (PRECISION_BITS - 1));
            int kBase = yy * k.size;
            for (int y = 0; y < k.count[yy]; y++) {
                int weight = k.fixed[kBase + y];
                int row = (k.start[yy] + y) * rowLength;
                for (int i = 0; i < rowLength; i++) {
                    sum[i] += (src[row + i] & 0xFF) * weight;
                }
            }
            int o = yy * rowLength;
            for (int i = 0; i < rowLength; i++) {
                out[o + i] = clip8(sum[i]);
            }
        }
        return new PixelImage(in.width(), ysize, channels, out);
    }

    private static byte clip8(int fixedPoint) {
        int v = fixedPoint >> PRECISION_BITS;
        return (byte) (v < 0 ? 0 : Math.min(v, 255));
    }

    /**
     * The weights of one pass ({@code Resample.c precompute_coeffs} and {@code normalize_coeffs_8bpc}): output
     * pixel i reads {@code count[i]} source pixels from {@code start[i]} with the fixed-point weights
     * {@code fixed[i * size ...]}.
     */
    private static final class Coefficients {
        final int[] start;
        final int[] count;
        final int[] fixed;
        final int size;

        private Coefficients(int[] start, int[] count, int[] fixed, int size) {
            this.start = start;
            this.count = count;
            this.fixed = fixed;
            this.size = size;
        }

        static Coefficients of(int inSize, float in0, float in1, int outSize, Resampling filter) {
            // the box is float in Pillow; its width is taken in float, then widened
            double scale = (double) (in1 - in0) / outSize;
            double filterScale = Math.max(scale, 1.0);
            double support = filter.support() * filterScale;
            int size = (int) Math.ceil(support) * 2 + 1;
            int[] start = new int[outSize];
            int[] count = new int[outSize];
            int[] fixed = new int[outSize * size];
            double[] k = new double[size];
            for (int xx = 0; xx < outSize; xx++) {
                double center = in0 + (xx + 0.5) * scale;
                double ss = 1.0 / filterScale;
                int xmin = Math.max((int) (center - support + 0.5), 0);
                int xmax = Math.min((int) (center + support + 0.5), inSize) - xmin;
                double ww = 0.0;
                for (int x = 0; x < xmax; x++) {
                    double w = filter.weight((x + xmin - center + 0.5) * ss);
                    k[x] = w;
                    ww += w;
                }
                for (int x = 0; x < xmax; x++) {
                    double normalized = ww != 0.0 ? k[x] / ww : k[x];
                    double scaled = normalized * (1 << PRECISION_BITS);
                    fixed[xx * size + x] = (int) (normalized < 0 ? -0.5 + scaled : 0.5 + scaled);
                }
                start[xx] = xmin;
                count[xx] = xmax;
            }
            return new Coefficients(start, count, fixed, size);
        }
    }
}
