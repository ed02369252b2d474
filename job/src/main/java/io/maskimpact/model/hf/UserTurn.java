package io.maskimpact.model.hf;

import io.maskimpact.model.PromptException;

/**
 * A pair's one user turn [image, question] as every family's prompt starts: the chat template's text with
 * the generation prompt, tokenized as the processor tokenizes it, with its one image placeholder found.
 *
 * @param text the rendered prompt (with the image placeholder expanded, for {@link #encodeExpanded})
 * @param encoded its tokens and their character spans
 * @param placeholder the position of the image placeholder token (of the expansion's first token, for
 *     {@link #encodeExpanded})
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
        String text = render(template, question);
        TextTokenizer.Encoded encoded = tokenize(tokenizer, bosToken, text);
        int[] ids = encoded.ids();
        int at = -1;
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] == placeholderId) {
                if (at >= 0) {
                    throw tooManyImages(tokenizer.tokenText(placeholderId));
                }
                at = i;
            }
        }
        if (at < 0) {
            throw new PromptException("the chat template produced no image placeholder (token id " + placeholderId + ")");
        }
        return new UserTurn(text, encoded, at, inQuestion(text, encoded, question));
    }

    /**
     * A user turn whose processor replaces the image placeholder in the text before tokenizing the whole
     * (Idefics3, SmolVLM, Gemma 3): the text around the image tokenizes as it does in transformers.
     *
     * @param template the chat template
     * @param tokenizer the tokenizer
     * @param bosToken the BOS token's text, or null (as in {@link #encode})
     * @param question the question (data, never template code)
     * @param placeholderText the placeholder as the template writes it (e.g. {@code <image>})
     * @param expansion what the processor puts in its place
     * @return the turn, with {@code placeholder} the first token of the expansion
     * @throws PromptException when the template fails, or the text holds no placeholder or more than one
     */
    public static UserTurn encodeExpanded(ChatTemplate template, TextTokenizer tokenizer, String bosToken, String question,
                                          String placeholderText, String expansion) throws PromptException {
        String rendered = render(template, question);
        int at = rendered.indexOf(placeholderText);
        if (at < 0) {
            throw new PromptException("the chat template produced no image placeholder ('" + placeholderText + "')");
        }
        if (rendered.indexOf(placeholderText, at + 1) >= 0) {
            throw tooManyImages(placeholderText);
        }
        String text = rendered.substring(0, at) + expansion + rendered.substring(at + placeholderText.length());
        TextTokenizer.Encoded encoded = tokenize(tokenizer, bosToken, text);
        int first = 0;
        while (first < encoded.ids().length && encoded.starts()[first] < at) {
            first++;
        }
        return new UserTurn(text, encoded, first, inQuestion(text, encoded, question));
    }

    private static String render(ChatTemplate template, String question) throws PromptException {
        try {
            return template.renderUserTurn(question, true);
        } catch (IllegalArgumentException e) {
            throw new PromptException("the chat template cannot render this question: " + e.getMessage());
        }
    }

    private static TextTokenizer.Encoded tokenize(TextTokenizer tokenizer, String bosToken, String text) {
        boolean templateHasBos = bosToken != null && text.startsWith(bosToken);
        return tokenizer.encode(text, !templateHasBos);
    }

    private static PromptException tooManyImages(String placeholder) {
        return new PromptException("the prompt holds more than one image placeholder (only one image per pair is supported;"
                + " remove '" + placeholder + "' from the question)");
    }

    /**
     * Per token, whether its span lies inside the question's last occurrence in the text (the question as
     * given, or stripped, as templates that {@code trim} it write it: Gemma 3's).
     */
    private static boolean[] inQuestion(String text, TextTokenizer.Encoded encoded, String question) {
        String written = text.contains(question) ? question : question.strip();
        int from = text.lastIndexOf(written);
        int to = from + written.length();
        boolean[] inQuestion = new boolean[encoded.ids().length];
        for (int i = 0; i < inQuestion.length; i++) {
            inQuestion[i] = from >= 0 && encoded.starts()[i] >= from && encoded.ends()[i] <= to
                    && encoded.ends()[i] > encoded.starts()[i];
        }
        return inQuestion;
    }

    /** @return the token ids */
    public int[] ids() {
        return encoded.ids();
    }
}
