package io.maskimpact.family.gemma3;

import io.maskimpact.model.ModelLoadException;
import io.maskimpact.model.hf.HfConfig;
import io.maskimpact.model.nn.TextConfig;
import io.maskimpact.model.nn.VitConfig;

/**
 * A Gemma 3 config.json ({@code Gemma3Config}), with the class defaults where a key is absent.
 *
 * @param vision the SigLIP tower
 * @param text the decoder ({@code gemma3_text})
 * @param imageTokenId {@code image_token_index}: one per image feature
 * @param tokensPerImage {@code mm_tokens_per_image}: a square number of pooled features
 */
public record Gemma3Config(VitConfig vision, TextConfig text, int imageTokenId, int tokensPerImage) {

    /**
     * @param config the parsed config.json
     * @return the config
     * @throws ModelLoadException when a setting is not supported
     */
    public static Gemma3Config from(HfConfig config) throws ModelLoadException {
        HfConfig visionJson = config.child("vision_config");
        String visionType = visionJson.optString("model_type").orElse("siglip_vision_model");
        if (!visionType.equals("siglip_vision_model")) {
            throw new ModelLoadException("Cannot load model: vision_config model_type '" + visionType + "' in " + config
                    + " is not supported (supported: siglip_vision_model)");
        }
        VitConfig vision = VitConfig.from(visionJson);
        // the outer config decides the tying, as transformers' tie_weights reads it
        boolean tie = config.boolValue("tie_word_embeddings", true);
        TextConfig text = TextConfig.from(config.child("text_config"), "gemma3_text", tie).withTiedEmbeddings(tie);
        int tokens = config.intValue("mm_tokens_per_image", 256);
        int side = (int) Math.round(Math.sqrt(tokens));
        if (side * side != tokens || vision.gridSize() % side != 0) {
            throw new ModelLoadException("Cannot load model: mm_tokens_per_image " + tokens + " in " + config
                    + " must be a square whose side divides the tower's " + vision.gridSize() + " patches a side");
        }
        return new Gemma3Config(vision, text, config.intValue("image_token_index", 262144), tokens);
    }

    /** @return pooled tokens a side */
    public int tokenGrid() {
        return (int) Math.round(Math.sqrt(tokensPerImage));
    }
}
