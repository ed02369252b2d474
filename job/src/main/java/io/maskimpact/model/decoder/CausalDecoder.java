package io.maskimpact.model.decoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import io.maskimpact.model.DecoderSession;
import io.maskimpact.model.DecoderShape;
import io.maskimpact.model.Indexes;
import io.maskimpact.model.ModelLoadException;
import io.maskimpact.model.hf.WeightStore;

import java.util.ArrayList;
import java.util.List;

/**
 * A LLaMA / Qwen2 causal decoder written in DJL NDArray operations, as transformers' eager
 * implementation computes it: RMSNorm, RoPE (rotate-half), grouped-query attention, SwiGLU MLP.
 *
 * <p>Legend: V vocab, d model dim, F MLP width, L layers, H query heads, G KV heads, n = H/G,
 * D head dim, T new tokens, S tokens in the sequence, B batch of masked columns.
 *
 * <p>Weights are float32 on the model manager's device, stored transposed ({@code (in, out)}) so
 * that every matMul has the activation first: a result belongs to its first operand's manager,
 * and weight-first ops would pile up on the long-lived weights manager.
 */
public final class CausalDecoder {
    private final DecoderConfig config;
    private final NDArray embedTokens;       // (V, d)
    private final List<LayerWeights> layers;
    private final NDArray finalNorm;         // (d)
    private final NDArray lmHeadT;           // (d, V)
    private final float[] invFreq;           // (D/2)

    /** One decoder layer's weights; each projection transposed to (in, out). */
    record LayerWeights(NDArray inputNorm,   // (d)
                        NDArray qT,          // (d, H*D)
                        NDArray qBias,       // (H*D) or null
                        NDArray kT,          // (d, G*D)
                        NDArray kBias,       // (G*D) or null
                        NDArray vT,          // (d, G*D)
                        NDArray vBias,       // (G*D) or null
                        NDArray oT,          // (H*D, d)
                        NDArray oBias,       // (d) or null
                        NDArray postNorm,    // (d)
                        NDArray gateT,       // (d, F)
                        NDArray upT,         // (d, F)
                        NDArray downT) {     // (F, d)
    }

    private CausalDecoder(DecoderConfig config, NDArray embedTokens, List<LayerWeights> layers,
                          NDArray finalNorm, NDArray lmHeadT) {
        this.config = config;
        this.embedTokens = embedTokens;
        this.layers = layers;
        this.finalNorm = finalNorm;
        this.lmHeadT = lmHeadT;
        int half = config.headDim() / 2;
        this.invFreq = new float[half];
        for (int i = 0; i < half; i++) {
            // As transformers: 1 / theta^(2i/D), in float32, divided by a linear scaling factor.
            invFreq[i] = (float) (1.0 / Math.pow(config.ropeTheta(), (2.0 * i) / config.headDim()) / config.ropeLinearFactor());
        }
    }

    /**
     * Loads the decoder's weights.
     *
     * @param store the checkpoint
     * @param prefix the decoder's prefix, e.g. {@code language_model.model.}
     * @param lmHeadName the lm_head tensor name (ignored when embeddings are tied)
     * @param config the hyperparameters
     * @param manager the model's manager
     * @return the decoder
     */
    public static CausalDecoder load(WeightStore store, String prefix, String lmHeadName, DecoderConfig config,
                                     NDManager manager) throws ModelLoadException {
        int d = config.hiddenSize();
        int q = config.numHeads() * config.headDim();
        int kv = config.numKvHeads() * config.headDim();
        int f = config.intermediateSize();
        NDArray embed = store.load(manager, prefix + "embed_tokens.weight", config.vocabSize(), d);
        List<LayerWeights> layers = new ArrayList<>();
        for (int l = 0; l < config.numLayers(); l++) {
            String p = prefix + "layers." + l + ".";
            layers.add(new LayerWeights(
                    store.load(manager, p + "input_layernorm.weight", d),
                    store.load(manager, p + "self_attn.q_proj.weight", q, d).transpose(),
                    config.qkvBias() ? store.load(manager, p + "self_attn.q_proj.bias", q) : null,
                    store.load(manager, p + "self_attn.k_proj.weight", kv, d).transpose(),
                    config.qkvBias() ? store.load(manager, p + "self_attn.k_proj.bias", kv) : null,
                    store.load(manager, p + "self_attn.v_proj.weight", kv, d).transpose(),
                    config.qkvBias() ? store.load(manager, p + "self_attn.v_proj.bias", kv) : null,
                    store.load(manager, p + "self_attn.o_proj.weight", d, q).transpose(),
                    config.outputBias() ? store.load(manager, p + "self_attn.o_proj.bias", d) : null,
                    store.load(manager, p + "post_attention_layernorm.weight", d),
                    store.load(manager, p + "mlp.gate_proj.weight", f, d).transpose(),
                    store.load(manager, p + "mlp.up_proj.weight", f, d).transpose(),
                    store.load(manager, p + "mlp.down_proj.weight", d, f).transpose()));
        }
        NDArray norm = store.load(manager, prefix + "norm.weight", d);
        NDArray lmHead = config.tieEmbeddings() && !store.has(lmHeadName)
                ? embed : store.load(manager, lmHeadName, config.vocabSize(), d);
        return new CausalDecoder(config, embed, layers, norm, lmHead.transpose());
    }

    /** @return the hyperparameters */
    public DecoderConfig config() {
        return config;
    }

    /** @return the sizes the analysis needs */
    public DecoderShape shape() {
        return config.shape();
    }

    /**
     * @param ids token ids
     * @param step owner of the result
     * @return their embeddings, (T, d)
     */
    public NDArray embed(int[] ids, NDManager step) {
        NDArray rows = embedTokens.get(Indexes.of(step, ids));
        rows.attach(step);
        return rows;
    }

    /**
     * @param owner owner of the KV cache (one pair)
     * @param keepLayerInputs keep every layer's input hidden states, needed by the naive reference
     * @return an empty session
     */
    public DecoderSession open(NDManager owner, boolean keepLayerInputs) {
        return new CausalDecoderSession(this, owner, keepLayerInputs);
    }

    LayerWeights layer(int index) {
        return layers.get(index);
    }

    NDArray finalNorm() {
        return finalNorm;
    }

    NDArray lmHeadT() {
        return lmHeadT;
    }

    // ---- the math, shared by the cached forward and the naive re-run; leading dims are free ----

    NDArray rmsNorm(NDArray x, NDArray weight) {
        return x.mul(x.square().mean(new int[] {-1}, true).add(config.rmsNormEps()).pow(-0.5f)).mul(weight);
    }

    static NDArray linear(NDArray x, NDArray weightT, NDArray bias) {
        NDArray y = x.matMul(weightT);
        return bias == null ? y : y.add(bias);
    }

    /** down(silu(gate(x)) * up(x)), transformers' LlamaMLP. */
    NDArray mlp(NDArray x, LayerWeights w) {
        return Activation.swish(x.matMul(w.gateT()), 1f).mul(x.matMul(w.upT())).matMul(w.downT());
    }

    /** x * cos + rotate_half(x) * sin, over the last axis; x (..., T, D), cos/sin (T, D). */
    NDArray rope(NDArray x, NDArray cos, NDArray sin) {
        int half = config.headDim() / 2;
        NDArray x1 = x.get("..., :" + half);
        NDArray x2 = x.get("..., " + half + ":");
        return x.mul(cos).add(x2.neg().concat(x1, -1).mul(sin));
    }

    /**
     * @param start position of the first token
     * @param count number of positions
     * @param step owner
     * @return cos and sin tables, each (count, D)
     */
    NDArray[] ropeTables(int start, int count, NDManager step) {
        int dim = config.headDim();
        int half = dim / 2;
        float[] cos = new float[count * dim];
        float[] sin = new float[count * dim];
        for (int t = 0; t < count; t++) {
            for (int i = 0; i < half; i++) {
                float angle = (float) (start + t) * invFreq[i];
                float c = (float) Math.cos(angle);
                float s = (float) Math.sin(angle);
                cos[t * dim + i] = c;
                cos[t * dim + half + i] = c;
                sin[t * dim + i] = s;
                sin[t * dim + half + i] = s;
            }
        }
        return new NDArray[] {step.create(cos).reshape(count, dim), step.create(sin).reshape(count, dim)};
    }

    /**
     * @return an additive causal mask, (T, S): 0 where query {@code start + i} may see key j, -inf after it
     */
    static NDArray causalMask(int start, int count, int length, NDManager step) {
        float[] mask = new float[count * length];
        for (int i = 0; i < count; i++) {
            for (int j = start + i + 1; j < length; j++) {
                mask[i * length + j] = Float.NEGATIVE_INFINITY;
            }
        }
        return step.create(mask).reshape(count, length);
    }
}
