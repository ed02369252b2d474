package io.maskimpact.model.hf;

import io.maskimpact.model.Vocabulary;

import java.util.Set;

/**
 * A {@link Vocabulary} from a checkpoint's tokenizer and its eos ids.
 *
 * @param tokenizer the fast tokenizer
 * @param stopTokens ids that end generation
 */
public record HfVocabulary(TextTokenizer tokenizer, Set<Integer> stopTokens) implements Vocabulary {

    @Override
    public boolean isStopToken(int tokenId) {
        return stopTokens.contains(tokenId);
    }

    @Override
    public String tokenText(int tokenId) {
        return tokenizer.tokenText(tokenId);
    }

    @Override
    public String decode(int[] tokenIds) {
        return tokenizer.decode(tokenIds);
    }
}
