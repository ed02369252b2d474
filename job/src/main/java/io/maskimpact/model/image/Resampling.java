package io.maskimpact.model.image;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * PIL's resampling filters, numbered as {@code PIL.Image.Resampling} numbers them, which is what the
 * {@code resample} key of an image processor config holds.
 *
 * <p>Each filter is a kernel over distances measured in output pixels, with the support (half-width) that
 * Pillow gives it; when downsampling, the resampler stretches both by the scale, which is PIL's antialiasing.
 * The kernels are Pillow's, term for term, including the float literals of the Hamming window, so that the
 * coefficients come out as the same doubles.
 */
public enum Resampling {
    /** Nearest neighbour (PIL 0); not a kernel: PIL maps each output pixel's centre back to one source pixel. */
    NEAREST(0, 0.0),
    /** Lanczos, a sinc windowed by a sinc, over three lobes (PIL 1). */
    LANCZOS(1, 3.0),
    /** Triangle (PIL 2). */
    BILINEAR(2, 1.0),
    /** Keys' cubic with a = -0.5 (PIL 3); libtorch's bicubic uses a = -0.75 and differs. */
    BICUBIC(3, 2.0),
    /** Box (PIL 4). */
    BOX(4, 0.5),
    /** Sinc with a Hamming window (PIL 5). */
    HAMMING(5, 1.0);

    private final int pilId;
    private final double support;

    Resampling(int pilId, double support) {
        this.pilId = pilId;
        this.support = support;
    }

    /** @return the number PIL and the configs use for this filter */
    public int pilId() {
        return pilId;
    }

    /** @return the kernel's half-width at scale 1, in pixels */
    double support() {
        return support;
    }

    /**
     * @param pilId a {@code resample} value from a config
     * @return the filter with that number
     * @throws IllegalArgumentException for a number PIL does not have
     */
    public static Resampling fromPil(int pilId) {
        for (Resampling r : values()) {
            if (r.pilId == pilId) {
                return r;
            }
        }
        throw new IllegalArgumentException("No PIL resampling filter " + pilId + " (supported: "
                + Arrays.stream(values()).map(r -> r.pilId + " " + r).collect(Collectors.joining(", ")) + ")");
    }

    /**
     * @param x distance from the kernel's centre, in (stretched) pixels
     * @return the kernel's weight there
     */
    double weight(double x) {
        return switch (this) {
            case BOX -> x > -0.5 && x <= 0.5 ? 1.0 : 0.0;
            case BILINEAR -> Math.abs(x) < 1.0 ? 1.0 - Math.abs(x) : 0.0;
            case HAMMING -> hamming(Math.abs(x));
            case BICUBIC -> bicubic(Math.abs(x));
            case LANCZOS -> -3.0 <= x && x < 3.0 ? sinc(x) * sinc(x / 3) : 0.0;
            case NEAREST -> throw new IllegalStateException("NEAREST has no kernel");
        };
    }

    private static double hamming(double x) {
        if (x == 0.0) {
            return 1.0;
        }
        if (x >= 1.0) {
            return 0.0;
        }
        double px = x * Math.PI;
        // Pillow writes the window with float literals; they widen to these doubles
        return Math.sin(px) / px * (0.54f + 0.46f * Math.cos(px));
    }

    private static double bicubic(double x) {
        double a = -0.5;
        if (x < 1.0) {
            return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
        }
        if (x < 2.0) {
            return (((x - 5) * x + 8) * x - 4) * a;
        }
        return 0.0;
    }

    private static double sinc(double x) {
        if (x == 0.0) {
            return 1.0;
        }
        double px = x * Math.PI;
        return Math.sin(px) / px;
    }
}
