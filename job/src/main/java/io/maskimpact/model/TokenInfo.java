package io.maskimpact.model;

/**
 * One position of the analysed sequence.
 *
 * @param tokenId the vocabulary id
 * @param text the decoded token text (untrusted: it comes from the question and the model)
 * @param kind what the token is
 * @param patchRow the image grid row of a vision token, -1 otherwise
 * @param patchCol the image grid column of a vision token, -1 otherwise
 */
public record TokenInfo(int tokenId, String text, TokenKind kind, int patchRow, int patchCol) {

    /** @return whether this token has a grid cell */
    public boolean hasCell() {
        return patchRow >= 0;
    }
}
