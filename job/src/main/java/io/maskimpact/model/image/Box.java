package io.maskimpact.model.image;

/**
 * A rectangle in the original image's pixel coordinates (x to the right, y down, edges between pixels, so a
 * whole {@code w x h} image is {@code (0, 0, w, h)}): where an image region's pixels come from.
 *
 * <p>A region that a center crop padded reaches outside the image (negative or beyond the size); a region
 * cut from a resized image has fractional edges.
 *
 * @param left x of the left edge
 * @param top y of the top edge
 * @param right x of the right edge
 * @param bottom y of the bottom edge
 */
public record Box(double left, double top, double right, double bottom) {

    /**
     * @param image an image
     * @return the box of all of it
     */
    public static Box whole(PixelImage image) {
        return new Box(0, 0, image.width(), image.height());
    }

    /**
     * Maps a rectangle given in the pixels of an image that covers this box (evenly, as after a resize) to
     * original coordinates.
     *
     * @param pixelWidth width of that image
     * @param pixelHeight height of that image
     * @param x first column of the rectangle
     * @param y first row
     * @param w columns
     * @param h rows
     * @return the rectangle's box in original coordinates
     */
    public Box part(int pixelWidth, int pixelHeight, int x, int y, int w, int h) {
        double sx = (right - left) / pixelWidth;
        double sy = (bottom - top) / pixelHeight;
        return new Box(left + x * sx, top + y * sy, left + (x + w) * sx, top + (y + h) * sy);
    }
}
