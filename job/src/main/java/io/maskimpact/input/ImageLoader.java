package io.maskimpact.input;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Reads an image through Hadoop's FileSystem ({@code file:}, {@code hdfs:}, {@code s3a:} alike)
 * and decodes it into an 8-bit RGB {@link BufferedImage}.
 *
 * <p>Every failure is a {@link InputRejection} with stage {@code image} and one line that says
 * what is wrong: file not found, empty, larger than {@code maxBytes}, not an image, corrupt or
 * truncated (including decoder warnings such as a JPEG's premature end, which ImageIO otherwise
 * only reports on the side). Memory stays bounded: files over {@code maxBytes} are rejected
 * before reading, and images over {@code maxPixels} are decoded with subsampling, so a
 * 20000x20000 image is read at a fraction of its size; a progressive JPEG over {@code maxPixels}
 * is rejected instead, since the JDK's decoder keeps all of its coefficients whatever the
 * subsampling (869 MB for a 20000x20000 gray one, docs/RELIABILITY.md). Grayscale (8 or 16 bit), palette,
 * 16-bit and alpha images are converted to RGB (alpha over white); gray values are copied, not
 * colour-managed, so a gray level stays the same number. CMYK JPEGs, YCCK-encoded ones included, are
 * converted from their samples with the naive formula (no ICC profile; see {@link #cmykToRgb}). A JPEG's or PNG's EXIF orientation is applied
 * ({@link JpegMarkers} reads it; ImageIO does not), so the model sees the picture upright.
 *
 * <p>Not thread-safe across calls only in the sense that each call opens its own streams; one
 * loader per task is the intended use.
 */
public final class ImageLoader {
    /** Default bound on an image file's size. */
    public static final long DEFAULT_MAX_BYTES = 64L << 20;
    /** Default bound on decoded pixels (about 5000x5000); larger images are subsampled to fit. */
    public static final long DEFAULT_MAX_PIXELS = 25_000_000L;

    private final Configuration conf;
    private final long maxBytes;
    private final long maxPixels;

    /**
     * @param conf Hadoop configuration (credentials and file system settings)
     * @param maxBytes files larger than this are rejected
     * @param maxPixels images with more pixels are decoded with subsampling
     */
    public ImageLoader(Configuration conf, long maxBytes, long maxPixels) {
        this.conf = conf;
        this.maxBytes = maxBytes;
        this.maxPixels = maxPixels;
    }

    /**
     * A decoded image and the file it came from.
     *
     * @param image the pixels as {@link BufferedImage#TYPE_INT_RGB}
     * @param bytes the file's bytes
     * @param format the decoder's format name in lower case, e.g. {@code png}, {@code jpeg}
     * @param decoded the image as the decoder returned it, before RGB conversion and orientation: alpha,
     *     palette and 16-bit samples intact, for converting as PIL does ({@code model.image.PilRgb}), which
     *     differs from {@code image} (PIL drops alpha instead of compositing over white; 16 bits keep the high byte)
     * @param orientation the JPEG's (or PNG's) EXIF orientation, 1 to 8 (1 when absent), already applied to {@code image}
     *     but not to {@code decoded}
     */
    public record Decoded(BufferedImage image, byte[] bytes, String format, BufferedImage decoded, int orientation) {
    }

    /**
     * @param pairId the pair, for messages
     * @param uri the image's absolute URI
     * @return the image as {@link BufferedImage#TYPE_INT_RGB}
     * @throws InputRejection with stage {@code image} when it cannot be read or decoded
     */
    public BufferedImage load(String pairId, String uri) throws InputRejection {
        return read(pairId, uri).image();
    }

    /**
     * @param pairId the pair, for messages
     * @param uri the image's absolute URI
     * @return the decoded image with the file's bytes
     * @throws InputRejection with stage {@code image} when it cannot be read or decoded
     */
    public Decoded read(String pairId, String uri) throws InputRejection {
        byte[] bytes = readBytes(pairId, uri);
        // the bytes are in memory already: ImageIO's own stream for them would copy them to a temp file
        try (ImageInputStream iis = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(iis);
            if (!readers.hasNext()) {
                throw InputErrors.notAnImage(pairId, uri);
            }
            ImageReader reader = readers.next();
            List<String> warnings = new ArrayList<>();
            try {
                reader.setInput(iis, true, true);
                reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                JpegMarkers jpeg = JpegMarkers.scan(bytes);
                if (jpeg.progressive() && pixels > maxPixels) {
                    throw InputErrors.progressiveTooLarge(pairId, uri, reader.getWidth(0), reader.getHeight(0), maxPixels);
                }
                ImageReadParam param = reader.getDefaultReadParam();
                if (pixels > maxPixels) {
                    int step = (int) Math.ceil(Math.sqrt((double) pixels / maxPixels));
                    param.setSourceSubsampling(step, step, 0, 0);
                }
                BufferedImage image = reader.read(0, param);
                if (!warnings.isEmpty()) {
                    throw InputErrors.imageCorrupt(pairId, uri, warnings.get(0), null);
                }
                if (image == null || image.getWidth() < 1 || image.getHeight() < 1) {
                    throw InputErrors.imageCorrupt(pairId, uri, "no pixels", null);
                }
                String format = reader.getFormatName().toLowerCase(java.util.Locale.ROOT);
                BufferedImage rgb = isCmyk(image) ? cmykToRgb(image) : toRgb(image);
                return new Decoded(orient(rgb, jpeg.orientation()), bytes, format, image, jpeg.orientation());
            } finally {
                reader.dispose();
            }
        } catch (InputRejection e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // ImageIO reports truncation as IIOException, EOFException or, for some PNGs, runtime exceptions
            throw InputErrors.imageCorrupt(pairId, uri, InputErrors.oneLine(e), e);
        }
    }

    private byte[] readBytes(String pairId, String uri) throws InputRejection {
        Path path = new Path(uri);
        try {
            FileSystem fs = path.getFileSystem(conf);
            FileStatus status = fs.getFileStatus(path);
            if (status.isDirectory()) {
                throw InputErrors.imageUnreadable(pairId, uri, new IOException("it is a folder"));
            }
            long len = status.getLen();
            if (len == 0) {
                throw InputErrors.imageEmpty(pairId, uri);
            }
            if (len > maxBytes) {
                throw InputErrors.imageTooLarge(pairId, uri, len, maxBytes);
            }
            try (InputStream in = fs.open(path)) {
                return in.readNBytes((int) len);
            }
        } catch (FileNotFoundException e) {
            throw InputErrors.imageNotFound(pairId, uri);
        } catch (IOException | IllegalArgumentException e) {
            throw InputErrors.imageUnreadable(pairId, uri, e);
        }
    }

    private static boolean isCmyk(BufferedImage image) {
        return image.getColorModel().getColorSpace().getType() == java.awt.color.ColorSpace.TYPE_CMYK
                && image.getRaster().getNumBands() == 4;
    }

    /**
     * CMYK to RGB from the decoded samples, without an ICC profile: {@code R = (255 - C)(255 - K) / 255},
     * likewise G from M and B from Y.
     *
     * <p>Why not ImageIO's own conversion: on JDK 17 the JPEG reader does decode CMYK JPEGs (with
     * or without an Adobe APP14 segment), and it already undoes Adobe's inverted storage, so its
     * samples are true ink amounts; YCCK-encoded ones (Adobe transform 2) come out the same way, as
     * the decoder undoes the YCC transform. But drawing that image into sRGB treats the result as linear
     * and brightens it (stored C'M'Y'K' = 10, 200, 250, 240 came out as 54, 223, 246 instead of
     * 9, 188, 235). Older JDKs threw "Unsupported Image Type" instead; such a file would fail as
     * corrupt there, with an {@code errors} row.
     *
     * @param src a 4-band CMYK image as the JDK decodes it
     * @return the pixels as 8-bit RGB
     */
    static BufferedImage cmykToRgb(BufferedImage src) {
        int w = src.getWidth();
        int h = src.getHeight();
        Raster raster = src.getRaster();
        int max = (1 << src.getColorModel().getComponentSize(0)) - 1;
        BufferedImage dst = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] px = new int[4];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                raster.getPixel(x, y, px);
                int rgb = 0;
                for (int c = 0; c < 3; c++) {
                    double ink = px[c] / (double) max;
                    double black = px[3] / (double) max;
                    double v = (1 - ink) * (1 - black);
                    rgb = (rgb << 8) | (int) Math.round(v * 255);
                }
                dst.setRGB(x, y, rgb);
            }
        }
        return dst;
    }

    /**
     * Applies an EXIF orientation: the stored pixels are turned so the picture reads upright.
     * Orientations 5 to 8 swap width and height. Each is an exact pixel permutation (multiples of
     * 90 degrees and mirrors with whole-pixel translations, nearest-neighbour drawing).
     *
     * @param src an RGB image as stored in the file
     * @param orientation the EXIF value, 1 to 8 (1: as stored)
     * @return the upright image; {@code src} itself for orientation 1
     */
    static BufferedImage orient(BufferedImage src, int orientation) {
        int w = src.getWidth();
        int h = src.getHeight();
        // new AffineTransform(m00, m10, m01, m11, m02, m12): x' = m00 x + m01 y + m02, y' = m10 x + m11 y + m12
        java.awt.geom.AffineTransform t = switch (orientation) {
            case 2 -> new java.awt.geom.AffineTransform(-1, 0, 0, 1, w, 0);   // mirror left-right
            case 3 -> new java.awt.geom.AffineTransform(-1, 0, 0, -1, w, h);  // rotate 180
            case 4 -> new java.awt.geom.AffineTransform(1, 0, 0, -1, 0, h);   // mirror top-bottom
            case 5 -> new java.awt.geom.AffineTransform(0, 1, 1, 0, 0, 0);    // transpose
            case 6 -> new java.awt.geom.AffineTransform(0, 1, -1, 0, h, 0);   // rotate 90 clockwise
            case 7 -> new java.awt.geom.AffineTransform(0, -1, -1, 0, h, w);  // transverse
            case 8 -> new java.awt.geom.AffineTransform(0, -1, 1, 0, 0, w);   // rotate 90 counter-clockwise
            default -> null;
        };
        if (t == null) {
            return src;
        }
        boolean swap = orientation >= 5;
        BufferedImage dst = new BufferedImage(swap ? h : w, swap ? w : h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = dst.createGraphics();
        try {
            g.setRenderingHint(java.awt.RenderingHints.KEY_INTERPOLATION,
                    java.awt.RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
            g.drawImage(src, t, null);
        } finally {
            g.dispose();
        }
        return dst;
    }

    /**
     * @param src any decoded image
     * @return the same pixels as 8-bit RGB; {@code src} itself when it already is
     */
    static BufferedImage toRgb(BufferedImage src) {
        if (src.getType() == BufferedImage.TYPE_INT_RGB) {
            return src;
        }
        int w = src.getWidth();
        int h = src.getHeight();
        BufferedImage dst = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Raster raster = src.getRaster();
        int bands = raster.getNumBands();
        boolean gray = src.getColorModel().getColorSpace().getType() == java.awt.color.ColorSpace.TYPE_GRAY
                && bands <= 2;
        if (gray) {
            // copy gray levels as numbers: drawing a linear-gray image into sRGB would change them
            int bits = src.getColorModel().getComponentSize(0);
            int max = (1 << bits) - 1;
            int[] px = new int[bands];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    raster.getPixel(x, y, px);
                    double v = px[0] * 255.0 / max;
                    if (bands == 2) {
                        double a = px[1] / (double) ((1 << src.getColorModel().getComponentSize(1)) - 1);
                        v = v * a + 255.0 * (1 - a);
                    }
                    int g = (int) Math.round(v);
                    dst.setRGB(x, y, (g << 16) | (g << 8) | g);
                }
            }
            return dst;
        }
        Graphics2D g = dst.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, w, h);
            g.drawImage(src, 0, 0, null);
        } finally {
            g.dispose();
        }
        return dst;
    }
}
