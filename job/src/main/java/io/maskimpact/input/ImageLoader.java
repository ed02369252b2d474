package io.maskimpact.input;

import java.awt.image.BufferedImage;
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
 * and decodes it into the pixels transformers' {@code load_image} would give for the same file: the EXIF
 * orientation applied (JPEG and PNG; {@link ImageHeaders} reads it, ImageIO does not), then converted to
 * RGB as PIL's {@code convert("RGB")} converts ({@link PilRgb}: alpha dropped, not composited).
 *
 * <p>Every failure is a {@link PairRejection} with stage {@code image} and one line that says
 * what is wrong: file not found, empty, larger than {@code maxBytes}, not an image, corrupt or
 * truncated (including decoder warnings such as a JPEG's premature end, which ImageIO otherwise
 * only reports on the side). Memory stays bounded: files over {@code maxBytes} are rejected
 * before reading, and images over {@code maxPixels} are decoded with subsampling, so a
 * 20000x20000 image is read at a fraction of its size (transformers would read it whole); a
 * progressive JPEG over {@code maxPixels} is rejected instead, since the JDK's decoder keeps all of
 * its coefficients whatever the subsampling (869 MB for a 20000x20000 gray one, docs/RELIABILITY.md).
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
     * @param image the pixels as transformers' {@code load_image} gives them: EXIF orientation applied,
     *     converted to RGB as PIL's {@code convert("RGB")} converts
     * @param bytes the file's bytes
     * @param format the decoder's format name in lower case, e.g. {@code png}, {@code jpeg}
     */
    public record Decoded(PixelImage image, byte[] bytes, String format) {
    }

    /**
     * @param pairId the pair, for messages
     * @param uri the image's absolute URI
     * @return the image as transformers loads it
     * @throws PairRejection with stage {@code image} when it cannot be read or decoded
     */
    public PixelImage load(String pairId, String uri) throws PairRejection {
        return read(pairId, uri).image();
    }

    /**
     * @param pairId the pair, for messages
     * @param uri the image's absolute URI
     * @return the decoded image with the file's bytes
     * @throws PairRejection with stage {@code image} when it cannot be read or decoded
     */
    public Decoded read(String pairId, String uri) throws PairRejection {
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
                ImageHeaders headers = ImageHeaders.scan(bytes);
                if (headers.progressive() && pixels > maxPixels) {
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
                return new Decoded(ExifOrientation.apply(PilRgb.convert(image), headers.orientation()), bytes, format);
            } finally {
                reader.dispose();
            }
        } catch (PairRejection e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // ImageIO reports truncation as IIOException, EOFException or, for some PNGs, runtime exceptions
            throw InputErrors.imageCorrupt(pairId, uri, InputErrors.oneLine(e), e);
        }
    }

    private byte[] readBytes(String pairId, String uri) throws PairRejection {
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
}
