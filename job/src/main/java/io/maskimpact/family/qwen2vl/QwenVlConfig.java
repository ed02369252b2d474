package io.maskimpact.family.qwen2vl;

import io.maskimpact.model.ModelLoadException;
import io.maskimpact.model.hf.HfConfig;
import io.maskimpact.model.nn.Activations;
import io.maskimpact.model.nn.TextConfig;

import java.util.Arrays;
import java.util.List;

/**
 * A Qwen2-VL, Qwen2.5-VL or Qwen3-VL config.json, read as transformers 5.17's config classes read it,
 * with their class defaults where a key is absent: the nested layout transformers 5 writes, and
 * Qwen2-VL's and Qwen2.5-VL's released flat layout (text keys at the top level, no {@code text_config}).
 *
 * @param generation which of the three
 * @param vision the vision tower
 * @param text the decoder
 * @param imageTokenId {@code <|image_pad|>}, one per merged image cell in the prompt
 * @param visionStartId {@code <|vision_start|>}
 * @param visionEndId {@code <|vision_end|>}
 */
record QwenVlConfig(Generation generation, Vision vision, TextConfig text, int imageTokenId, int visionStartId,
                    int visionEndId) {

    /** The three model types, with their text model type. */
    enum Generation {
        QWEN2_VL("qwen2_vl", "qwen2_vl_text"),
        QWEN2_5_VL("qwen2_5_vl", "qwen2_5_vl_text"),
        QWEN3_VL("qwen3_vl", "qwen3_vl_text");

        final String modelType;
        final String textType;

        Generation(String modelType, String textType) {
            this.modelType = modelType;
            this.textType = textType;
        }

        static Generation of(String modelType) throws ModelLoadException {
            for (Generation g : values()) {
                if (g.modelType.equals(modelType)) {
                    return g;
                }
            }
            throw new ModelLoadException("Cannot load model: model_type '" + modelType + "' is not a Qwen-VL model type");
        }
    }

    /**
     * A vision tower's hyperparameters.
     *
     * @param depth blocks
     * @param width C (Qwen2-VL's {@code embed_dim}, the others' {@code hidden_size})
     * @param heads attention heads (C is a multiple)
     * @param mlpWidth the block MLP's hidden width
     * @param outWidth the merger's output width, the decoder's d
     * @param hiddenAct the block MLP's activation
     * @param patch patch side in pixels
     * @param temporalPatch frames per patch (a still image fills them all)
     * @param merge merged cells are merge x merge patches
     * @param ropeTheta the 2-D RoPE base
     * @param windowSize Qwen2.5-VL: window side in pixels; 0 for full attention everywhere
     * @param fullAttentionBlocks Qwen2.5-VL: blocks that see the whole image
     * @param positionEmbeddings Qwen3-VL: learned position table entries (a square); 0 for none
     * @param deepstackBlocks Qwen3-VL: blocks whose output feeds a DeepStack merger, in order
     */
    record Vision(int depth, int width, int heads, int mlpWidth, int outWidth, String hiddenAct, int patch,
                  int temporalPatch, int merge, double ropeTheta, int windowSize, List<Integer> fullAttentionBlocks,
                  int positionEmbeddings, List<Integer> deepstackBlocks) {

        /** @return the head dim E */
        int headDim() {
            return width / heads;
        }

        /** @return the learned position table's side, Qwen3-VL's {@code num_grid_per_side} */
        int positionGridSide() {
            return (int) Math.sqrt(positionEmbeddings);
        }
    }

    /**
     * @param config the parsed config.json
     * @return the config
     * @throws ModelLoadException when a setting is missing, inconsistent or not supported
     */
    static QwenVlConfig from(HfConfig config) throws ModelLoadException {
        Generation generation = Generation.of(config.string("model_type"));
        boolean nested = config.has("text_config");
        if (!nested && generation == Generation.QWEN3_VL) {
            throw new ModelLoadException("Cannot load model: " + config + " has no text_config (Qwen3-VL configs are nested)");
        }
        HfConfig textKeys = nested ? config.child("text_config") : config;
        // transformers ties the LM head when the outer config says so; Qwen2-VL's config class also when its text config does
        boolean tie = config.boolValue("tie_word_embeddings", false)
                || (generation != Generation.QWEN3_VL && textKeys.boolValue("tie_word_embeddings", false));
        TextConfig text = TextConfig.from(textKeys, generation.textType, tie);
        Vision vision = vision(config.child("vision_config"), generation);
        if (vision.outWidth() != text.hiddenSize()) {
            throw new ModelLoadException("Cannot load model: the vision merger's output width " + vision.outWidth() + " in "
                    + config + " differs from the decoder's hidden_size " + text.hiddenSize());
        }
        return new QwenVlConfig(generation, vision, text, config.intValue("image_token_id", 151655),
                config.intValue("vision_start_token_id", 151652), config.intValue("vision_end_token_id", 151653));
    }

    private static Vision vision(HfConfig v, Generation g) throws ModelLoadException {
        int channels = v.intValue("in_channels", 3);
        if (channels != 3) {
            throw new ModelLoadException("Cannot load model: in_channels " + channels + " in " + v + " is not supported (supported: 3, RGB)");
        }
        String act = v.optString("hidden_act").orElse(switch (g) {
            case QWEN2_VL -> "quick_gelu";
            case QWEN2_5_VL -> "silu";
            case QWEN3_VL -> "gelu_pytorch_tanh";
        });
        Activations.of(act, v + "#hidden_act");
        int width;
        int mlpWidth;
        int outWidth;
        int heads = v.intValue("num_heads", 16);
        switch (g) {
            case QWEN2_VL -> {
                width = v.intValue("embed_dim", 1280);
                // Qwen2VLVisionBlock: int(embed_dim * mlp_ratio)
                mlpWidth = (int) (width * v.doubleValue("mlp_ratio", 4));
                outWidth = v.intValue("hidden_size", 3584);
            }
            case QWEN2_5_VL -> {
                width = v.intValue("hidden_size", 3584);
                mlpWidth = v.intValue("intermediate_size", 3420);
                outWidth = v.intValue("out_hidden_size", 3584);
            }
            default -> {
                width = v.intValue("hidden_size", 1152);
                mlpWidth = v.intValue("intermediate_size", 4304);
                outWidth = v.intValue("out_hidden_size", 3584);
            }
        }
        if (width % heads != 0 || (width / heads) % 4 != 0) {
            throw new ModelLoadException("Cannot load model: the vision width " + width + " in " + v + " is not a multiple of 4 x num_heads "
                    + heads + " (the 2-D RoPE splits each head in quarters)");
        }
        // transformers' vision RoPE takes head_dim when the config sets one, its attention always width / heads
        if (v.has("head_dim") && v.intValue("head_dim") != width / heads) {
            throw new ModelLoadException("Cannot load model: head_dim " + v.intValue("head_dim") + " in " + v
                    + " differs from the vision width / num_heads = " + width / heads + " (remove head_dim)");
        }
        int depth = v.intValue("depth", g == Generation.QWEN3_VL ? 27 : 32);
        int windowSize = g == Generation.QWEN2_5_VL ? v.intValue("window_size", 112) : 0;
        List<Integer> fullAttention = g == Generation.QWEN2_5_VL
                ? blockList(v, "fullatt_block_indexes", new int[] {7, 15, 23, 31}, depth) : List.of();
        int positions = g == Generation.QWEN3_VL ? v.intValue("num_position_embeddings", 2304) : 0;
        if (positions > 0 && (int) Math.sqrt(positions) * (int) Math.sqrt(positions) != positions) {
            throw new ModelLoadException("Cannot load model: num_position_embeddings " + positions + " in " + v
                    + " is not a square (the learned positions are a square grid)");
        }
        List<Integer> deepstack = g == Generation.QWEN3_VL
                ? blockList(v, "deepstack_visual_indexes", new int[] {8, 16, 24}, depth) : List.of();
        return new Vision(depth, width, heads, mlpWidth, outWidth, act, v.intValue("patch_size", g == Generation.QWEN3_VL ? 16 : 14),
                v.intValue("temporal_patch_size", 2), v.intValue("spatial_merge_size", 2), ropeTheta(v), windowSize,
                fullAttention, positions, deepstack);
    }

    /** The vision RoPE's base: {@code rope_parameters} of type axial (or default, which transformers reads as axial). */
    private static double ropeTheta(HfConfig v) throws ModelLoadException {
        HfConfig rope = v.child("rope_parameters");
        for (String key : rope.json().keySet()) {
            if (!key.equals("rope_type") && !key.equals("rope_theta") && rope.has(key)) {
                throw new ModelLoadException("Cannot load model: vision rope setting '" + key + "' in " + rope
                        + " is not understood (understood: rope_type axial, rope_theta)");
            }
        }
        String type = rope.optString("rope_type").orElse("axial");
        if (!type.equals("axial") && !type.equals("default")) {
            throw new ModelLoadException("Cannot load model: vision rope type '" + type + "' in " + rope + " is not supported (supported: axial)");
        }
        return rope.doubleValue("rope_theta", 10000.0);
    }

    private static List<Integer> blockList(HfConfig v, String key, int[] classDefault, int depth) throws ModelLoadException {
        int[] blocks = v.has(key) ? v.ints(key) : classDefault;
        for (int b : blocks) {
            if (b < 0 || b >= depth) {
                throw new ModelLoadException("Cannot load model: " + key + " " + Arrays.toString(blocks) + " in " + v
                        + " names a block outside 0.." + (depth - 1));
            }
        }
        return Arrays.stream(blocks).boxed().toList();
    }
}
