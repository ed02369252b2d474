package io.maskimpact.input;

/**
 * One manifest row as read, every value a string or null, before any validation.
 *
 * @param row the 1-based data row (header not counted)
 * @param pairId the {@code pair_id} cell
 * @param image the {@code image} cell
 * @param question the {@code question} cell
 * @param maxNewTokens the optional {@code max_new_tokens} cell
 * @param maskMode the optional {@code mask_mode} cell
 */
public record ManifestRow(int row, String pairId, String image, String question, String maxNewTokens,
                          String maskMode) {
}
