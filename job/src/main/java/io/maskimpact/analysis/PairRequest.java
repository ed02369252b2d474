package io.maskimpact.analysis;

import io.maskimpact.input.PixelImage;

/**
 * One image/question pair, decoded and ready for the model.
 *
 * @param pairId the pair's id from the input manifest
 * @param image the image as transformers loads it (any size; the model's processor resizes it)
 * @param question the user's question
 * @param maxNewTokens greedy tokens to generate, one generation step each
 * @param maskMode which tokens to mask
 */
public record PairRequest(String pairId, PixelImage image, String question, int maxNewTokens,
                          MaskMode maskMode) {
}
