package io.maskimpact.udfs;

/**
 * Where a vision token's grid cell lies in an image, in pixels: the value of the SQL function
 * {@code mi_patch_box}.
 *
 * <p>The grid of {@code gridRows x gridCols} cells is laid evenly over an image of
 * {@code imageWidth x imageHeight} pixels, with the origin at the top-left corner, x to the right
 * and y down (the convention of image files and of the viewer). A cell's box is
 * {@code [x, x + width) x [y, y + height)}; boxes may have fractional edges when the image size is
 * not a multiple of the grid.
 *
 * <p>A run's {@code pairs.regions} give each image region's grid and the box of the original image it
 * covers (the whole image, a centre crop, or a tile); {@link #inRegion} lays the grid over that box, so
 * its result is in the original image's pixels. {@link #of} lays it over a whole picture of a given size.
 *
 * <pre>
 * PatchBox.of(0, 1, 2, 2, 640, 480)                  // x=320 y=0 width=320 height=240 centerX=480 centerY=120
 * PatchBox.inRegion(0, 1, 2, 2, 640, 0, 640, 480)    // the same cell in a tile whose box starts at x=640: x=960
 * </pre>
 *
 * @param x left edge
 * @param y top edge
 * @param width cell width
 * @param height cell height
 * @param centerX horizontal centre, {@code x + width / 2}
 * @param centerY vertical centre, {@code y + height / 2}
 */
public record PatchBox(double x, double y, double width, double height, double centerX, double centerY) {

    /**
     * Computes a cell's box.
     *
     * @param row grid row, from 0 at the top
     * @param col grid column, from 0 at the left
     * @param gridRows rows in the grid
     * @param gridCols columns in the grid
     * @param imageWidth width of the picture the grid covers, in pixels
     * @param imageHeight height of that picture, in pixels
     * @return the cell's box
     * @throws IllegalArgumentException when the grid or the image is empty, or the cell lies outside the grid
     */
    public static PatchBox of(int row, int col, int gridRows, int gridCols, double imageWidth, double imageHeight) {
        return inRegion(row, col, gridRows, gridCols, 0, 0, imageWidth, imageHeight);
    }

    /**
     * Computes a cell's box when the grid covers the box [x, x + width) x [y, y + height) of an image.
     *
     * @param row grid row, from 0 at the top
     * @param col grid column, from 0 at the left
     * @param gridRows rows in the grid
     * @param gridCols columns in the grid
     * @param x left edge of the region's box
     * @param y top edge of the region's box
     * @param imageWidth width of the region's box
     * @param imageHeight height of the region's box
     * @return the cell's box, in the coordinates of x and y
     * @throws IllegalArgumentException when the grid or the box is empty, or the cell lies outside the grid
     */
    public static PatchBox inRegion(int row, int col, int gridRows, int gridCols, double x, double y,
                                    double imageWidth, double imageHeight) {
        if (gridRows <= 0 || gridCols <= 0) {
            throw new IllegalArgumentException(String.format(
                    "Cannot place a patch in a %dx%d grid: the grid must have at least one row and column",
                    gridRows, gridCols));
        }
        if (!(imageWidth > 0) || !(imageHeight > 0)) {
            throw new IllegalArgumentException(String.format(
                    "Cannot place a patch in a %sx%s image: width and height must be positive",
                    imageWidth, imageHeight));
        }
        if (row < 0 || row >= gridRows || col < 0 || col >= gridCols) {
            throw new IllegalArgumentException(String.format(
                    "Cannot place patch (row %d, col %d) in a %dx%d grid (rows 0..%d, cols 0..%d)",
                    row, col, gridRows, gridCols, gridRows - 1, gridCols - 1));
        }
        double width = imageWidth / gridCols;
        double height = imageHeight / gridRows;
        double left = x + col * width;
        double top = y + row * height;
        return new PatchBox(left, top, width, height, left + width / 2, top + height / 2);
    }
}
