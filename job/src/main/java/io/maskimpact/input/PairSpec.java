package io.maskimpact.input;

import java.io.Serializable;

/**
 * One validated manifest row, ready to ship to an executor.
 *
 * @param row the 1-based data row of the manifest (header not counted), for messages
 * @param pairId the pair's id, unique in the manifest
 * @param image the image reference as the manifest wrote it
 * @param imageUri the reference resolved to an absolute URI (relative paths against the manifest's folder)
 * @param question the question, trimmed of surrounding whitespace
 * @param maxNewTokens generation steps for this pair (the manifest's value, else the run's default)
 * @param maskMode mask mode for this pair, lower case (the manifest's value, else the run's default)
 */
public record PairSpec(int row, String pairId, String image, String imageUri, String question, int maxNewTokens,
                       String maskMode) implements Serializable {
}
