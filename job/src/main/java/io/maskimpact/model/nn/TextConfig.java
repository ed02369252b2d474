package io.maskimpact.model.nn;

import com.google.gson.JsonElement;
import io.maskimpact.model.DecoderShape;
import io.maskimpact.model.ModelLoadException;
import io.maskimpact.model.hf.HfConfig;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A decoder-only text model's hyperparameters, read from a {@code text_config} of a supported
 * {@code model_type}, with transformers' class defaults where a key is absent.
 *
 * <p>Every knob that changes the maths is explicit here, and a config value the decoder does not
 * implement fails in {@link #from} with the key and the file.
 *
 * @param modelType the text model_type
 * @param vocabSize V
 * @param hiddenSize d
 * @param intermediateSize MLP width F
 * @param numLayers L
 * @param numHeads query heads H
 * @param numKvHeads key/value heads G
 * @param headDim D
 * @param normEps RMSNorm epsilon
 * @param normOffsetFromOne Gemma's RMSNorm, whose weight is stored as w and used as 1 + w
 * @param qkvBias whether q/k/v projections have biases
 * @param outputBias whether o_proj has a bias
 * @param mlpBias whether the MLP's projections have biases
 * @param qkNorm whether queries and keys are RMS-normalized per head before RoPE
 * @param sandwichNorms Gemma's extra norms after attention and around the MLP
 * @param attentionScale the logit scale
 * @param hiddenAct the MLP activation
 * @param embedScale input embeddings are multiplied by it (Gemma: sqrt(d)); 1 otherwise
 * @param layerTypes per layer, {@code full_attention} or {@code sliding_attention}
 * @param slidingWindow the window of sliding layers (a query sees keys less than this far back)
 * @param rope rotary settings per layer type
 * @param maxPositions max_position_embeddings
 * @param tieEmbeddings whether lm_head reuses embed_tokens
 */
public record TextConfig(String modelType, int vocabSize, int hiddenSize, int intermediateSize, int numLayers,
                         int numHeads, int numKvHeads, int headDim, float normEps, boolean normOffsetFromOne,
                         boolean qkvBias, boolean outputBias, boolean mlpBias, boolean qkNorm, boolean sandwichNorms,
                         float attentionScale, String hiddenAct, float embedScale, List<String> layerTypes,
                         int slidingWindow, Map<String, RopeParameters> rope, int maxPositions, boolean tieEmbeddings) {

    /** The layer type of full (global) attention layers. */
    public static final String FULL = "full_attention";
    /** The layer type of sliding-window attention layers. */
    public static final String SLIDING = "sliding_attention";
    /** Text model types this build runs. */
    public static final List<String> SUPPORTED = List.of("llama", "qwen2", "qwen2_vl_text", "qwen2_5_vl_text",
            "qwen3_vl_text", "gemma3_text");

    /**
     * @param text the text_config object
     * @param tieDefault tie_word_embeddings of the outer config, used when the text config lacks it
     * @return the config
     * @throws ModelLoadException when the model type or a setting is not supported
     */
    public static TextConfig from(HfConfig text, boolean tieDefault) throws ModelLoadException {
        return from(text, text.optString("model_type").orElse("llama"), tieDefault);
    }

    /**
     * Reads a text config as a given model type, the way a composite config's class reads its
     * {@code text_config} (transformers builds it with the family's text config class whatever
     * {@code model_type} the dictionary holds; Qwen2-VL's flat configs keep the text keys at the top).
     *
     * <p>For the Qwen-VL types, {@code outerTie} is the decision itself: transformers ties the LM head
     * when the outer config says so (Qwen2-VL also when its text config does), which the family
     * works out.
     *
     * @param text the object holding the text keys
     * @param type the text model_type to read it as
     * @param outerTie tie_word_embeddings of the outer config, used when the text config lacks it
     *     (see above for the Qwen-VL types)
     * @return the config
     * @throws ModelLoadException when the model type or a setting is not supported
     */
    public static TextConfig from(HfConfig text, String type, boolean outerTie) throws ModelLoadException {
        rejectSet(text, "attn_logit_softcapping", "final_logit_softcapping");
        int hidden = text.intValue("hidden_size");
        int heads = text.intValue("num_attention_heads");
        int kvHeads = text.intValue("num_key_value_heads", heads);
        if (heads % kvHeads != 0) {
            throw new ModelLoadException("Cannot load model: num_attention_heads " + heads
                    + " is not a multiple of num_key_value_heads " + kvHeads + " in " + text);
        }
        int headDim = text.intValue("head_dim", hidden / heads);
        int layers = text.intValue("num_hidden_layers");
        String act = text.optString("hidden_act").orElse("silu");
        Activations.of(act, text + "#hidden_act");      // fails here, at load, when unknown
        boolean tie = text.boolValue("tie_word_embeddings", outerTie);
        float eps = (float) text.doubleValue("rms_norm_eps", 1e-6);
        return switch (type) {
            case "llama" -> {
                boolean bias = text.boolValue("attention_bias", false);
                RopeParameters rope = RopeParameters.read(text, 10000.0);
                yield new TextConfig(type, text.intValue("vocab_size"), hidden, text.intValue("intermediate_size"), layers,
                        heads, kvHeads, headDim, eps, false, bias, bias, text.boolValue("mlp_bias", false), false, false,
                        (float) Math.pow(headDim, -0.5), act, 1f, fullAttentionOnly(text, layers), 0,
                        Map.of(FULL, rope), text.intValue("max_position_embeddings", 2048), tie);
            }
            case "qwen2" -> {
                RopeParameters rope = RopeParameters.read(text, 10000.0);
                yield new TextConfig(type, text.intValue("vocab_size"), hidden, text.intValue("intermediate_size"), layers,
                        heads, kvHeads, headDim, eps, false, true, false, false, false, false,
                        (float) Math.pow(headDim, -0.5), act, 1f, fullAttentionOnly(text, layers), 0,
                        Map.of(FULL, rope), text.intValue("max_position_embeddings", 32768), tie);
            }
            case "qwen2_vl_text", "qwen2_5_vl_text" -> {
                // transformers' Qwen2-VL attention takes hidden_size / heads whatever head_dim says, and its
                // RoPE takes head_dim when set: a different value cannot run in transformers either.
                if (headDim != hidden / heads) {
                    throw new ModelLoadException("Cannot load model: head_dim " + headDim + " in " + text
                            + " differs from hidden_size / num_attention_heads = " + hidden / heads
                            + ", which " + type + " always uses (remove head_dim)");
                }
                RopeParameters rope = RopeParameters.read(text, 1e6).withDefaultSection(new int[] {16, 24, 24});
                yield new TextConfig(type, text.intValue("vocab_size"), hidden, text.intValue("intermediate_size"), layers,
                        heads, kvHeads, headDim, (float) text.doubleValue("rms_norm_eps", 1e-5), false, true, false,
                        false, false, false, (float) Math.pow(headDim, -0.5), act, 1f, fullAttentionOnly(text, layers), 0,
                        Map.of(FULL, rope), text.intValue("max_position_embeddings", 32768), outerTie);
            }
            case "qwen3_vl_text" -> {
                int qwen3HeadDim = text.intValue("head_dim", 128);
                boolean bias = text.boolValue("attention_bias", false);
                RopeParameters rope = RopeParameters.read(text, 5e5).withDefaultSection(new int[] {24, 20, 20});
                yield new TextConfig(type, text.intValue("vocab_size"), hidden, text.intValue("intermediate_size"), layers,
                        heads, kvHeads, qwen3HeadDim, eps, false, bias, bias, false, true, false,
                        (float) Math.pow(qwen3HeadDim, -0.5), act, 1f, fullAttentionOnly(text, layers), 0,
                        Map.of(FULL, rope), text.intValue("max_position_embeddings", 128000), outerTie);
            }
            case "gemma3_text" -> {
                if (text.boolValue("use_bidirectional_attention", false)) {
                    throw new ModelLoadException("Cannot load model: use_bidirectional_attention = true in " + text
                            + " is not supported (supported: false)");
                }
                String gemmaAct = text.optString("hidden_activation").orElse("gelu_pytorch_tanh");
                Activations.of(gemmaAct, text + "#hidden_activation");
                int gemmaHeadDim = text.intValue("head_dim", 256);
                boolean bias = text.boolValue("attention_bias", false);
                List<String> types = gemmaLayerTypes(text, layers);
                int window = 0;
                if (types.contains(SLIDING)) {
                    if (!text.has("sliding_window") && text.json().has("sliding_window")) {
                        throw new ModelLoadException("Cannot load model: sliding_window is null in " + text
                                + " but layer_types has sliding layers");
                    }
                    window = text.intValue("sliding_window", 4096);
                }
                yield new TextConfig(type, text.intValue("vocab_size"), hidden, text.intValue("intermediate_size"), layers,
                        heads, kvHeads, gemmaHeadDim, eps, true, bias, bias, false, true, true,
                        (float) Math.pow(text.doubleValue("query_pre_attn_scalar", 256), -0.5), gemmaAct,
                        (float) Math.sqrt(hidden), types, window, gemmaRope(text),
                        text.intValue("max_position_embeddings", 131072), tie);
            }
            default -> throw new ModelLoadException("Cannot load model: text model_type '" + type + "' in " + text
                    + " is not supported (supported: " + String.join(", ", SUPPORTED) + ")");
        };
    }

    /**
     * Fails when a key that this build does not implement holds a value.
     *
     * @param config the config
     * @param keys keys that must be absent or null
     * @throws ModelLoadException naming the first one set
     */
    public static void rejectSet(HfConfig config, String... keys) throws ModelLoadException {
        for (String key : keys) {
            if (config.has(key)) {
                JsonElement value = config.json().get(key);
                throw new ModelLoadException("Cannot load model: '" + key + "' = " + value + " in " + config
                        + " is not supported (this build computes the model without it; remove it only if the model was trained without it)");
            }
        }
    }

    /**
     * Gemma 3's layer types: {@code layer_types}, or every {@code sliding_window_pattern}-th layer
     * (default 6) global and the others sliding, as {@code Gemma3TextConfig} derives them.
     */
    private static List<String> gemmaLayerTypes(HfConfig text, int layers) throws ModelLoadException {
        if (text.has("layer_types")) {
            List<String> types = Arrays.asList(text.strings("layer_types"));
            if (types.size() != layers || types.stream().anyMatch(t -> !t.equals(FULL) && !t.equals(SLIDING))) {
                throw new ModelLoadException("Cannot load model: layer_types " + types + " in " + text
                        + " must name " + layers + " layers, each " + FULL + " or " + SLIDING);
            }
            return List.copyOf(types);
        }
        int pattern = text.intValue("sliding_window_pattern", 6);
        List<String> types = new java.util.ArrayList<>(layers);
        for (int i = 0; i < layers; i++) {
            types.add((i + 1) % pattern != 0 ? SLIDING : FULL);
        }
        return List.copyOf(types);
    }

    /**
     * Gemma 3's rotary settings per layer type: {@code rope_parameters} keyed by layer type
     * (transformers 5), or {@code rope_theta} and {@code rope_scaling} for the global layers and
     * {@code rope_local_base_freq} for the sliding ones (transformers 4 and the released configs);
     * the class defaults are 1e6 global and 1e4 local.
     */
    private static Map<String, RopeParameters> gemmaRope(HfConfig text) throws ModelLoadException {
        if (text.has("rope_parameters")) {
            return Map.of(FULL, RopeParameters.readForLayerType(text, FULL, 1e6),
                    SLIDING, RopeParameters.readForLayerType(text, SLIDING, 1e4));
        }
        RopeParameters local = new RopeParameters("default", text.doubleValue("rope_local_base_freq", 1e4), 1.0, null);
        return Map.of(FULL, RopeParameters.read(text, 1e6), SLIDING, local);
    }

    /**
     * The layer types of a model whose decoder this build runs with full attention everywhere:
     * fails when the config asks for sliding windows.
     */
    private static List<String> fullAttentionOnly(HfConfig text, int layers) throws ModelLoadException {
        if (text.boolValue("use_sliding_window", false)) {
            throw new ModelLoadException("Cannot load model: use_sliding_window = true in " + text
                    + " is not supported for this model type (supported: false)");
        }
        if (text.has("layer_types")) {
            List<String> types = Arrays.asList(text.strings("layer_types"));
            if (types.size() != layers || types.stream().anyMatch(t -> !t.equals(FULL))) {
                throw new ModelLoadException("Cannot load model: layer_types " + types + " in " + text
                        + " is not supported for this model type (expected " + layers + " x " + FULL + ")");
            }
        }
        return java.util.Collections.nCopies(layers, FULL);
    }

    /**
     * @param tie whether lm_head reuses embed_tokens
     * @return this config with that decision (composite models whose outer config decides it: Idefics3, Gemma 3)
     */
    public TextConfig withTiedEmbeddings(boolean tie) {
        return new TextConfig(modelType, vocabSize, hiddenSize, intermediateSize, numLayers, numHeads, numKvHeads, headDim,
                normEps, normOffsetFromOne, qkvBias, outputBias, mlpBias, qkNorm, sandwichNorms, attentionScale, hiddenAct,
                embedScale, layerTypes, slidingWindow, rope, maxPositions, tie);
    }

    /** @return the sizes the analysis needs */
    public DecoderShape shape() {
        return new DecoderShape(numLayers, numHeads, numKvHeads, headDim, hiddenSize, maxPositions);
    }

    /**
     * @param layer a layer index
     * @return the window of that layer, 0 for full attention
     */
    public int windowOf(int layer) {
        return layerTypes.get(layer).equals(SLIDING) ? slidingWindow : 0;
    }
}
