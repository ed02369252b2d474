package io.maskimpact.analysis;

import ai.djl.ndarray.NDManager;
import io.maskimpact.model.DecoderSession;
import io.maskimpact.model.TokenInfo;
import io.maskimpact.model.Vocabulary;

import java.util.List;

/**
 * Output effects of one generation step (docs/ENGINE.md, "Output effects"): each unit hidden from
 * every query at a window of layers, the decoder re-run to the final position, and the masked
 * next-token distribution q compared with the baseline's p on the baseline's greedy token g:
 *
 * <pre>
 *     KL(p || q) = sum_v p_v (log p_v - log q_v)      prob_drop = p_g - q_g
 *     logit_diff = z_g - z'_g                          greedy_rank = 1 + #{v : z'_v > z'_g, or = and v < g}
 * </pre>
 *
 * <p>Legend: B units per forward, S sequence, V vocabulary.
 *
 * <p>Cost: a unit at position p re-runs the decoder over S - p positions (the cache serves the
 * rest); units go in batches of consecutive first positions up to {@value #TOKENS_PER_FORWARD}
 * re-run positions per forward. Not thread-safe.
 */
final class OutputEffects {
    /** Bounds a batch's B x (S - p) re-run positions (memory of its (B, H, T, S) scores). */
    static final int TOKENS_PER_FORWARD = 2048;

    private final EffectOptions options;
    private final Vocabulary vocabulary;
    private final int lastLayer;

    /**
     * @param options the layer window and block size
     * @param vocabulary token texts of the masked argmax
     * @param numLayers the model's decoder layers
     */
    OutputEffects(EffectOptions options, Vocabulary vocabulary, int numLayers) {
        this.options = options;
        this.vocabulary = vocabulary;
        this.lastLayer = options.lastLayerOf(numLayers);
    }

    /**
     * @param session the session after this step's forward (its cache holds the step's sequence)
     * @param tokens the step's sequence
     * @param maskable positions that may be hidden, ascending
     * @param baseLogits the baseline's next-token logits, (V)
     * @param greedy the baseline's greedy token
     * @param stepManager parent of each batch's manager
     * @return one row per unit
     */
    StepEffects measure(DecoderSession session, List<TokenInfo> tokens, int[] maskable, float[] baseLogits, int greedy,
                        NDManager stepManager) {
        List<EffectUnit> units = EffectUnit.of(tokens, maskable, options.block());
        int n = units.size();
        StepEffects out = new StepEffects(new int[n], new int[n], new int[n], new float[n], new float[n], new float[n],
                new int[n], new int[n], new String[n]);
        double[] base = logSoftmax(baseLogits);
        int s = session.length();
        for (int from = 0; from < n; ) {
            int to = from + 1;
            while (to < n && (long) (to + 1 - from) * (s - units.get(from).first()) <= TOKENS_PER_FORWARD) {
                to++;
            }
            int[][] hidden = new int[to - from][];
            for (int i = from; i < to; i++) {
                hidden[i - from] = units.get(i).positions();
            }
            float[] masked;
            try (NDManager batch = stepManager.newSubManager()) {
                masked = session.logitsHiding(hidden, options.firstLayer(), lastLayer, batch).toFloatArray();  // (B, V)
            }
            int v = baseLogits.length;
            for (int i = from; i < to; i++) {
                float[] z = java.util.Arrays.copyOfRange(masked, (i - from) * v, (i - from + 1) * v);
                record(out, i, units.get(i), tokens, base, baseLogits, z, greedy);
            }
            from = to;
        }
        return out;
    }

    private void record(StepEffects out, int row, EffectUnit unit, List<TokenInfo> tokens, double[] base,
                        float[] baseLogits, float[] z, int greedy) {
        double[] q = logSoftmax(z);
        double kl = 0;
        for (int v = 0; v < z.length; v++) {
            kl += Math.exp(base[v]) * (base[v] - q[v]);
        }
        int rank = 1;
        int top = 0;
        for (int v = 0; v < z.length; v++) {
            if (z[v] > z[greedy] || (z[v] == z[greedy] && v < greedy)) {
                rank++;
            }
            if (z[v] > z[top]) {
                top = v;
            }
        }
        TokenInfo first = tokens.get(unit.first());
        out.position()[row] = unit.first();
        out.unitSize()[row] = unit.positions().length;
        out.imageIndex()[row] = first.hasCell() ? first.imageIndex() : -1;
        out.klDivergence()[row] = (float) Math.max(0, kl);
        out.probDrop()[row] = (float) (Math.exp(base[greedy]) - Math.exp(q[greedy]));
        out.logitDiff()[row] = baseLogits[greedy] - z[greedy];
        out.greedyRank()[row] = rank;
        out.maskedTop1()[row] = top;
        out.maskedTop1Text()[row] = vocabulary.tokenText(top);
    }

    /** log softmax in double precision: the KL of nearly equal distributions needs the digits. */
    static double[] logSoftmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float z : logits) {
            max = Math.max(max, z);
        }
        double sum = 0;
        for (float z : logits) {
            sum += Math.exp(z - max);
        }
        double log = max + Math.log(sum);
        double[] out = new double[logits.length];
        for (int v = 0; v < logits.length; v++) {
            out[v] = logits[v] - log;
        }
        return out;
    }
}
