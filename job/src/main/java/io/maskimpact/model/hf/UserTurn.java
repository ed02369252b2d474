package io.maskimpact.model.hf;

import io.maskimpact.model.PromptException;

/**
 * A pair's one user turn [image, question] as every family's prompt starts: the chat template's text with
 * the generation prompt, tokenized as the processor tokenizes it, with its one image placeholder found.
 *
 * @param text the rendered prompt
 * @param encoded its tokens and their character spans
 * @param placeholder the position of the image placeholder token
 * @param inQuestion per token, whether it is part of the question (its span lies inside the question's
 *     last occurrence in the text); the others are the template's
 */
public record UserTurn(String text, TextTokenizer.Encoded encoded, int placeholder, boolean[] inQuestion) {

    /**
     * @param template the chat template
     * @param tokenizer the tokenizer
     * @param bosToken the BOS token's text, or null; the tokenizer adds its special tokens unless the template
     *     already starts with it
     * @param question the question (data, never template code)
     * @param placeholderId the image placeholder's token id
     * @return the turn
     * @throws PromptException when the template fails, or the prompt holds no placeholder or more than one
     */
    public static UserTurn encode(ChatTemplate template, TextTokenizer tokenizer, String bosToken, String question,
                                  int placeholderId) throws PromptException {
        String text;
        try {
            text = template.renderUserTurn(question, true);
        } catch (IllegalArgumentException e) {
            throw new PromptException("the chat template cannot render this question: " + e.getMessage());
        }
        boolean templateHasBos = bosToken != null && text.startsWith(bosToken);
        TextTokenizer.Encoded encoded = tokenizer.encode(text, !templateHasBos);
        int[] ids = encoded.ids();
        int at = -1;
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] == placeholderId) {
                if (at >= 0) {
                    throw new PromptException("the prompt holds more than one image placeholder (only one image per pair is supported;"
                            + " remove '" + tokenizer.tokenText(placeholderId) + "' from the question)");
                }
                at = i;
            }
        }
        if (at < 0) {
            throw new PromptException("the chat template produced no image placeholder (token id " + placeholderId + ")");
        }
        int from = text.lastIndexOf(question);
        int to = from + question.length();
        boolean[] inQuestion = new boolean[ids.length];
        for (int i = 0; i < ids.length; i++) {
            inQuestion[i] = from >= 0 && encoded.starts()[i] >= from && encoded.ends()[i] <= to
                    && encoded.ends()[i] > encoded.starts()[i];
        }
        return new UserTurn(text, encoded, at, inQuestion);
    }

    /** @return the token ids */
    public int[] ids() {
        return encoded.ids();
    }
}
