package io.maskimpact.model.image;

import java.util.Arrays;

/**
 * An 8-bit image as PIL holds one in mode {@code L} (1 channel) or {@code RGB} (3 channels): rows top to
 * bottom, pixels left to right, channels interleaved, {@code data[(y * width + x) * channels + c]}.
 *
 * <p>The array is not copied on the way in or out: treat it as immutable once the image is built.
 *
 * @param width pixels per row, at least 1
 * @param height rows, at least 1
 * @param channels 1 or 3
 * @param data {@code width * height * channels} unsigned bytes
 */
public record PixelImage(int width, int height, int channels, byte[] data) {

    /** Checks the sizes. */
    public PixelImage {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("An image needs at least one pixel, got " + width + "x" + height);
        }
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("An image has 1 (L) or 3 (RGB) channels, got " + channels);
        }
        if (data.length != (long) width * height * channels) {
            throw new IllegalArgumentException("Pixel data has " + data.length + " bytes, expected "
                    + width + "x" + height + "x" + channels);
        }
    }

    /**
     * @param width pixels per row
     * @param height rows
     * @param channels 1 or 3
     * @return an all-zero (black) image
     */
    public static PixelImage blank(int width, int height, int channels) {
        return new PixelImage(width, height, channels, new byte[width * height * channels]);
    }

    /**
     * @param x column
     * @param y row
     * @param c channel
     * @return the sample, 0 to 255
     */
    public int get(int x, int y, int c) {
        return data[(y * width + x) * channels + c] & 0xFF;
    }

    /**
     * The pixels of a rectangle, as numpy slicing {@code image[top:top+h, left:left+w]} gives them, except that
     * the rectangle must lie inside the image.
     *
     * @param left first column
     * @param top first row
     * @param w columns
     * @param h rows
     * @return a new image of {@code w x h}
     */
    public PixelImage crop(int left, int top, int w, int h) {
        if (left < 0 || top < 0 || w < 1 || h < 1 || left + w > width || top + h > height) {
            throw new IllegalArgumentException("Crop " + w + "x" + h + " at (" + left + ", " + top
                    + ") does not lie inside a " + width + "x" + height + " image");
        }
        byte[] out = new byte[w * h * channels];
        int rowBytes = w * channels;
        for (int y = 0; y < h; y++) {
            System.arraycopy(data, ((top + y) * width + left) * channels, out, y * rowBytes, rowBytes);
        }
        return new PixelImage(w, h, channels, out);
    }

    /** @return an image with its own copy of the pixels */
    public PixelImage copy() {
        return new PixelImage(width, height, channels, data.clone());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PixelImage p && p.width == width && p.height == height && p.channels == channels
                && Arrays.equals(p.data, data);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * width + height) + channels) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "PixelImage[" + width + "x" + height + "x" + channels + "]";
    }
}
