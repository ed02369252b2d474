package io.maskimpact.analysis;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import io.maskimpact.model.DecoderSession;
import io.maskimpact.model.Indexes;
import io.maskimpact.model.LayerInternals;
import io.maskimpact.model.LayerTrace;

/**
 * Exact closed-form masking (docs/ENGINE.md, "Exact closed form"). Only the final position is read, and hiding
 * key p changes only the attention weights, so for each head h with weights a and output
 * o = sum_j a_j v_j:
 *
 * <pre>
 *     o'_h = (o_h - a_{h,p} v_{h,p}) / (1 - a_{h,p})
 * </pre>
 *
 * <p>(with GQA, v_{h,p} is the value of h's KV group). The rest of the layer at the final
 * position (o_proj, residual, post-attention norm, MLP) then runs once on a batch of P vectors.
 *
 * <p>Legend: S sequence, H heads, D head dim, d model dim, P masked positions.
 *
 * <p>When p holds (numerically) all of a head's attention, {@code 1 - a} loses every digit. For
 * {@code 1 - a < }{@value #RENORMALIZE_BELOW} that head's masked output is recomputed from its
 * logits as the softmax over the other keys, which is what the naive run gives; with no other
 * key (S = 1) the output is unchanged, as in the naive run where every logit is then the dtype
 * minimum and the softmax stays on p.
 */
final class ExactMasking implements LayerMasking {
    /** Below this 1 - a_{h,p}, the closed form's relative error (~1e-7 / (1 - a)) would exceed 1e-5. */
    static final float RENORMALIZE_BELOW = 1e-2f;

    /** Whether Full is measured: the MLP on P+1 vectors is most of the cost, so it runs only then. */
    private final boolean full;

    ExactMasking(boolean full) {
        this.full = full;
    }

    @Override
    public LayerOutputs compute(DecoderSession session, int layer, LayerTrace trace, int[] positions, NDManager step) {
        return compute((LayerInternals) session, layer, trace, positions, step);
    }

    /**
     * @param internals the decoder's masking primitives after this step's forward
     * @param layer the layer
     * @param trace the layer's baseline internals at the final position
     * @param positions key positions to hide, one at a time (P)
     * @param step owner of every array created
     * @return the compared vectors
     */
    @SuppressWarnings("checkstyle:LocalVariableName") // aP, vP follow the formula
    LayerOutputs compute(LayerInternals internals, int layer, LayerTrace trace, int[] positions, NDManager step) {
        // Keys the final position cannot see at this layer (a sliding window) keep the baseline:
        // no work, and exactly zero distance, which is what hiding them does.
        int first = internals.firstVisibleKey(layer);
        int[] visible = java.util.Arrays.stream(positions).filter(p -> p >= first).toArray();
        int[] row = new int[positions.length];              // row of the batch below holding each position
        for (int i = 0, v = 0; i < positions.length; i++) {
            row[i] = positions[i] >= first ? ++v : 0;
        }
        NDArray o = trace.heads();                                                   // (H, D)
        int h = (int) o.getShape().get(0);
        int d = (int) o.getShape().get(1);
        NDArray batch = o.reshape(1, (long) h * d);                                 // (1 + P', H*D), baseline first
        if (visible.length > 0) {
            NDArray index = Indexes.of(step, visible);
            NDArray aP = trace.probs().get(new NDIndex(":, {}", index));             // (H, P')
            NDArray vP = internals.valuesPerHead(layer, visible, step);              // (H, P', D)
            NDArray oMasked = o.expandDims(1).sub(aP.expandDims(2).mul(vP))         // (H, P', D)
                    .div(aP.neg().add(1f).expandDims(2));
            renormalizeDominantKeys(internals, layer, trace, visible, aP, oMasked, step);
            batch = batch.concat(oMasked.transpose(1, 0, 2).reshape(visible.length, (long) h * d), 0);
        }
        // The baseline goes through the same batched o_proj and MLP as the masked rows, so a key
        // with zero weight gives exactly zero distance.
        NDArray rows = Indexes.of(step, row);
        NDArray maskedHeads = batch.get(rows).reshape(positions.length, h, d);      // (P, H, D)
        NDArray attn = internals.outputProjection(layer, batch);                    // (1 + P', d)
        if (!full) {
            return new LayerOutputs(o, maskedHeads, attn.get("0:1"), attn.get(rows), null, null);
        }
        NDArray update = internals.finishLayer(layer, trace.residPre(), attn).sub(trace.residPre()); // (1 + P', d)
        return new LayerOutputs(o, maskedHeads, attn.get("0:1"), attn.get(rows), update.get("0:1"), update.get(rows));
    }

    private static void renormalizeDominantKeys(LayerInternals session, int layer, LayerTrace trace, int[] positions,
                                                NDArray aP, NDArray oMasked, NDManager step) {
        float[] weights = aP.toFloatArray();                                         // (H, P) row-major
        int p = positions.length;
        NDArray allValues = null;
        for (int i = 0; i < weights.length; i++) {
            if (1f - weights[i] >= RENORMALIZE_BELOW) {
                continue;
            }
            int head = i / p;
            int column = i % p;
            NDArray logits = trace.scores().get(head);                               // (S)
            int s = (int) logits.getShape().get(0);
            NDArray replacement;
            if (s == 1) {
                replacement = trace.heads().get(head);                               // nothing else to attend to
            } else {
                if (allValues == null) {
                    int[] all = new int[s];
                    for (int j = 0; j < s; j++) {
                        all[j] = j;
                    }
                    allValues = session.valuesPerHead(layer, all, step);            // (H, S, D)
                }
                float[] hide = new float[s];
                hide[positions[column]] = Float.NEGATIVE_INFINITY;
                NDArray others = logits.add(step.create(hide)).softmax(-1);          // (S)
                replacement = others.expandDims(0).matMul(allValues.get(head)).squeeze(0); // (D)
            }
            oMasked.set(new NDIndex(head + ", " + column), replacement);
        }
    }

}
