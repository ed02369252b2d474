package io.maskimpact.analysis;

import java.awt.image.BufferedImage;

/**
 * One image/question pair, decoded and ready for the model.
 *
 * @param pairId the pair's id from the input manifest
 * @param image the decoded image (any size; the model's processor resizes it)
 * @param question the user's question
 * @param maxNewTokens greedy tokens to generate, one generation step each
 * @param maskMode which tokens to mask
 */
public record PairRequest(String pairId, BufferedImage image, String question, int maxNewTokens,
                          MaskMode maskMode) {
}
