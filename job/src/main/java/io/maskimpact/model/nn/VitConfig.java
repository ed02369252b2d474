package io.maskimpact.model.nn;

import io.maskimpact.model.hf.HfConfig;
import io.maskimpact.model.ModelLoadException;


/**
 * A ViT vision tower's hyperparameters from a {@code vision_config}: {@code clip_vision_model},
 * {@code siglip_vision_model}, or Idefics3's and SmolVLM's SigLIP ({@code idefics3_vision},
 * {@code smolvlm_vision}: the same tower, whose learned positions are a plain raster over a full
 * tile).
 *
 * @param modelType one of {@link #TYPES}
 * @param hiddenSize width (C)
 * @param intermediateSize MLP width
 * @param numLayers encoder layers
 * @param numHeads attention heads
 * @param imageSize input height and width in pixels
 * @param patchSize patch side in pixels
 * @param numChannels image channels
 * @param hiddenAct MLP activation
 * @param layerNormEps LayerNorm epsilon
 */
public record VitConfig(String modelType, int hiddenSize, int intermediateSize, int numLayers, int numHeads,
                           int imageSize, int patchSize, int numChannels, String hiddenAct, float layerNormEps) {

    /** Vision model types this build runs. */
    public static final java.util.List<String> TYPES = java.util.List.of("clip_vision_model", "siglip_vision_model",
            "idefics3_vision", "smolvlm_vision");

    /**
     * @param vision the vision_config object
     * @return the config
     */
    public static VitConfig from(HfConfig vision) throws ModelLoadException {
        String type = vision.optString("model_type").orElse("clip_vision_model");
        if (!TYPES.contains(type)) {
            throw new ModelLoadException("Cannot load model: vision model_type '" + type + "' in " + vision
                    + " is not supported (supported: " + String.join(", ", TYPES) + ")");
        }
        boolean clip = type.equals("clip_vision_model");
        String act = vision.optString("hidden_act").orElse(clip ? "quick_gelu" : "gelu_pytorch_tanh");
        Activations.of(act, vision + "#hidden_act");   // fails here, at load, when unknown
        int imageSize = vision.intValue("image_size");
        int patchSize = vision.intValue("patch_size");
        if (imageSize % patchSize != 0) {
            throw new ModelLoadException("Cannot load model: image_size " + imageSize + " is not a multiple of patch_size "
                    + patchSize + " in " + vision);
        }
        return new VitConfig(type, vision.intValue("hidden_size"), vision.intValue("intermediate_size"),
                vision.intValue("num_hidden_layers"), vision.intValue("num_attention_heads"), imageSize, patchSize,
                vision.intValue("num_channels", 3), act, (float) vision.doubleValue("layer_norm_eps", clip ? 1e-5 : 1e-6));
    }

    /** @return whether the tower prepends a class token (CLIP does, SigLIP does not) */
    public boolean hasClassToken() {
        return modelType.equals("clip_vision_model");
    }

    /** @return patches per side */
    public int gridSize() {
        return imageSize / patchSize;
    }

    /** @return tokens the tower outputs: patches, plus the class token where there is one */
    public int numPositions() {
        return gridSize() * gridSize() + (hasClassToken() ? 1 : 0);
    }
}
