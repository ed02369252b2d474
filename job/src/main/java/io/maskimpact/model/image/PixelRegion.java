package io.maskimpact.model.image;

/**
 * An image region on its way through the 8-bit steps of a processor (resize, crop, split): its pixels, where
 * they come from in the original image, and what it is.
 *
 * @param kind what the region is to the model
 * @param pixels its pixels now
 * @param box where they come from, in the original image's pixel coordinates
 * @param row the region's row in its grid (tiles; pan-and-scan crops), -1 for none
 * @param col the region's column in its grid, -1 for none
 */
public record PixelRegion(RegionKind kind, PixelImage pixels, Box box, int row, int col) {

    /**
     * @param image the original image
     * @return the whole image as the one region a processor starts from
     */
    public static PixelRegion whole(PixelImage image) {
        return new PixelRegion(RegionKind.IMAGE, image, Box.whole(image), -1, -1);
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
    public PixelRegion part(RegionKind kind, int x, int y, int w, int h, int row, int col) {
        return new PixelRegion(kind, pixels.crop(x, y, w, h), box.part(pixels.width(), pixels.height(), x, y, w, h), row, col);
    }
}
