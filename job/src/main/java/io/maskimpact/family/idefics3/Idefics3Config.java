package io.maskimpact.family.idefics3;

import io.maskimpact.model.ModelLoadException;
import io.maskimpact.model.hf.HfConfig;
import io.maskimpact.model.nn.TextConfig;
import io.maskimpact.model.nn.VitConfig;

import java.util.List;

/**
 * An Idefics3 or SmolVLM config.json (one architecture; transformers' {@code Idefics3Config} and
 * {@code SmolVLMConfig} hold the same keys).
 *
 * @param vision the SigLIP tower that encodes each tile
 * @param text the LLaMA decoder
 * @param imageTokenId the {@code <image>} token, one per image feature
 * @param scaleFactor the pixel shuffle's factor: s x s patches become one token
 */
public record Idefics3Config(VitConfig vision, TextConfig text, int imageTokenId, int scaleFactor) {

    private static final List<String> VISION_TYPES = List.of("idefics3_vision", "smolvlm_vision");

    /**
     * @param config the parsed config.json
     * @return the config
     * @throws ModelLoadException when a setting is not supported
     */
    public static Idefics3Config from(HfConfig config) throws ModelLoadException {
        HfConfig visionJson = config.child("vision_config");
        String visionType = visionJson.optString("model_type").orElse("");
        if (!VISION_TYPES.contains(visionType)) {
            throw new ModelLoadException("Cannot load model: vision_config model_type '" + visionType + "' in " + config
                    + " is not supported (supported: " + String.join(", ", VISION_TYPES) + ")");
        }
        VitConfig vision = VitConfig.from(visionJson);
        // the outer config decides the tying, as transformers' tie_weights reads it
        TextConfig text = TextConfig.from(config.child("text_config"), false)
                .withTiedEmbeddings(config.boolValue("tie_word_embeddings", false));
        int scale = config.intValue("scale_factor", 2);
        if (scale < 1 || vision.gridSize() % scale != 0) {
            throw new ModelLoadException("Cannot load model: scale_factor " + scale + " in " + config
                    + " does not divide the tower's " + vision.gridSize() + " patches a side");
        }
        return new Idefics3Config(vision, text, config.intValue("image_token_id", 128257), scale);
    }

    /** @return image tokens a side of one tile after the pixel shuffle */
    public int tokenGrid() {
        return vision.gridSize() / scaleFactor;
    }

    /** @return image tokens per tile (the processor's {@code image_seq_len}) */
    public int tokensPerTile() {
        return tokenGrid() * tokenGrid();
    }
}
