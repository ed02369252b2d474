package io.maskimpact.model;

/**
 * The rotary position of every prompt token, on one axis (1-D RoPE) or three (temporal, height,
 * width: M-RoPE), as transformers' {@code get_rope_index} computes them, and how positions continue
 * for generated tokens.
 *
 * <p>The token at absolute index {@code i >= promptLength} gets position {@code i + delta} on every
 * axis (transformers' {@code rope_deltas}).
 *
 * @param ids positions, (axes, promptLength)
 * @param delta added to a generated token's index to get its position
 */
public record PositionIds(int[][] ids, int delta) {

    /**
     * @param length prompt tokens
     * @return positions 0..length-1 on one axis
     */
    public static PositionIds sequential(int length) {
        int[] ids = new int[length];
        for (int i = 0; i < length; i++) {
            ids[i] = i;
        }
        return new PositionIds(new int[][] {ids}, 0);
    }

    /** @return position axes (1 or 3) */
    public int axes() {
        return ids.length;
    }

    /** @return prompt tokens */
    public int promptLength() {
        return ids[0].length;
    }

    /**
     * @param from first absolute index
     * @param count tokens
     * @return their positions, (axes, count): prompt positions, then generated ones
     */
    public int[][] slice(int from, int count) {
        int[][] out = new int[ids.length][count];
        for (int a = 0; a < ids.length; a++) {
            for (int i = 0; i < count; i++) {
                int index = from + i;
                out[a][i] = index < promptLength() ? ids[a][index] : index + delta;
            }
        }
        return out;
    }
}
