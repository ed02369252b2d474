package io.maskimpact.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Images through Hadoop's FileSystem: conversion of valid oddities, one clear error for bad files. */
class ImageLoaderTest {
    @TempDir
    Path tmp;
    private final ImageLoader loader = new ImageLoader(new Configuration(), 1 << 20, 10_000);

    private Path write(String name, BufferedImage image, String format) throws IOException {
        Path p = tmp.resolve(name);
        assertThat(ImageIO.write(image, format, p.toFile())).as("ImageIO can write %s", format).isTrue();
        return p;
    }

    private PixelImage load(Path p) throws PairRejection {
        return loader.load("p", p.toUri().toString());
    }

    @Test
    void grayscaleKeepsItsLevels() throws Exception {
        BufferedImage gray = new BufferedImage(4, 3, BufferedImage.TYPE_BYTE_GRAY);
        gray.getRaster().setSample(1, 1, 0, 100);
        PixelImage rgb = load(write("gray.png", gray, "png"));
        assertThat(rgb(rgb, 1, 1)).as("gray 100 stays 100 in each channel").isEqualTo(0x646464);
        assertThat(rgb(rgb, 0, 0)).isEqualTo(0);
    }

    @Test
    void sixteenBitGrayAndAlphaAreConverted() throws Exception {
        BufferedImage g16 = new BufferedImage(2, 2, BufferedImage.TYPE_USHORT_GRAY);
        g16.getRaster().setSample(0, 0, 0, 65535);
        assertThat(rgb(load(write("g16.png", g16, "png")), 0, 0)).as("16-bit grey clips at 255, as PIL converts I;16").isEqualTo(0xFFFFFF);

        BufferedImage argb = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(0, 0, 0x00FF0000); // fully transparent red
        argb.setRGB(1, 0, 0xFF0000FF); // opaque blue
        PixelImage rgb = load(write("alpha.png", argb, "png"));
        assertThat(rgb(rgb, 0, 0)).as("alpha is dropped, not composited, as PIL's convert(\"RGB\") does").isEqualTo(0xFF0000);
        assertThat(rgb(rgb, 1, 0)).isEqualTo(0x0000FF);
    }

    @Test
    void decodingWritesNoTemporaryFile() throws Exception {
        // ImageIO caches a plain stream in a temp file: a disk write per pair, on a node's shared /tmp.
        // With its cache folder gone, any such file fails the read.
        Path png = write("cached.png", new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB), "png");
        Path jpeg = Files.write(tmp.resolve("cached.jpg"), jpeg(new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB), null));
        Path cache = Files.createDirectories(tmp.resolve("imageio-cache"));
        java.io.File before = ImageIO.getCacheDirectory();
        boolean useCache = ImageIO.getUseCache();
        ImageIO.setUseCache(true);
        ImageIO.setCacheDirectory(cache.toFile());
        Files.delete(cache);
        try {
            assertThat(load(png).width()).isEqualTo(32);
            assertThat(load(jpeg).width()).isEqualTo(32);
        } finally {
            ImageIO.setCacheDirectory(before);
            ImageIO.setUseCache(useCache);
        }
    }

    @Test
    void aProgressiveJpegOverThePixelBoundIsRejectedNotDecoded() throws Exception {
        BufferedImage big = new BufferedImage(200, 100, BufferedImage.TYPE_INT_RGB);
        Path progressive = Files.write(tmp.resolve("progressive.jpg"), progressiveJpeg(big));
        assertThat(ImageHeaders.scan(Files.readAllBytes(progressive)).progressive()).isTrue();
        assertThatThrownBy(() -> loader.read("p", progressive.toUri().toString()))
                .isInstanceOf(PairRejection.class)
                .hasMessage("Cannot read image for pair p: a progressive JPEG of 200x100 pixels, over --max-image-pixels "
                        + "(10000): the decoder holds all of a progressive JPEG's data whatever the subsampling (~2 bytes "
                        + "per pixel and channel); save it as a baseline JPEG or smaller, or raise --max-image-pixels ("
                        + progressive.toUri() + ")");

        Path small = Files.write(tmp.resolve("progressive-small.jpg"),
                progressiveJpeg(new BufferedImage(100, 50, BufferedImage.TYPE_INT_RGB)));
        assertThat(load(small).width()).as("under the bound it is decoded").isEqualTo(100);
        Path baseline = Files.write(tmp.resolve("baseline.jpg"), jpeg(big, null));
        assertThat(ImageHeaders.scan(Files.readAllBytes(baseline)).progressive()).isFalse();
        assertThat(load(baseline).width()).as("a baseline JPEG is subsampled instead").isEqualTo(100);
    }

    @Test
    void largeImagesAreSubsampledToTheBound() throws Exception {
        BufferedImage big = new BufferedImage(400, 300, BufferedImage.TYPE_INT_RGB);
        PixelImage small = load(write("big.png", big, "png"));
        assertThat((long) small.width() * small.height()).as("at most about 10,000 pixels").isLessThanOrEqualTo(10_000);
        assertThat(small.width()).isEqualTo(100);
    }

    @Test
    void badFilesGetOneClearMessage() throws Exception {
        Path text = Files.writeString(tmp.resolve("text.jpg"), "not an image at all");
        Path empty = Files.write(tmp.resolve("empty.png"), new byte[0]);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB), "png", png);
        Path truncated = Files.write(tmp.resolve("cut.png"), Arrays.copyOf(png.toByteArray(), png.size() / 2));
        ByteArrayOutputStream jpg = new ByteArrayOutputStream();
        BufferedImage noisy = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        WritableRaster r = noisy.getRaster();
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                r.setSample(x, y, 0, (x * 31 + y * 17) % 256);
            }
        }
        ImageIO.write(noisy, "jpg", jpg);
        Path cutJpeg = Files.write(tmp.resolve("cut.jpg"), Arrays.copyOf(jpg.toByteArray(), jpg.size() / 2));
        Path big = Files.write(tmp.resolve("big.png"), new byte[(1 << 20) + 1]);

        assertThatThrownBy(() -> load(tmp.resolve("missing.png"))).isInstanceOf(PairRejection.class)
                .hasMessageStartingWith("Cannot read image for pair p: file not found")
                .satisfies(e -> assertThat(((PairRejection) e).stage()).isEqualTo("image"));
        assertThatThrownBy(() -> load(text)).hasMessageContaining("not a PNG, JPEG, GIF or BMP image");
        assertThatThrownBy(() -> load(empty)).hasMessageContaining("the file is empty");
        assertThatThrownBy(() -> load(truncated)).hasMessageContaining("corrupt or truncated");
        assertThatThrownBy(() -> load(cutJpeg)).hasMessageContaining("corrupt or truncated");
        assertThatThrownBy(() -> load(big)).hasMessageContaining("too large");
        assertThatThrownBy(() -> load(tmp)).hasMessageContaining("it is a folder");
    }

    // ---- unusual but valid images, built here byte by byte

    /** Encodes an RGB image or a raw raster (e.g. 4-band CMYK) as a JPEG at full quality. */
    static byte[] jpeg(BufferedImage image, java.awt.image.Raster raster) throws IOException {
        return encodeJpeg(image != null ? new javax.imageio.IIOImage(image, null, null)
                : new javax.imageio.IIOImage(raster, null, null), p -> {
                    p.setCompressionMode(javax.imageio.ImageWriteParam.MODE_EXPLICIT);
                    p.setCompressionQuality(1f);
                });
    }

    /** Encodes an RGB image as a progressive JPEG (SOF2). */
    static byte[] progressiveJpeg(BufferedImage image) throws IOException {
        return encodeJpeg(new javax.imageio.IIOImage(image, null, null),
                p -> p.setProgressiveMode(javax.imageio.ImageWriteParam.MODE_DEFAULT));
    }

    private static byte[] encodeJpeg(javax.imageio.IIOImage image,
                                     java.util.function.Consumer<javax.imageio.ImageWriteParam> settings) throws IOException {
        javax.imageio.ImageWriter w = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (javax.imageio.stream.ImageOutputStream os = ImageIO.createImageOutputStream(out)) {
            w.setOutput(os);
            javax.imageio.ImageWriteParam p = w.getDefaultWriteParam();
            settings.accept(p);
            w.write(null, image, p);
        } finally {
            w.dispose();
        }
        return out.toByteArray();
    }

    /** Inserts a marker segment (marker, 2-byte length, payload) right after a JPEG's SOI. */
    static byte[] withSegment(byte[] jpeg, int marker, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        out.write(0xFF);
        out.write(marker);
        out.write((payload.length + 2) >> 8);
        out.write((payload.length + 2) & 0xFF);
        out.write(payload, 0, payload.length);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    /** An Adobe APP14 payload: "Adobe", version 100, flags0, flags1, then the colour transform (0: none, 2: YCCK). */
    static byte[] adobe(int transform) {
        return new byte[] {'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, (byte) transform};
    }

    /** An APP1 payload: "Exif\0\0", a TIFF header and IFD0 with one entry, Orientation (SHORT). */
    static byte[] exifOrientation(int orientation, boolean littleEndian) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(6 + 8 + 2 + 12 + 4)
                .order(littleEndian ? java.nio.ByteOrder.LITTLE_ENDIAN : java.nio.ByteOrder.BIG_ENDIAN);
        b.put("Exif".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).put((byte) 0).put((byte) 0);
        b.put((byte) (littleEndian ? 'I' : 'M')).put((byte) (littleEndian ? 'I' : 'M')).putShort((short) 42).putInt(8);
        b.putShort((short) 1); // one entry
        b.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation).putShort((short) 0);
        b.putInt(0); // no next IFD
        return b.array();
    }

    private static final int RED = 0xFF0000;
    private static final int GREEN = 0x00FF00;
    private static final int BLUE = 0x0000FF;
    private static final int WHITE = 0xFFFFFF;

    /** The colour of a pixel, snapped to the nearest of the four test colours (JPEG is lossy). */
    private static int nearest(int rgb) {
        int best = RED;
        long bestD = Long.MAX_VALUE;
        for (int c : new int[] {RED, GREEN, BLUE, WHITE}) {
            long d = 0;
            for (int s = 0; s < 24; s += 8) {
                long diff = ((rgb >> s) & 0xFF) - ((c >> s) & 0xFF);
                d += diff * diff;
            }
            if (d < bestD) {
                bestD = d;
                best = c;
            }
        }
        return best;
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "orientation {0}")
    @org.junit.jupiter.params.provider.CsvSource({
            // orientation, upright size, then the colours at the upright picture's corners TL, TR, BL, BR,
            // for a stored 32x16 picture with red, green / blue, white quadrants
            "1, 32, 16, FF0000, 00FF00, 0000FF, FFFFFF",
            "2, 32, 16, 00FF00, FF0000, FFFFFF, 0000FF",
            "3, 32, 16, FFFFFF, 0000FF, 00FF00, FF0000",
            "4, 32, 16, 0000FF, FFFFFF, FF0000, 00FF00",
            "5, 16, 32, FF0000, 0000FF, 00FF00, FFFFFF",
            "6, 16, 32, 0000FF, FF0000, FFFFFF, 00FF00",
            "7, 16, 32, FFFFFF, 00FF00, 0000FF, FF0000",
            "8, 16, 32, 00FF00, FFFFFF, FF0000, 0000FF"})
    void exifRotatedJpegIsTurnedUpright(int orientation, int width, int height, String tl, String tr, String bl,
                                        String br) throws Exception {
        BufferedImage stored = new BufferedImage(32, 16, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 32; x++) {
                stored.setRGB(x, y, y < 8 ? (x < 16 ? RED : GREEN) : (x < 16 ? BLUE : WHITE));
            }
        }
        // big-endian ("MM") for odd orientations, little-endian ("II") for even ones: both byte orders
        byte[] bytes = withSegment(jpeg(stored, null), 0xE1, exifOrientation(orientation, orientation % 2 == 0));
        Path p = Files.write(tmp.resolve("exif-" + orientation + ".jpg"), bytes);
        PixelImage upright = load(p);
        assertThat(upright.width()).as("width").isEqualTo(width);
        assertThat(upright.height()).as("height").isEqualTo(height);
        int qx = width / 4;
        int qy = height / 4;
        assertThat(new int[] {nearest(rgb(upright, qx, qy)), nearest(rgb(upright, width - 1 - qx, qy)),
                nearest(rgb(upright, qx, height - 1 - qy)), nearest(rgb(upright, width - 1 - qx, height - 1 - qy))})
                .as("quadrant colours TL, TR, BL, BR").containsExactly(Integer.parseInt(tl, 16), Integer.parseInt(tr, 16),
                        Integer.parseInt(bl, 16), Integer.parseInt(br, 16));
    }

    @Test
    void aPngsExifChunkIsAppliedAsPilsExifTransposeDoes() throws Exception {
        // the reference harness's parity image, written by PIL with an eXIf chunk (Orientation 6), stored 60x40
        Path png = io.maskimpact.family.TinyModels.modelsDir().resolve("reference/pairs/exif_rotated_60x40.png");
        PixelImage upright = load(png);
        assertThat(upright.width()).as("width once turned upright (stored 60 wide, Orientation 6)").isEqualTo(40);
        assertThat(upright.height()).as("height once turned upright").isEqualTo(60);
    }

    @Test
    void malformedExifIsIgnoredNotFatal() throws Exception {
        BufferedImage img = new BufferedImage(8, 4, BufferedImage.TYPE_INT_RGB);
        byte[] exif = exifOrientation(6, false);
        exif[10] = 'X'; // not a TIFF byte order
        Path p = Files.write(tmp.resolve("bad-exif.jpg"), withSegment(jpeg(img, null), 0xE1, exif));
        assertThat(load(p).width()).as("left as stored").isEqualTo(8);
        byte[] cut = Arrays.copyOf(exifOrientation(6, false), 12); // segment ends inside the TIFF header
        Path q = Files.write(tmp.resolve("cut-exif.jpg"), withSegment(jpeg(img, null), 0xE1, cut));
        assertThat(load(q).width()).isEqualTo(8);
    }

    @Test
    void cmykJpegIsConvertedToRgb() throws Exception {
        // one CMYK colour over the whole picture, as raw samples
        int[] raw = {10, 200, 250, 240};
        java.awt.image.WritableRaster cmyk = java.awt.image.Raster.createInterleavedRaster(
                java.awt.image.DataBuffer.TYPE_BYTE, 16, 16, 4, null);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                cmyk.setPixel(x, y, raw);
            }
        }
        byte[] plain = jpeg(null, cmyk);
        // Adobe APP14 with transform 0: CMYK as stored, values inverted
        byte[] adobe = withSegment(plain, 0xEE, adobe(0));

        PixelImage fromAdobe = load(Files.write(tmp.resolve("adobe-cmyk.jpg"), adobe));
        // stored inverted (C = 255 - C'): R = (255 - C)(255 - K) / 255 = C' K' / 255 = 10 * 240 / 255 = 9,
        // G = 200 * 240 / 255 = 188, B = 250 * 240 / 255 = 235 (ImageIO's own drawing gives 54, 223, 246)
        assertChannels(rgb(fromAdobe, 8, 8), 9, 188, 235);

        // without the Adobe segment the JDK reads the samples the same way (as inverted), and so do we
        PixelImage fromPlain = load(Files.write(tmp.resolve("plain-cmyk.jpg"), plain));
        assertChannels(rgb(fromPlain, 8, 8), 9, 188, 235);
    }

    /**
     * A flat 16x16 YCCK JPEG (Adobe APP14 transform 2) of the given ink amounts, encoded as Adobe's
     * encoder (libjpeg's cmyk_ycck_convert) does: it stores CMYK inverted (C' = 255 - C), turns
     * 255 - C', 255 - M', 255 - Y' (so C, M, Y) into YCbCr by JFIF's equations, and keeps K' as is.
     */
    static byte[] ycckJpeg(int c, int m, int y, int k) throws IOException {
        int[] ycck = {
            (int) Math.round(0.299 * c + 0.587 * m + 0.114 * y),
            (int) Math.round(128 - 0.168736 * c - 0.331264 * m + 0.5 * y),
            (int) Math.round(128 + 0.5 * c - 0.418688 * m - 0.081312 * y),
            255 - k};
        WritableRaster raster = java.awt.image.Raster.createInterleavedRaster(java.awt.image.DataBuffer.TYPE_BYTE, 16,
                16, 4, null);
        for (int row = 0; row < 16; row++) {
            for (int col = 0; col < 16; col++) {
                raster.setPixel(col, row, ycck);
            }
        }
        return withSegment(jpeg(null, raster), 0xEE, adobe(2));
    }

    @Test
    void ycckJpegIsConvertedToRgb() throws Exception {
        // the ink of cmykJpegIsConvertedToRgb (stored there as C'M'Y'K' = 10, 200, 250, 240), stored as YCCK:
        // the JDK 17 decoder undoes the YCC transform, so the same colour comes out
        PixelImage rgb = load(Files.write(tmp.resolve("ycck.jpg"), ycckJpeg(245, 55, 5, 15)));
        assertChannels(rgb(rgb, 8, 8), 9, 188, 235);
    }

    /** @return the pixel as 0xRRGGBB */
    private static int rgb(PixelImage image, int x, int y) {
        return (image.get(x, y, 0) << 16) | (image.get(x, y, 1) << 8) | image.get(x, y, 2);
    }

    private static void assertChannels(int rgb, int r, int g, int b) {
        assertThat(new int[] {(rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF}).as("R, G, B of %06x", rgb & 0xFFFFFF)
                .satisfies(c -> {
                    assertThat(c[0]).isCloseTo(r, org.assertj.core.data.Offset.offset(3));
                    assertThat(c[1]).isCloseTo(g, org.assertj.core.data.Offset.offset(3));
                    assertThat(c[2]).isCloseTo(b, org.assertj.core.data.Offset.offset(3));
                });
    }

    @Test
    void palettePngKeepsThePaletteColourOfItsTransparentEntry() throws Exception {
        byte[] reds = {(byte) 255, 0, 0, 0};
        byte[] greens = {0, (byte) 128, 0, 0};
        byte[] blues = {0, 0, (byte) 255, (byte) 200};
        byte[] alphas = {(byte) 255, (byte) 255, (byte) 255, 0}; // entry 3 is transparent
        java.awt.image.IndexColorModel palette = new java.awt.image.IndexColorModel(2, 4, reds, greens, blues, alphas);
        BufferedImage indexed = new BufferedImage(4, 1, BufferedImage.TYPE_BYTE_BINARY, palette);
        for (int x = 0; x < 4; x++) {
            indexed.getRaster().setSample(x, 0, 0, x);
        }
        Path p = write("palette.png", indexed, "png");
        try (javax.imageio.stream.ImageInputStream in = ImageIO.createImageInputStream(p.toFile())) {
            javax.imageio.ImageReader r = ImageIO.getImageReaders(in).next();
            r.setInput(in);
            assertThat(r.getRawImageType(0).getColorModel()).as("the file really is a palette PNG")
                    .isInstanceOf(java.awt.image.IndexColorModel.class);
        }
        PixelImage rgb = load(p);
        assertThat(new int[] {rgb(rgb, 0, 0), rgb(rgb, 1, 0), rgb(rgb, 2, 0) & 0xFFFFFF,
                rgb(rgb, 3, 0)}).as("alpha dropped, as PIL's convert(\"RGB\"): the transparent entry keeps its colour").containsExactly(0xFF0000, 0x008000, 0x0000FF, 0x0000C8);
    }

    @Test
    void aTwentyThousandSquareImageIsDecodedSubsampled() throws Exception {
        // 20000x20000 one-bit pixels: 50 MB in memory to write, a small file; decoding it whole as RGB
        // would take 1.6 GB, the loader's bound (10,000 pixels here) keeps the result at 100x100
        BufferedImage huge = new BufferedImage(20_000, 20_000, BufferedImage.TYPE_BYTE_BINARY);
        huge.getRaster().setSample(0, 0, 0, 1);
        Path p = write("huge.png", huge, "png");
        huge = null;
        assertThat(Files.size(p)).as("the file fits the 1 MiB bound").isLessThan(1 << 20);
        PixelImage small = loadHuge(loader, p, "png");
        assertThat(rgb(small, 0, 0)).as("the subsampled grid keeps pixel (0, 0)").isEqualTo(0xFFFFFF);
    }

    @Test
    void aTwentyThousandSquareJpegIsDecodedSubsampled() throws Exception {
        // flat gray 200 from a single stored byte (pixel and row strides 0), so writing it takes no 400 MB
        // raster; each 8x8 block is then one DC code and an end of block: a 4.7 MB file
        java.awt.image.Raster flat = java.awt.image.Raster.createInterleavedRaster(
                new java.awt.image.DataBufferByte(new byte[] {(byte) 200}, 1), 20_000, 20_000, 0, 0, new int[] {0}, null);
        Path p = Files.write(tmp.resolve("huge.jpg"), jpeg(null, flat));
        ImageLoader defaultFileBound = new ImageLoader(new Configuration(), ImageLoader.DEFAULT_MAX_BYTES, 10_000);
        PixelImage small = loadHuge(defaultFileBound, p, "jpeg");
        assertThat(rgb(small, 50, 50)).as("gray 200").isEqualTo(0xC8C8C8);
    }

    /**
     * Most heap a 20000x20000 image may cost to load under the 10,000-pixel bound: reading the file (about
     * twice its few MB) and the small result, but no full-size raster (50 MB for the one-bit PNG, 400 MB
     * for the gray JPEG).
     */
    private static final long HUGE_IMAGE_HEAP_BOUND = 32L << 20;

    /**
     * Loads a 20000x20000 image and checks it comes out 100x100 without the loader ever holding a
     * full-size raster. The measure is the heap this thread allocates while loading (the decoder
     * runs on the calling thread): it bounds the load's peak heap from above, and unlike the heap's
     * used bytes it does not depend on when the GC runs or on what other threads do.
     */
    private PixelImage loadHuge(ImageLoader loader, Path p, String format) throws Exception {
        // a small image of the same format first, so that the one-off cost of the file system's and the
        // decoder's first use (about 14 MB) is not counted
        loader.load("p", write("warm-up." + format, new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB), format)
                .toUri().toString());
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        PixelImage small = loader.load("p", p.toUri().toString());
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        System.out.printf("huge image %s: 20000x20000 loaded as %dx%d, %.1f MB allocated on the heap%n", p.getFileName(),
                small.width(), small.height(), allocated / 1e6);
        assertThat(small.width()).isEqualTo(100);
        assertThat(small.height()).isEqualTo(100);
        assertThat(allocated).as("heap bytes allocated while loading %s", p.getFileName())
                .isLessThan(HUGE_IMAGE_HEAP_BOUND);
        return small;
    }
}
