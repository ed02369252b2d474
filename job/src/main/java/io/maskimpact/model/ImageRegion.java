package io.maskimpact.model;

import io.maskimpact.schema.OutputSchema;

/**
 * One image (or tile of an image) as the prompt holds it: a grid of maskable vision tokens that
 * covers a box of the original image.
 *
 * <p>Token {@code firstToken + r * gridCols + c} of the prompt is cell (r, c) of the region, row-major;
 * its box in original pixels is the region's box split evenly into {@code gridRows x gridCols}.
 *
 * @param index the region's index in the prompt, 0 first (the {@code image_index} column)
 * @param kind what the region is
 * @param gridRows token rows
 * @param gridCols token columns
 * @param firstToken position of its first vision token in the prompt
 * @param box the part of the original image the grid covers, in original pixels
 */
public record ImageRegion(int index, Kind kind, int gridRows, int gridCols, int firstToken, Box box) {

    /** What a region is. */
    public enum Kind {
        /** A whole image as the model saw it (resized, maybe cropped). */
        IMAGE(OutputSchema.REGION_IMAGE),
        /** One tile of an image split into tiles. */
        TILE(OutputSchema.REGION_TILE),
        /** The downscaled whole image that accompanies tiles. */
        GLOBAL(OutputSchema.REGION_GLOBAL);

        private final String columnValue;

        Kind(String columnValue) {
            this.columnValue = columnValue;
        }

        /** @return the value written to the output */
        public String columnValue() {
            return columnValue;
        }
    }

    /**
     * A rectangle in the original image's pixel coordinates: [x0, x1) x [y0, y1).
     *
     * @param x0 left edge
     * @param y0 top edge
     * @param x1 right edge
     * @param y1 bottom edge
     */
    public record Box(double x0, double y0, double x1, double y1) {
        /**
         * @param width image width
         * @param height image height
         * @return the whole image
         */
        public static Box whole(int width, int height) {
            return new Box(0, 0, width, height);
        }
    }

    /** @return vision tokens in the region */
    public int tokenCount() {
        return gridRows * gridCols;
    }
}
