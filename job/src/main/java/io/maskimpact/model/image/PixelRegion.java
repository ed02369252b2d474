package io.maskimpact.model.image;

import io.maskimpact.input.PixelImage;
import io.maskimpact.model.ImageRegion.Box;
import io.maskimpact.model.ImageRegion.Kind;

/**
 * An image region on its way through the 8-bit steps of a processor (resize, crop, split): its pixels, where
 * they come from in the original image, and what it is.
 *
 * @param kind what the region is to the model
 * @param pixels its pixels now
 * @param box where they come from, in the original image's pixel coordinates (fractional after a resize;
 *     reaching outside the image where a center crop added black)
 * @param row the region's row in its grid (tiles; pan-and-scan crops), -1 for none
 * @param col the region's column in its grid, -1 for none
 */
public record PixelRegion(Kind kind, PixelImage pixels, Box box, int row, int col) {

    /**
     * @param image the original image
     * @return the whole image as the one region a processor starts from
     */
    public static PixelRegion whole(PixelImage image) {
        return new PixelRegion(Kind.IMAGE, image, Box.whole(image.width(), image.height()), -1, -1);
    }

    /**
     * @param resized the same region's pixels at another size
     * @return this region with those pixels (same box, kind and grid position)
     */
    public PixelRegion withPixels(PixelImage resized) {
        return new PixelRegion(kind, resized, box, row, col);
    }

    /**
     * @param kind the part's kind
     * @param x first column, in this region's pixels
     * @param y first row
     * @param w columns
     * @param h rows
     * @param row the part's row in its grid, -1 for none
     * @param col the part's column in its grid, -1 for none
     * @return the part of this region inside the rectangle, with its box mapped back to the original image
     */
    public PixelRegion part(Kind kind, int x, int y, int w, int h, int row, int col) {
        return new PixelRegion(kind, pixels.crop(x, y, w, h), boxOf(x, y, w, h), row, col);
    }

    /**
     * @param x first column, in this region's pixels (may lie outside them)
     * @param y first row
     * @param w columns
     * @param h rows
     * @return the rectangle in original coordinates: this region's pixels cover its box evenly
     */
    public Box boxOf(int x, int y, int w, int h) {
        double sx = (box.x1() - box.x0()) / pixels.width();
        double sy = (box.y1() - box.y0()) / pixels.height();
        return new Box(box.x0() + x * sx, box.y0() + y * sy, box.x0() + (x + w) * sx, box.y0() + (y + h) * sy);
    }
}
