package io.maskimpact.input;

/**
 * The header facts the JDK's decoders leave to us: the EXIF orientation of a JPEG (APP1) or a PNG
 * ({@code eXIf} chunk) — ImageIO ignores it, while transformers' {@code load_image} applies it, so a
 * phone photo taken upright would otherwise reach the model sideways — and whether a JPEG's frame is
 * progressive (the JDK then holds every coefficient of the image, whatever the subsampling).
 *
 * <p>A small, bounded parser: for a JPEG it walks the marker segments from SOI to the first SOS
 * (start of scan, where the compressed data begins), for a PNG the chunks, and reads only what it needs. Anything malformed
 * yields the neutral answer (orientation 1) rather than an error: the
 * decoder, not this parser, decides whether the file is an image.
 *
 * @param orientation EXIF orientation tag 0x0112, 1 to 8 (1 = upright; 1 when absent or invalid)
 * @param progressive whether the frame header is a progressive one (SOF2, SOF6, SOF10 or SOF14)
 */
record ImageHeaders(int orientation, boolean progressive) {
    static final ImageHeaders NONE = new ImageHeaders(1, false);

    private static final int SOI = 0xD8;
    private static final int EOI = 0xD9;
    private static final int SOS = 0xDA;
    private static final int APP1 = 0xE1;
    private static final int TAG_ORIENTATION = 0x0112;
    private static final int TYPE_SHORT = 3;

    /**
     * @param b a file's bytes
     * @return its orientation and frame kind; {@link #NONE} when it is neither a JPEG nor a PNG
     */
    static ImageHeaders scan(byte[] b) {
        if (isPng(b)) {
            return new ImageHeaders(pngOrientation(b), false);
        }
        if (b.length < 4 || u8(b, 0) != 0xFF || u8(b, 1) != SOI) {
            return NONE;
        }
        int orientation = 1;
        boolean progressive = false;
        int i = 2;
        while (i + 4 <= b.length) {
            if (u8(b, i) != 0xFF) {
                break; // not at a marker: give up quietly
            }
            int marker = u8(b, i + 1);
            if (marker == 0xFF) { // fill byte before a marker
                i++;
                continue;
            }
            if (marker == SOS || marker == EOI) {
                break; // the header is over
            }
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                i += 2; // TEM and RSTn carry no length
                continue;
            }
            int length = u16(b, i + 2, false); // counts itself, not the marker
            int start = i + 4;
            int end = i + 2 + length;
            if (length < 2 || end > b.length) {
                break;
            }
            progressive |= marker == 0xC2 || marker == 0xC6 || marker == 0xCA || marker == 0xCE;
            if (marker == APP1 && end - start >= 6 && ascii(b, start, "Exif") && b[start + 4] == 0
                    && b[start + 5] == 0) {
                orientation = exifOrientation(b, start + 6, end);
            }
            i = end;
        }
        return new ImageHeaders(orientation, progressive);
    }

    private static boolean isPng(byte[] b) {
        return b.length >= 8 && u8(b, 0) == 0x89 && ascii(b, 1, "PNG") && u8(b, 4) == 0x0D && u8(b, 5) == 0x0A
                && u8(b, 6) == 0x1A && u8(b, 7) == 0x0A;
    }

    /** Walks the chunks (length, type, data, CRC) to the {@code eXIf} chunk, which holds the TIFF structure itself. */
    private static int pngOrientation(byte[] b) {
        int i = 8;
        while (i + 8 <= b.length) {
            long length = u32(b, i, false);
            int start = i + 8;
            if (length > b.length - start) {
                break;
            }
            if (ascii(b, i + 4, "eXIf")) {
                return exifOrientation(b, start, start + (int) length);
            }
            if (ascii(b, i + 4, "IEND")) {
                break;
            }
            i = start + (int) length + 4;
        }
        return 1;
    }

    /**
     * Reads tag 0x0112 from IFD0 of the TIFF structure that follows "Exif\0\0": byte order
     * ("II" little-endian, "MM" big-endian), the number 42, the offset of IFD0 (from the TIFF
     * start), then IFD0's entries of 12 bytes: tag, type, count, value (a SHORT sits in the
     * value field's first two bytes).
     */
    private static int exifOrientation(byte[] b, int tiff, int end) {
        if (tiff + 8 > end) {
            return 1;
        }
        boolean little;
        if (b[tiff] == 'I' && b[tiff + 1] == 'I') {
            little = true;
        } else if (b[tiff] == 'M' && b[tiff + 1] == 'M') {
            little = false;
        } else {
            return 1;
        }
        if (u16(b, tiff + 2, little) != 42) {
            return 1;
        }
        long ifd = u32(b, tiff + 4, little);
        if (ifd < 8 || tiff + ifd + 2 > end) {
            return 1;
        }
        int p = (int) (tiff + ifd);
        int entries = u16(b, p, little);
        for (int k = 0; k < entries; k++) {
            int e = p + 2 + 12 * k;
            if (e + 12 > end) {
                break;
            }
            if (u16(b, e, little) == TAG_ORIENTATION) {
                int v = u16(b, e + 8, little);
                return u16(b, e + 2, little) == TYPE_SHORT && v >= 1 && v <= 8 ? v : 1;
            }
        }
        return 1;
    }

    private static boolean ascii(byte[] b, int at, String s) {
        for (int k = 0; k < s.length(); k++) {
            if (b[at + k] != s.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private static int u8(byte[] b, int i) {
        return b[i] & 0xFF;
    }

    private static int u16(byte[] b, int i, boolean little) {
        return little ? u8(b, i) | (u8(b, i + 1) << 8) : (u8(b, i) << 8) | u8(b, i + 1);
    }

    private static long u32(byte[] b, int i, boolean little) {
        return little ? (u16(b, i, true) & 0xFFFFL) | ((long) u16(b, i + 2, true) << 16)
                : ((long) u16(b, i, false) << 16) | u16(b, i + 2, false);
    }
}
