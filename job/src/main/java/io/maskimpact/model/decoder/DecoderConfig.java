package io.maskimpact.model.decoder;

import io.maskimpact.model.DecoderShape;
import io.maskimpact.model.hf.HfConfig;
import io.maskimpact.model.ModelLoadException;

import java.util.Set;

/**
 * A LLaMA-style causal decoder's hyperparameters from a {@code text_config}
 * ({@code model_type} {@code llama} or {@code qwen2}).
 *
 * @param modelType llama or qwen2
 * @param vocabSize vocabulary size (V)
 * @param hiddenSize model width (d)
 * @param intermediateSize MLP width (F)
 * @param numLayers decoder layers (L)
 * @param numHeads query heads (H)
 * @param numKvHeads key/value heads (G)
 * @param headDim per-head size (D)
 * @param rmsNormEps RMSNorm epsilon
 * @param ropeTheta RoPE base
 * @param ropeLinearFactor positions are divided by this (linear rope_scaling; 1 when unset)
 * @param maxPositions max_position_embeddings
 * @param qkvBias whether q/k/v projections have biases (always for qwen2; attention_bias for llama)
 * @param outputBias whether o_proj has a bias (attention_bias for llama)
 * @param tieEmbeddings whether lm_head reuses embed_tokens
 */
public record DecoderConfig(String modelType, int vocabSize, int hiddenSize, int intermediateSize,
                            int numLayers, int numHeads, int numKvHeads, int headDim, float rmsNormEps,
                            double ropeTheta, double ropeLinearFactor, int maxPositions, boolean qkvBias,
                            boolean outputBias, boolean tieEmbeddings) {

    static final Set<String> SUPPORTED = Set.of("llama", "qwen2");

    /**
     * @param text the text_config object
     * @param tieDefault tie_word_embeddings from the outer config when the text config lacks it
     * @return the config
     */
    public static DecoderConfig from(HfConfig text, boolean tieDefault) throws ModelLoadException {
        String type = text.optString("model_type").orElse("llama");
        if (!SUPPORTED.contains(type)) {
            throw new ModelLoadException("Cannot load model: text model_type '" + type + "' in " + text
                    + " is not supported (supported: " + String.join(", ", SUPPORTED) + ")");
        }
        String act = text.optString("hidden_act").orElse("silu");
        if (!act.equals("silu")) {
            throw new ModelLoadException("Cannot load model: hidden_act '" + act + "' in " + text + " is not supported (supported: silu)");
        }
        int hidden = text.intValue("hidden_size");
        int heads = text.intValue("num_attention_heads");
        int kvHeads = text.intValue("num_key_value_heads", heads);
        if (heads % kvHeads != 0) {
            throw new ModelLoadException("Cannot load model: num_attention_heads " + heads
                    + " is not a multiple of num_key_value_heads " + kvHeads + " in " + text);
        }
        double linearFactor = 1.0;
        HfConfig scaling = text.child("rope_scaling");
        if (text.has("rope_scaling")) {
            String ropeType = scaling.optString("rope_type").or(() -> scaling.optString("type")).orElse("default");
            switch (ropeType) {
                case "default" -> { }
                case "linear" -> linearFactor = scaling.doubleValue("factor", 1.0);
                default -> throw new ModelLoadException("Cannot load model: rope_scaling type '" + ropeType + "' in " + text
                        + " is not supported (supported: default, linear)");
            }
        }
        boolean attentionBias = text.boolValue("attention_bias", false);
        boolean qwen2 = type.equals("qwen2");
        return new DecoderConfig(type, text.intValue("vocab_size"), hidden, text.intValue("intermediate_size"),
                text.intValue("num_hidden_layers"), heads, kvHeads, text.intValue("head_dim", hidden / heads),
                (float) text.doubleValue("rms_norm_eps", 1e-6), text.doubleValue("rope_theta", 10000.0), linearFactor,
                text.intValue("max_position_embeddings", 4096), qwen2 || attentionBias, !qwen2 && attentionBias,
                text.boolValue("tie_word_embeddings", tieDefault));
    }

    /** @return the sizes the analysis needs */
    public DecoderShape shape() {
        return new DecoderShape(numLayers, numHeads, numKvHeads, headDim, hiddenSize, maxPositions);
    }
}
