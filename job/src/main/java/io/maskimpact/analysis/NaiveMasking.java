package io.maskimpact.analysis;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.maskimpact.model.DecoderSession;
import io.maskimpact.model.LayerTrace;
import io.maskimpact.model.MaskedLayer;

/**
 * The reference semantics, the original tool's algorithm: re-run the whole layer over the
 * sequence once per masked position, with that key's attention logit set to the dtype minimum
 * for every query. Cost O(P x S x d^2) per layer; kept to prove {@link ExactMasking} and to
 * measure its speed-up.
 */
final class NaiveMasking implements LayerMasking {
    /** A batch entry with no masked column: the baseline, computed by the same batched path. */
    static final int NO_MASK = -1;

    @Override
    public LayerOutputs compute(DecoderSession session, int layer, LayerTrace trace, int[] positions, NDManager step) {
        int[] columns = new int[positions.length + 1];
        columns[0] = NO_MASK;
        System.arraycopy(positions, 0, columns, 1, positions.length);
        MaskedLayer all = session.naive().rerunMasked(layer, columns, step);       // B = P + 1 entries
        NDArray full = all.residPost().sub(trace.residPre());              // (P+1, d)
        return new LayerOutputs(all.heads().get(0), all.heads().get("1:"),
                all.attn().get("0:1"), all.attn().get("1:"), full.get("0:1"), full.get("1:"));
    }
}
