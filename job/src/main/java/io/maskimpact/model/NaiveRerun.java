package io.maskimpact.model;

import ai.djl.ndarray.NDManager;

/**
 * The original tool's algorithm on a decoder session: re-run one layer over the whole sequence,
 * from its cached input, with one key column hidden from every query.
 */
public interface NaiveRerun {

    /**
     * @param layer a decoder layer
     * @param columns key positions to hide, one per batch entry; a negative one hides nothing
     * @param step owner of the result
     * @return the outputs at the final position, one per batch entry
     */
    MaskedLayer rerunMasked(int layer, int[] columns, NDManager step);
}
