package io.maskimpact.family.qwen2vl;

import java.util.ArrayList;
import java.util.List;

/**
 * Where each patch of a Qwen-VL image sits, as transformers' {@code vision_utils} computes it from
 * {@code image_grid_thw}: the patches' (row, column) in merge-block order, Qwen2.5-VL's attention windows,
 * and Qwen3-VL's bilinear taps into its learned position table. Index arithmetic only, no arrays.
 *
 * <p>Merge-block order: the U = merge² patches of merged cell 0, then of cell 1, ...; cells in raster order
 * over (gridH / merge, gridW / merge); within a cell, row by row.
 */
final class VisionGeometry {

    private VisionGeometry() {
    }

    /**
     * {@code get_vision_position_ids} for one still image.
     *
     * @param gridH patch rows
     * @param gridW patch columns
     * @param merge merge size
     * @return per patch in merge-block order, its row (index 0) and column (index 1): (2, N)
     */
    static int[][] patchPositions(int gridH, int gridW, int merge) {
        int[][] out = new int[2][gridH * gridW];
        int k = 0;
        for (int bh = 0; bh < gridH / merge; bh++) {
            for (int bw = 0; bw < gridW / merge; bw++) {
                for (int mh = 0; mh < merge; mh++) {
                    for (int mw = 0; mw < merge; mw++) {
                        out[0][k] = bh * merge + mh;
                        out[1][k] = bw * merge + mw;
                        k++;
                    }
                }
            }
        }
        return out;
    }

    /**
     * @param positions (axes, N)
     * @param order new index to old index
     * @return the positions in the new order
     */
    static int[][] reorder(int[][] positions, int[] order) {
        int[][] out = new int[positions.length][order.length];
        for (int a = 0; a < positions.length; a++) {
            for (int i = 0; i < order.length; i++) {
                out[a][i] = positions[a][order[i]];
            }
        }
        return out;
    }

    /**
     * Qwen2.5-VL's attention windows of one still image.
     *
     * @param cellOrder merged cells window by window ({@code window_index}): windows row-major over the
     *     grid of windows tiled from the top-left, cells row-major inside each
     * @param bounds window boundaries in patches, {@code [0, ..., N]} ({@code cu_window_seqlens}, empty
     *     windows dropped)
     */
    record Windows(int[] cellOrder, int[] bounds) {

        /**
         * @param unit patches per merged cell
         * @return patches in window order: new index to old (merge-block) index
         */
        int[] patchOrder(int unit) {
            int[] order = new int[cellOrder.length * unit];
            for (int i = 0; i < cellOrder.length; i++) {
                for (int u = 0; u < unit; u++) {
                    order[i * unit + u] = cellOrder[i] * unit + u;
                }
            }
            return order;
        }

        /** @return for each merged cell in raster order, its row in window order ({@code argsort(window_index)}) */
        int[] inverseCellOrder() {
            int[] inverse = new int[cellOrder.length];
            for (int i = 0; i < cellOrder.length; i++) {
                inverse[cellOrder[i]] = i;
            }
            return inverse;
        }
    }

    /**
     * {@code get_vision_window_index} for one still image.
     *
     * @param gridH patch rows
     * @param gridW patch columns
     * @param merge merge size
     * @param windowCells window side in merged cells ({@code window_size / merge / patch})
     * @return the windows
     */
    static Windows windows(int gridH, int gridW, int merge, int windowCells) {
        int cellsH = gridH / merge;
        int cellsW = gridW / merge;
        int windowsH = (cellsH + windowCells - 1) / windowCells;
        int windowsW = (cellsW + windowCells - 1) / windowCells;
        int unit = merge * merge;
        int[] order = new int[cellsH * cellsW];
        List<Integer> bounds = new ArrayList<>(List.of(0));
        int next = 0;
        for (int wh = 0; wh < windowsH; wh++) {
            for (int ww = 0; ww < windowsW; ww++) {
                for (int r = wh * windowCells; r < Math.min(cellsH, (wh + 1) * windowCells); r++) {
                    for (int c = ww * windowCells; c < Math.min(cellsW, (ww + 1) * windowCells); c++) {
                        order[next++] = r * cellsW + c;
                    }
                }
                bounds.add(next * unit);
            }
        }
        return new Windows(order, bounds.stream().mapToInt(Integer::intValue).toArray());
    }

    /**
     * Bilinear taps of each patch into a side x side table.
     *
     * @param indices (N * 4): per patch, entries (r0, c0), (r0, c1), (r1, c0), (r1, c1) as r * side + c
     * @param weights (N * 4): their weights
     */
    record Taps(long[] indices, float[] weights) {
    }

    /**
     * Qwen3-VL's {@code get_vision_interpolation_indices_and_weights} (bilinear, align_corners) for one still
     * image, in float32 as torch computes it: source coordinate {@code index * (side - 1) / max(size - 1, 1)},
     * taps floor and floor + 1 clamped to the table, weights {@code max(0, 1 - |source - tap|)}, the 2-D weight
     * the product of the row and column weights.
     *
     * @param patchPositions (2, N) from {@link #patchPositions}
     * @param gridH patch rows
     * @param gridW patch columns
     * @param side the table's side
     * @return the taps
     */
    static Taps bilinearTaps(int[][] patchPositions, int gridH, int gridW, int side) {
        int n = patchPositions[0].length;
        long[] indices = new long[n * 4];
        float[] weights = new float[n * 4];
        int[] rowTaps = new int[2];
        int[] colTaps = new int[2];
        float[] rowWeights = new float[2];
        float[] colWeights = new float[2];
        for (int i = 0; i < n; i++) {
            axisTaps(patchPositions[0][i], gridH, side, rowTaps, rowWeights);
            axisTaps(patchPositions[1][i], gridW, side, colTaps, colWeights);
            for (int a = 0; a < 2; a++) {
                for (int b = 0; b < 2; b++) {
                    indices[i * 4 + a * 2 + b] = (long) rowTaps[a] * side + colTaps[b];
                    weights[i * 4 + a * 2 + b] = rowWeights[a] * colWeights[b];
                }
            }
        }
        return new Taps(indices, weights);
    }

    private static void axisTaps(int index, int size, int side, int[] taps, float[] weights) {
        float source = (float) index * (float) (side - 1) / (float) Math.max(size - 1, 1);
        float floor = (float) Math.floor(source);
        for (int o = 0; o < 2; o++) {
            taps[o] = Math.min(Math.max((int) floor + o, 0), side - 1);
            float distance = Math.abs(source - floor - o);
            weights[o] = Math.max(1f - distance, 0f);
        }
    }
}
