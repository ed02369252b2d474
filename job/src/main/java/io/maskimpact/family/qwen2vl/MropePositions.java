package io.maskimpact.family.qwen2vl;

import io.maskimpact.model.PositionIds;

import java.util.Iterator;
import java.util.List;

/**
 * The 3-D rotary positions (temporal, height, width) of a Qwen-VL prompt, as transformers'
 * {@code Qwen2VLModel.get_rope_index} computes them (Qwen2.5-VL and Qwen3-VL use the same rule for images).
 *
 * <p>The prompt is walked in runs of text and image tokens ({@code mm_token_type_ids}; only
 * {@code <|image_pad|>} tokens are image tokens, {@code <|vision_start|>} and {@code <|vision_end|>} are
 * text). A text run of n tokens takes positions {@code cur .. cur + n - 1} on all three axes and moves
 * {@code cur} by n. An image run over a grid of gh x gw merged cells takes, for cell (r, c) in raster order,
 * {@code (cur, cur + r, cur + c)} and moves {@code cur} by {@code max(gh, gw)}. Generated tokens continue
 * with {@code index + delta}, {@code delta = max position + 1 - prompt length}.
 *
 * <p>Example (107 tokens, a 10 x 18 patch grid, so 5 x 9 cells): {@code <|vision_start|>} at 44, the image
 * tokens (45, 45, 45), (45, 45, 46), ..., (45, 49, 53), {@code <|vision_end|>} at 54, delta -36.
 */
final class MropePositions {

    private MropePositions() {
    }

    /**
     * @param isImage per prompt token, whether it is an image token
     * @param grids per image run, in order, its (rows, columns) of merged cells
     * @return the positions and delta
     * @throws IllegalArgumentException when the image runs and the grids do not match
     */
    static PositionIds of(boolean[] isImage, List<int[]> grids) {
        int length = isImage.length;
        int[][] ids = new int[3][length];
        Iterator<int[]> nextGrid = grids.iterator();
        int cur = 0;
        int max = -1;
        int i = 0;
        while (i < length) {
            int end = i;
            while (end < length && isImage[end] == isImage[i]) {
                end++;
            }
            if (!isImage[i]) {
                for (int j = i; j < end; j++) {
                    int p = cur + j - i;
                    ids[0][j] = p;
                    ids[1][j] = p;
                    ids[2][j] = p;
                    max = Math.max(max, p);
                }
                cur += end - i;
            } else {
                if (!nextGrid.hasNext()) {
                    throw new IllegalArgumentException("more image runs than image grids in the prompt");
                }
                int[] grid = nextGrid.next();
                if (grid[0] * grid[1] != end - i) {
                    throw new IllegalArgumentException("an image run of " + (end - i) + " tokens for a grid of "
                            + grid[0] + " x " + grid[1] + " merged cells");
                }
                for (int j = i; j < end; j++) {
                    int cell = j - i;
                    ids[0][j] = cur;
                    ids[1][j] = cur + cell / grid[1];
                    ids[2][j] = cur + cell % grid[1];
                    max = Math.max(max, Math.max(ids[1][j], ids[2][j]));
                }
                cur += Math.max(grid[0], grid[1]);
            }
            i = end;
        }
        return new PositionIds(ids, max + 1 - length);
    }
}
