package io.maskimpact.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.maskimpact.model.Decoder;
import io.maskimpact.model.DecoderSession;
import io.maskimpact.model.DecoderShape;
import io.maskimpact.model.Indexes;
import io.maskimpact.model.ModelLoadException;
import io.maskimpact.model.PreparedPrompt;
import io.maskimpact.model.hf.WeightStore;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A decoder-only text model in DJL NDArray operations: token embeddings, a stack of
 * {@link DecoderLayer}s, the final norm and the LM head. Every family's language model is one.
 *
 * <p>Legend: V vocab, d model dim, T tokens.
 *
 * <p>Weights are float32 on the model manager's device. Thread-safe: per-pair state lives in the
 * sessions it opens.
 */
public final class TextDecoder implements Decoder {
    private final TextConfig config;
    private final NDArray embedTokens;       // (V, d)
    private final List<DecoderLayer> layers;
    private final Norm finalNorm;
    private final NDArray lmHeadT;           // (d, V)

    private TextDecoder(TextConfig config, NDArray embedTokens, List<DecoderLayer> layers, Norm finalNorm,
                        NDArray lmHeadT) {
        this.config = config;
        this.embedTokens = embedTokens;
        this.layers = layers;
        this.finalNorm = finalNorm;
        this.lmHeadT = lmHeadT;
    }

    /**
     * Loads the decoder.
     *
     * @param store the checkpoint, with names as transformers' modules hold them
     * @param prefix the text model's prefix, e.g. {@code model.language_model.}
     * @param lmHeadName the LM head tensor (absent with tied embeddings)
     * @param config the hyperparameters
     * @param ropes builds the rotary embedding of a layer type from its settings (1-D or M-RoPE)
     * @param manager the model's manager
     * @return the decoder
     * @throws ModelLoadException when a tensor is missing or of another shape
     */
    public static TextDecoder load(WeightStore store, String prefix, String lmHeadName, TextConfig config,
                                   RopeFactory ropes, NDManager manager) throws ModelLoadException {
        int d = config.hiddenSize();
        NDArray embed = store.load(manager, prefix + "embed_tokens.weight", config.vocabSize(), d);
        Map<String, Rope> byType = new java.util.HashMap<>();
        for (Map.Entry<String, RopeParameters> e : config.rope().entrySet()) {
            byType.put(e.getKey(), ropes.build(e.getValue()));
        }
        List<DecoderLayer> layers = new ArrayList<>();
        for (int l = 0; l < config.numLayers(); l++) {
            Rope rope = byType.get(config.layerTypes().get(l));
            if (rope == null) {
                throw new ModelLoadException("Cannot load model: no rope settings for layer type '" + config.layerTypes().get(l)
                        + "' of layer " + l);
            }
            layers.add(DecoderLayer.load(store, manager, prefix, l, config, rope));
        }
        Norm norm = config.normOffsetFromOne()
                ? Norm.rmsOffsetFromOne(store, manager, prefix + "norm", d, config.normEps())
                : Norm.rms(store, manager, prefix + "norm", d, config.normEps());
        NDArray lmHead = config.tieEmbeddings() && !store.has(lmHeadName)
                ? embed : store.load(manager, lmHeadName, config.vocabSize(), d);
        return new TextDecoder(config, embed, layers, norm, lmHead.transpose());
    }

    /** Builds a layer type's rotary embedding from its settings. */
    public interface RopeFactory {
        /**
         * @param parameters the settings
         * @return the rope
         * @throws ModelLoadException when the settings do not fit the model
         */
        Rope build(RopeParameters parameters) throws ModelLoadException;
    }

    /** @return the hyperparameters */
    public TextConfig config() {
        return config;
    }

    @Override
    public DecoderShape shape() {
        return config.shape();
    }

    @Override
    public DecoderSession open(PreparedPrompt prompt, NDManager pair, boolean keepLayerInputs) {
        return new TextDecoderSession(this, prompt, pair, keepLayerInputs);
    }

    /**
     * Input embeddings of tokens, scaled as the model scales them (Gemma: by sqrt(d)).
     *
     * @param ids token ids
     * @param manager owner of the result
     * @return (T, d)
     */
    public NDArray embed(int[] ids, NDManager manager) {
        NDArray rows = embedTokens.get(Indexes.of(manager, ids));
        rows.attach(manager);
        return config.embedScale() == 1f ? rows : rows.mul(config.embedScale());
    }

    /**
     * A prompt's input embeddings with image features in place of its one image placeholder, as
     * transformers scatters them over the placeholder tokens the processor expanded.
     *
     * @param ids the prompt's ids, with one placeholder (not expanded)
     * @param placeholder the placeholder's position
     * @param features the image features, (N, d)
     * @param manager owner of the result
     * @return (T - 1 + N, d)
     */
    public NDArray embedWithImage(int[] ids, int placeholder, NDArray features, NDManager manager) {
        NDArray before = embed(java.util.Arrays.copyOfRange(ids, 0, placeholder), manager);
        NDArray after = embed(java.util.Arrays.copyOfRange(ids, placeholder + 1, ids.length), manager);
        return before.concat(features, 0).concat(after, 0);
    }

    /**
     * A prompt's input embeddings with image features at its expanded image tokens, in order, as
     * transformers' {@code masked_scatter} puts them (the features are not scaled).
     *
     * @param ids the prompt's ids, image tokens expanded
     * @param isFeature per position, whether it takes the next feature row
     * @param features the features, (N, d), N = the number of such positions
     * @param manager owner of the result
     * @return (T, d)
     */
    public NDArray embedWithFeatures(int[] ids, boolean[] isFeature, NDArray features, NDManager manager) {
        List<NDArray> parts = new ArrayList<>();
        int used = 0;
        for (int from = 0; from < ids.length; ) {
            int to = from;
            while (to < ids.length && isFeature[to] == isFeature[from]) {
                to++;
            }
            if (isFeature[from]) {
                parts.add(features.get(used + ":" + (used + to - from)));
                used += to - from;
            } else {
                parts.add(embed(java.util.Arrays.copyOfRange(ids, from, to), manager));
            }
            from = to;
        }
        if (used != features.getShape().get(0)) {
            throw new IllegalArgumentException(used + " image positions for " + features.getShape().get(0) + " features");
        }
        return NDArrays.concat(new NDList(parts));
    }

    List<DecoderLayer> layers() {
        return layers;
    }

    /**
     * @param hidden the last layer's output at the final position, (d)
     * @return next-token logits, (V)
     */
    NDArray logits(NDArray hidden) {
        return finalNorm.apply(hidden).matMul(lmHeadT);
    }

    /**
     * @param headDim D
     * @return a factory of 1-D RoPE
     */
    public static RopeFactory standardRope(int headDim) {
        return p -> Rope.standard(p, headDim);
    }
}
