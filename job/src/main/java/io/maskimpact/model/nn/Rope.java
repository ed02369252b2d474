package io.maskimpact.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.maskimpact.model.ModelLoadException;

/**
 * Rotary position embedding tables, 1-D or multimodal (M-RoPE), as transformers computes them:
 * {@code inv_freq = 1 / theta^(2i/D) / factor} in float32, angle = position * inv_freq in float32,
 * {@code cos, sin} of {@code cat(angles, angles)}, applied with {@code rotate_half}.
 *
 * <p>Each of the D/2 frequency slots reads its position from one axis: all from axis 0 for 1-D
 * RoPE; for M-RoPE the slots are split between temporal, height and width positions, in chunks
 * (Qwen2-VL, Qwen2.5-VL) or interleaved (Qwen3-VL).
 *
 * <p>Legend: T positions, D head dim.
 */
public final class Rope {
    private final float[] invFreq;   // (D/2)
    private final int[] slotAxis;    // (D/2): which position axis each slot reads
    private final int axes;

    private Rope(float[] invFreq, int[] slotAxis) {
        this.invFreq = invFreq;
        this.slotAxis = slotAxis;
        int max = 0;
        for (int a : slotAxis) {
            max = Math.max(max, a);
        }
        this.axes = max + 1;
    }

    /**
     * @param p the settings
     * @param headDim D
     * @return 1-D RoPE (every slot reads axis 0)
     */
    public static Rope standard(RopeParameters p, int headDim) {
        return new Rope(inverseFrequencies(p, headDim), new int[headDim / 2]);
    }

    /**
     * M-RoPE: slot j reads the temporal, height or width position.
     *
     * @param p the settings, with {@code mrope_section}
     * @param headDim D
     * @param interleaved Qwen3-VL's interleaved layout (else Qwen2-VL's chunks)
     * @param where the config file, for the error message
     * @return the rope
     * @throws ModelLoadException when the sections do not fit the head dim
     */
    public static Rope multimodal(RopeParameters p, int headDim, boolean interleaved, String where) throws ModelLoadException {
        int[] section = p.mropeSection();
        int half = headDim / 2;
        if (section == null || section.length != 3 || section[0] + section[1] + section[2] != half) {
            throw new ModelLoadException("Cannot load model: mrope_section in " + where + " must be three numbers summing to head_dim/2 = "
                    + half + " (got " + java.util.Arrays.toString(section) + ")");
        }
        int[] axis = new int[half];
        if (interleaved) {
            // transformers' apply_interleaved_mrope: height takes slots 1, 4, ... below 3*section[1],
            // width slots 2, 5, ... below 3*section[2]; every other slot stays temporal.
            for (int j = 0; j < half; j++) {
                if (j % 3 == 1 && j < 3 * section[1]) {
                    axis[j] = 1;
                } else if (j % 3 == 2 && j < 3 * section[2]) {
                    axis[j] = 2;
                }
            }
        } else {
            for (int j = 0; j < half; j++) {
                axis[j] = j < section[0] ? 0 : j < section[0] + section[1] ? 1 : 2;
            }
        }
        return new Rope(inverseFrequencies(p, headDim), axis);
    }

    /**
     * The 2-D rotary embedding of the Qwen-VL vision towers (transformers' "axial" vision RoPE): D/4
     * frequencies {@code 1 / theta^(arange(0, D/2, 2) / (D/2))}; slot j &lt; D/4 reads the height position
     * (axis 0) and slot D/4 + j the width position (axis 1), both with frequency j, so the angles of a
     * patch are {@code [h * inv, w * inv]}, then repeated for the second half of the head dim.
     *
     * @param theta the base
     * @param headDim D, a multiple of 4
     * @return the rope, reading positions (2, T): height then width
     */
    public static Rope axial(double theta, int headDim) {
        float[] quarter = inverseFrequencies(theta, 1.0, headDim / 2);
        float[] inv = new float[2 * quarter.length];
        int[] axis = new int[inv.length];
        for (int j = 0; j < quarter.length; j++) {
            inv[j] = quarter[j];
            inv[quarter.length + j] = quarter[j];
            axis[quarter.length + j] = 1;
        }
        return new Rope(inv, axis);
    }

    private static float[] inverseFrequencies(RopeParameters p, int headDim) {
        return inverseFrequencies(p.theta(), p.linearFactor(), headDim);
    }

    // In float32 step by step, as torch computes arange(0, D, 2).float() / D, base ** that, 1 / that.
    private static float[] inverseFrequencies(double theta, double linearFactor, int dim) {
        float[] inv = new float[dim / 2];
        for (int i = 0; i < inv.length; i++) {
            float exponent = (float) (2 * i) / (float) dim;
            float power = (float) Math.pow((float) theta, exponent);
            inv[i] = 1f / power / (float) linearFactor;
        }
        return inv;
    }

    /** @return position axes this rope reads */
    public int axes() {
        return axes;
    }

    /**
     * @param positions positions, (axes or more, T)
     * @param manager owner of the tables
     * @return cos and sin, each (T, D)
     */
    public Tables tables(int[][] positions, NDManager manager) {
        int count = positions[0].length;
        int half = invFreq.length;
        int dim = 2 * half;
        float[] cos = new float[count * dim];
        float[] sin = new float[count * dim];
        for (int t = 0; t < count; t++) {
            for (int i = 0; i < half; i++) {
                float angle = (float) positions[slotAxis[i]][t] * invFreq[i];
                float c = (float) Math.cos(angle);
                float s = (float) Math.sin(angle);
                cos[t * dim + i] = c;
                cos[t * dim + half + i] = c;
                sin[t * dim + i] = s;
                sin[t * dim + half + i] = s;
            }
        }
        return new Tables(manager.create(cos).reshape(count, dim), manager.create(sin).reshape(count, dim));
    }

    /**
     * The cos and sin tables of T positions.
     *
     * @param cos (T, D)
     * @param sin (T, D)
     */
    public record Tables(NDArray cos, NDArray sin) {
        /**
         * {@code x * cos + rotate_half(x) * sin} over the last axis.
         *
         * @param x (..., T, D)
         * @return rotated, same shape
         */
        public NDArray apply(NDArray x) {
            long half = x.getShape().get(x.getShape().dimension() - 1) / 2;
            NDArray x1 = x.get("..., :" + half);
            NDArray x2 = x.get("..., " + half + ":");
            return x.mul(cos).add(x2.neg().concat(x1, -1).mul(sin));
        }
    }
}
