package io.maskimpact.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.maskimpact.model.ModelLoadException;
import io.maskimpact.model.hf.WeightStore;

/**
 * One decoder layer of a LLaMA-style text model, as transformers' decoder layers compute it:
 * pre-norm attention with grouped-query heads and RoPE, optional q/k norms (Qwen3, Gemma 3),
 * optional sandwich norms (Gemma 3), gated MLP. The cached forward, the exact masking primitives
 * and the naive re-run all go through this one object.
 *
 * <p>Legend: B batch, T new tokens, S keys, H query heads, G key/value heads, D head dim,
 * d model dim, F MLP width.
 *
 * <pre>
 *   LLaMA:   mid = x + attn(norm_in(x));          out = mid + mlp(norm_post_attn(mid))
 *   Gemma 3: mid = x + norm_post_attn(attn(..));  out = mid + norm_post_ff(mlp(norm_pre_ff(mid)))
 * </pre>
 */
public final class DecoderLayer {
    private final Norm inputNorm;
    private final Linear q;                // d -> H*D
    private final Linear k;                // d -> G*D
    private final Linear v;                // d -> G*D
    private final Linear o;                // H*D -> d
    private final Norm qNorm;              // over D, or null
    private final Norm kNorm;              // over D, or null
    private final Norm postAttentionNorm;  // on the attention output (sandwich), or null
    private final Norm preMlpNorm;
    private final Norm postMlpNorm;        // on the MLP output (sandwich), or null
    private final Mlp mlp;
    private final int heads;
    private final int kvHeads;
    private final int headDim;
    private final float scale;
    private final int window;
    private final Rope rope;

    private DecoderLayer(Norm inputNorm, Linear q, Linear k, Linear v, Linear o, Norm qNorm, Norm kNorm,
                         Norm postAttentionNorm, Norm preMlpNorm, Norm postMlpNorm, Mlp mlp, TextConfig c, int window,
                         Rope rope) {
        this.inputNorm = inputNorm;
        this.q = q;
        this.k = k;
        this.v = v;
        this.o = o;
        this.qNorm = qNorm;
        this.kNorm = kNorm;
        this.postAttentionNorm = postAttentionNorm;
        this.preMlpNorm = preMlpNorm;
        this.postMlpNorm = postMlpNorm;
        this.mlp = mlp;
        this.heads = c.numHeads();
        this.kvHeads = c.numKvHeads();
        this.headDim = c.headDim();
        this.scale = c.attentionScale();
        this.window = window;
        this.rope = rope;
    }

    /**
     * Loads layer {@code index} from {@code prefix + "layers." + index + "."}.
     *
     * @param store the checkpoint
     * @param manager owner of the weights
     * @param prefix the text model's prefix, e.g. {@code model.language_model.}
     * @param index the layer index
     * @param c the hyperparameters
     * @param rope this layer's rotary embedding
     * @return the layer
     */
    static DecoderLayer load(WeightStore store, NDManager manager, String prefix, int index, TextConfig c, Rope rope)
            throws ModelLoadException {
        String p = prefix + "layers." + index + ".";
        int d = c.hiddenSize();
        int qOut = c.numHeads() * c.headDim();
        int kvOut = c.numKvHeads() * c.headDim();
        int f = c.intermediateSize();
        NormLoader norm = (name, size) -> c.normOffsetFromOne()
                ? Norm.rmsOffsetFromOne(store, manager, name, size, c.normEps())
                : Norm.rms(store, manager, name, size, c.normEps());
        Mlp mlp = new Mlp.Gated(
                Linear.load(store, manager, p + "mlp.gate_proj", d, f, c.mlpBias()),
                Linear.load(store, manager, p + "mlp.up_proj", d, f, c.mlpBias()),
                Linear.load(store, manager, p + "mlp.down_proj", f, d, c.mlpBias()),
                Activations.of(c.hiddenAct(), "hidden_act"));
        boolean sandwich = c.sandwichNorms();
        return new DecoderLayer(
                norm.load(p + "input_layernorm", d),
                Linear.load(store, manager, p + "self_attn.q_proj", d, qOut, c.qkvBias()),
                Linear.load(store, manager, p + "self_attn.k_proj", d, kvOut, c.qkvBias()),
                Linear.load(store, manager, p + "self_attn.v_proj", d, kvOut, c.qkvBias()),
                Linear.load(store, manager, p + "self_attn.o_proj", qOut, d, c.outputBias()),
                c.qkNorm() ? norm.load(p + "self_attn.q_norm", c.headDim()) : null,
                c.qkNorm() ? norm.load(p + "self_attn.k_norm", c.headDim()) : null,
                sandwich ? norm.load(p + "post_attention_layernorm", d) : null,
                norm.load(p + (sandwich ? "pre_feedforward_layernorm" : "post_attention_layernorm"), d),
                sandwich ? norm.load(p + "post_feedforward_layernorm", d) : null,
                mlp, c, c.windowOf(index), rope);
    }

    private interface NormLoader {
        Norm load(String name, int size) throws ModelLoadException;
    }

    /** @return this layer's rotary embedding */
    Rope rope() {
        return rope;
    }

    /** @return the sliding window (a query sees keys less than this far back), 0 for full attention */
    int window() {
        return window;
    }

    /**
     * The projections of new tokens, with q/k norms and RoPE applied.
     *
     * @param q (B, H, T, D)
     * @param k (B, G, T, D)
     * @param v (B, G, T, D)
     */
    record Projections(NDArray q, NDArray k, NDArray v) {
    }

    /**
     * @param x the layer's input, (B, T, d)
     * @param tables RoPE tables of the T positions
     * @return queries, keys and values
     */
    Projections project(NDArray x, Rope.Tables tables) {
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        NDArray normed = inputNorm.apply(x);
        NDArray qs = q.apply(normed).reshape(b, t, heads, headDim);                   // (B, T, H, D)
        NDArray ks = k.apply(normed).reshape(b, t, kvHeads, headDim);                 // (B, T, G, D)
        NDArray vs = v.apply(normed).reshape(b, t, kvHeads, headDim);                 // (B, T, G, D)
        if (qNorm != null) {
            qs = qNorm.apply(qs);
            ks = kNorm.apply(ks);
        }
        return new Projections(tables.apply(qs.transpose(0, 2, 1, 3)),               // (B, H, T, D)
                tables.apply(ks.transpose(0, 2, 1, 3)),                               // (B, G, T, D)
                vs.transpose(0, 2, 1, 3));                                            // (B, G, T, D)
    }

    /**
     * @param heads concatenated head outputs, (..., H*D)
     * @return the attention output after o_proj, (..., d)
     */
    NDArray outputProjection(NDArray heads) {
        return o.apply(heads);
    }

    /**
     * The rest of the layer after attention: residual, norms, MLP.
     *
     * @param residPre the layer's input, (..., d)
     * @param attn the attention output after o_proj, (..., d)
     * @return the layer's output, (..., d)
     */
    NDArray finish(NDArray residPre, NDArray attn) {
        NDArray mid = residPre.add(postAttentionNorm == null ? attn : postAttentionNorm.apply(attn));
        NDArray ff = mlp.apply(preMlpNorm.apply(mid));
        return mid.add(postMlpNorm == null ? ff : postMlpNorm.apply(ff));
    }

    /**
     * Where the keys and values a forward attends to come from: the session's cache, which appends
     * the new ones, or the new ones alone (a re-run over the whole sequence).
     */
    interface KeyValues {
        /**
         * @param k new keys, (B, G, T, D)
         * @param v new values, (B, G, T, D)
         * @return every key, transposed, (B, G, D, S), and every value, (B, G, S, D)
         */
        NDArray[] with(NDArray k, NDArray v);
    }

    /**
     * The layer's results for new tokens.
     *
     * @param attention output (B, H, T, D), scores and weights (B, H, T, S)
     * @param attn the attention output after o_proj, (B, T, d)
     * @param out the layer's output, (B, T, d)
     */
    record Output(Attention.Result attention, NDArray attn, NDArray out) {
    }

    /**
     * Runs the whole layer over new tokens.
     *
     * @param x the layer's input, (B, T, d)
     * @param tables RoPE tables of the T positions
     * @param mask additive attention mask broadcastable to (B, H, T, S), or null
     * @param context where keys and values come from
     * @return the results
     */
    Output forward(NDArray x, Rope.Tables tables, NDArray mask, KeyValues context) {
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        Projections p = project(x, tables);
        NDArray[] kv = context.with(p.k(), p.v());
        Attention.Result r = Attention.eager(p.q(), kv[0], kv[1], mask, scale);
        NDArray concatenated = r.output().transpose(0, 2, 1, 3).reshape(b, t, (long) heads * headDim); // (B, T, H*D)
        NDArray attn = outputProjection(concatenated);                                  // (B, T, d)
        return new Output(r, attn, finish(x, attn));
    }
}
