package io.maskimpact.model;

/**
 * One position of the analysed sequence.
 *
 * @param tokenId the vocabulary id
 * @param text the decoded token text (untrusted: it comes from the question and the model)
 * @param kind what the token is
 * @param imageIndex index of the image region ({@link ImageRegion#index()}) a vision token belongs to, -1 otherwise
 * @param patchRow the row of a vision token's cell in its region's grid, -1 otherwise
 * @param patchCol the column of a vision token's cell in its region's grid, -1 otherwise
 */
public record TokenInfo(int tokenId, String text, TokenKind kind, int imageIndex, int patchRow, int patchCol) {

    /**
     * @param tokenId the vocabulary id
     * @param text the decoded token text
     * @param kind a kind without a grid cell
     * @return a token that is not part of an image
     */
    public static TokenInfo plain(int tokenId, String text, TokenKind kind) {
        return new TokenInfo(tokenId, text, kind, -1, -1, -1);
    }

    /** @return whether this token has a grid cell */
    public boolean hasCell() {
        return patchRow >= 0;
    }
}
