package io.maskimpact.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/** Index arrays for NDArray gathers, which take int64. */
public final class Indexes {
    private Indexes() {
    }

    /**
     * @param manager owner of the result
     * @param values indices
     * @return an int64 array of them
     */
    public static NDArray of(NDManager manager, int[] values) {
        long[] longs = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            longs[i] = values[i];
        }
        return manager.create(longs);
    }
}
