package io.maskimpact.model.image;

import io.maskimpact.model.PromptException;

/**
 * Transformers' rules for the size an image is resized to, computed as Python computes them: true division in
 * doubles, {@code int()} truncation, {@code round()} to even, {@code math.floor} and {@code math.ceil}. A
 * rounded long side (77 instead of 76 for a 100x73 image to shortest edge 56) changes every pixel.
 */
public final class OutputSizes {
    /** Idefics3's absolute limit on either side of an image after its longest-edge resize (4k). */
    static final int IDEFICS3_MAX_IMAGE_SIZE = 4096;
    /** Qwen2-VL's smart_resize rejects images more elongated than this. */
    static final int QWEN_MAX_ASPECT_RATIO = 200;

    private OutputSizes() {
    }

    /**
     * @param height output rows
     * @param width output columns
     * @return always that size ({@code size={"height", "width"}})
     */
    public static OutputSize fixed(int height, int width) {
        return (h, w) -> new Size(height, width);
    }

    /**
     * {@code image_transforms.get_resize_output_image_size} with {@code default_to_square=False}
     * ({@code size={"shortest_edge"}}): the short side becomes {@code edge}, the long side
     * {@code int(edge * long / short)}.
     *
     * @param edge the short side's new length
     * @return the rule
     */
    public static OutputSize shortestEdge(int edge) {
        return (h, w) -> {
            int shortSide = Math.min(h, w);
            int longSide = Math.max(h, w);
            int newLong = (int) ((double) edge * longSide / shortSide);
            return w <= h ? new Size(newLong, edge) : new Size(edge, newLong);
        };
    }

    /**
     * {@code image_transforms.get_size_with_aspect_ratio} ({@code size={"shortest_edge", "longest_edge"}} in the
     * generic processors): the short side becomes {@code shortest} unless the long side would then pass
     * {@code longest}.
     *
     * @param shortest the short side's target
     * @param longest the long side's limit
     * @return the rule
     */
    public static OutputSize shortestAndLongestEdge(int shortest, int longest) {
        return (h, w) -> {
            double minSide = Math.min(h, w);
            double maxSide = Math.max(h, w);
            int size = shortest;
            double rawSize = Double.NaN;
            if (maxSide / minSide * size > longest) {
                rawSize = longest * minSide / maxSide;
                size = (int) Math.rint(rawSize);
            }
            boolean limited = !Double.isNaN(rawSize);
            if ((h <= w && h == size) || (w <= h && w == size)) {
                return new Size(h, w);
            }
            if (w < h) {
                return new Size(limited ? (int) (rawSize * h / w) : (int) ((double) size * h / w), size);
            }
            return new Size(size, limited ? (int) (rawSize * w / h) : (int) ((double) size * w / h));
        };
    }

    /**
     * {@code image_utils.get_image_size_for_max_height_width} ({@code size={"max_height", "max_width"}}): the
     * largest size with the image's aspect ratio that fits, up or down.
     *
     * @param maxHeight height limit
     * @param maxWidth width limit
     * @return the rule
     */
    public static OutputSize maxHeightWidth(int maxHeight, int maxWidth) {
        return (h, w) -> {
            double scale = Math.min((double) maxHeight / h, (double) maxWidth / w);
            return new Size((int) (h * scale), (int) (w * scale));
        };
    }

    /**
     * Qwen2-VL's {@code smart_resize}: both sides multiples of {@code factor} (patch size x merge size), as
     * close to the image's as rounding allows, then scaled down to at most {@code maxPixels} or up to at least
     * {@code minPixels}.
     *
     * @param factor the multiple
     * @param minPixels the least number of pixels
     * @param maxPixels the most number of pixels
     * @return the rule; it rejects images more than 200 times longer than wide
     */
    public static OutputSize smartResize(int factor, long minPixels, long maxPixels) {
        return (h, w) -> {
            double ratio = (double) Math.max(h, w) / Math.min(h, w);
            if (ratio > QWEN_MAX_ASPECT_RATIO) {
                throw new PromptException("Cannot preprocess a " + w + "x" + h + " image: its aspect ratio " + ratio
                        + " exceeds " + QWEN_MAX_ASPECT_RATIO + " (Qwen2-VL's smart_resize limit; crop it first)");
            }
            long hBar = (long) Math.rint((double) h / factor) * factor;
            long wBar = (long) Math.rint((double) w / factor) * factor;
            if (hBar * wBar > maxPixels) {
                double beta = Math.sqrt((double) h * w / maxPixels);
                hBar = Math.max(factor, (long) Math.floor(h / beta / factor) * factor);
                wBar = Math.max(factor, (long) Math.floor(w / beta / factor) * factor);
            } else if (hBar * wBar < minPixels) {
                double beta = Math.sqrt((double) minPixels / ((long) h * w));
                hBar = (long) Math.ceil(h * beta / factor) * factor;
                wBar = (long) Math.ceil(w * beta / factor) * factor;
            }
            return new Size(Math.toIntExact(hBar), Math.toIntExact(wBar));
        };
    }

    /**
     * Idefics3's {@code get_resize_output_image_size}: the longest side becomes {@code longestEdge} (up or down),
     * the other follows the aspect ratio truncated and then rounded up to even, and both are then kept under
     * 4096 ({@code _resize_output_size_rescale_to_max_len}, then {@code _resize_output_size_scale_below_upper_bound}).
     *
     * @param longestEdge the longest side's new length
     * @return the rule
     */
    public static OutputSize longestEdge(int longestEdge) {
        return (h, w) -> {
            Size scaled = rescaleToMaxLength(h, w, longestEdge);
            return scaleBelowUpperBound(scaled.height(), scaled.width(), IDEFICS3_MAX_IMAGE_SIZE);
        };
    }

    private static Size rescaleToMaxLength(int height, int width, int maxLength) {
        double aspectRatio = (double) width / height;
        int h = height;
        int w = width;
        if (width >= height) {
            w = maxLength;
            h = (int) (w / aspectRatio);
            h += h % 2;
        } else {
            h = maxLength;
            w = (int) (h * aspectRatio);
            w += w % 2;
        }
        return new Size(Math.max(h, 1), Math.max(w, 1));
    }

    private static Size scaleBelowUpperBound(int height, int width, int maxLength) {
        double aspectRatio = (double) width / height;
        int h = height;
        int w = width;
        if (width >= height && width > maxLength) {
            w = maxLength;
            h = (int) (w / aspectRatio);
        } else if (height > width && height > maxLength) {
            h = maxLength;
            w = (int) (h * aspectRatio);
        }
        return new Size(Math.max(h, 1), Math.max(w, 1));
    }

    /**
     * Idefics3's {@code resize_for_vision_encoder}: the longer side rounded up to a multiple of {@code tile}, the
     * other side from the aspect ratio, truncated, then rounded up to a multiple of {@code tile} too.
     *
     * @param tile the vision encoder's input size ({@code max_image_size.longest_edge})
     * @return the rule
     */
    public static OutputSize multiplesOf(int tile) {
        return (h, w) -> {
            double aspectRatio = (double) w / h;
            if (w >= h) {
                int width = (int) Math.ceil((double) w / tile) * tile;
                int height = (int) Math.ceil((double) (int) (width / aspectRatio) / tile) * tile;
                return new Size(height, width);
            }
            int height = (int) Math.ceil((double) h / tile) * tile;
            int width = (int) Math.ceil((double) (int) (height * aspectRatio) / tile) * tile;
            return new Size(height, width);
        };
    }
}
