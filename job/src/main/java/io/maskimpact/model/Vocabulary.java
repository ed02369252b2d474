package io.maskimpact.model;

/** A model's tokens as text, and which ones end generation. Thread-safe. */
public interface Vocabulary {

    /** @return whether generation stops at this token */
    boolean isStopToken(int tokenId);

    /** @return one token's text, special tokens spelled out */
    String tokenText(int tokenId);

    /** @return the text of generated tokens, special tokens skipped */
    String decode(int[] tokenIds);
}
