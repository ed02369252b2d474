package io.maskimpact.analysis;

import ai.djl.ndarray.NDManager;
import io.maskimpact.model.DecoderSession;
import io.maskimpact.model.LayerTrace;

/** Computes one layer's baseline and masked outputs at the final position; exact or naive. */
interface LayerMasking {

    /**
     * @param session the decoder session after this step's forward
     * @param layer the layer
     * @param trace the layer's baseline internals at the final position
     * @param positions key positions to hide, one at a time (P)
     * @param step owner of every array created
     * @return the compared vectors ({@code Full} ones may be null when not measured)
     */
    LayerOutputs compute(DecoderSession session, int layer, LayerTrace trace, int[] positions, NDManager step);

    /**
     * @param algorithm exact or naive
     * @param variants what will be measured: without {@code Full}, the exact algorithm skips the MLP
     * @return the implementation
     */
    static LayerMasking of(Algorithm algorithm, VariantSet variants) {
        return algorithm == Algorithm.EXACT ? new ExactMasking(variants.full()) : new NaiveMasking();
    }
}
