package io.maskimpact.family.llava;

import io.maskimpact.model.hf.HfConfig;
import io.maskimpact.model.ModelLoadException;
import io.maskimpact.model.nn.TextConfig;
import io.maskimpact.model.nn.VitConfig;

/**
 * A LLaVA config.json: vision tower, projector and text decoder, and how they connect.
 *
 * @param vision the vision tower
 * @param text the text decoder
 * @param imageTokenId the placeholder token expanded to one token per image feature
 * @param featureLayerIndex index into the tower's hidden states (0 = embeddings) whose output is used
 * @param dropFirstFeature strategy {@code default}: drop the first feature (CLIP's class token)
 * @param projectorAct projector activation
 * @param projectorBias whether the projector's linear layers have biases
 */
public record LlavaConfig(VitConfig vision, TextConfig text, int imageTokenId, int featureLayerIndex,
                          boolean dropFirstFeature, String projectorAct, boolean projectorBias) {

    /**
     * @param config the parsed config.json
     * @return the config
     */
    public static LlavaConfig from(HfConfig config) throws ModelLoadException {
        VitConfig vision = VitConfig.from(config.child("vision_config"));
        TextConfig text = TextConfig.from(config.child("text_config"), config.boolValue("tie_word_embeddings", false));
        int imageToken = config.has("image_token_index") ? config.intValue("image_token_index") : config.intValue("image_token_id");
        if (config.has("vision_feature_layer") && !config.json().get("vision_feature_layer").isJsonPrimitive()) {
            throw new ModelLoadException("Cannot load model: a list vision_feature_layer in " + config + " is not supported (use one layer)");
        }
        int layer = config.intValue("vision_feature_layer", -2);
        int index = layer < 0 ? vision.numLayers() + 1 + layer : layer;
        if (index < 0 || index > vision.numLayers()) {
            throw new ModelLoadException("Cannot load model: vision_feature_layer " + layer + " in " + config
                    + " is out of range for " + vision.numLayers() + " vision layers");
        }
        String strategy = config.optString("vision_feature_select_strategy").orElse("default");
        if (!strategy.equals("default") && !strategy.equals("full")) {
            throw new ModelLoadException("Cannot load model: vision_feature_select_strategy '" + strategy + "' in " + config
                    + " is not supported (supported: default, full)");
        }
        String act = config.optString("projector_hidden_act").orElse("gelu");
        return new LlavaConfig(vision, text, imageToken, index, strategy.equals("default"), act,
                config.boolValue("multimodal_projector_bias", true));
    }

    /** @return image features per image, i.e. image tokens in the prompt */
    public int imageTokens() {
        return vision.numPositions() - (dropFirstFeature ? 1 : 0);
    }

    /**
     * @param feature index of an image feature
     * @return its cell, row-major over the patch grid
     */
    public int cellOf(int feature) {
        return feature + (dropFirstFeature ? 1 : 0) - (vision.hasClassToken() ? 1 : 0);
    }
}
