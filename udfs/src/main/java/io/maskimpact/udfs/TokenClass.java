package io.maskimpact.udfs;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The lexical class of a token's text, as returned by the SQL function {@code mi_token_class}.
 *
 * <p>Classification looks at the text alone, in this order:
 * <ol>
 *   <li>{@link #SPECIAL}: empty text, or a whole-token marker such as {@code <image>}, {@code </s>},
 *       {@code <|im_start|>} or {@code [CLS]};</li>
 *   <li>word-boundary marks are then read and removed: a leading space, {@code ▁} (SentencePiece) or
 *       {@code Ġ} (byte-level BPE) starts a word; a leading {@code ##} (WordPiece) continues one;</li>
 *   <li>{@link #SPACE}: nothing but white space or newline marks ({@code Ċ}, {@code ĉ}) is left;</li>
 *   <li>{@link #PUNCTUATION}: no letter or digit;</li>
 *   <li>{@link #NUMBER}: digits, optionally with {@code . , _} separators;</li>
 *   <li>{@link #WORDPIECE}: a {@code ##} continuation, or &mdash; only when the caller says that the
 *       tokenizer marks word starts ({@code marksWordStarts}) &mdash; a token without a start mark;</li>
 *   <li>{@link #STOPWORD}: an English stop word (case-insensitive, {@link #STOP_WORDS});</li>
 *   <li>{@link #WORD}: anything else.</li>
 * </ol>
 *
 * <p>Why the flag: a word piece can only be told apart from a whole word when the tokenizer marks
 * word starts in the token text. Byte-level BPE (Qwen2, LLaMA-3) decodes {@code "Ġcat"} to
 * {@code " cat"} and a continuation {@code "ing"} to {@code "ing"}, so there a missing space means a
 * word piece; SentencePiece decoders (LLaMA-2, Vicuna) strip the space of a single decoded token, so
 * there it does not, and only raw pieces ({@code "▁cat"}) carry the mark.
 *
 * <pre>
 * TokenClass.of("the", false)    == STOPWORD
 * TokenClass.of(" cat", true)    == WORD
 * TokenClass.of("ing", true)     == WORDPIECE
 * TokenClass.of("##ing", false)  == WORDPIECE
 * TokenClass.of("&lt;image&gt;", false) == SPECIAL
 * </pre>
 */
public enum TokenClass {
    /** A marker token: {@code <image>}, {@code <s>}, {@code [SEP]}, or empty text. */
    SPECIAL("special"),
    /** White space or newlines only. */
    SPACE("space"),
    /** No letter or digit: punctuation and symbols. */
    PUNCTUATION("punctuation"),
    /** Digits, optionally with separators. */
    NUMBER("number"),
    /** The continuation of a word. */
    WORDPIECE("wordpiece"),
    /** An English function word ({@link #STOP_WORDS}). */
    STOPWORD("stopword"),
    /** Any other word. */
    WORD("word");

    /**
     * English stop words: the classic list of NLTK's {@code stopwords.words('english')} without
     * contractions, which tokenizers split anyway.
     */
    public static final Set<String> STOP_WORDS = Set.of(
            "i", "me", "my", "myself", "we", "our", "ours", "ourselves", "you", "your", "yours",
            "yourself", "yourselves", "he", "him", "his", "himself", "she", "her", "hers", "herself",
            "it", "its", "itself", "they", "them", "their", "theirs", "themselves", "what", "which",
            "who", "whom", "this", "that", "these", "those", "am", "is", "are", "was", "were", "be",
            "been", "being", "have", "has", "had", "having", "do", "does", "did", "doing", "a", "an",
            "the", "and", "but", "if", "or", "because", "as", "until", "while", "of", "at", "by",
            "for", "with", "about", "against", "between", "into", "through", "during", "before",
            "after", "above", "below", "to", "from", "up", "down", "in", "out", "on", "off", "over",
            "under", "again", "further", "then", "once", "here", "there", "when", "where", "why",
            "how", "all", "any", "both", "each", "few", "more", "most", "other", "some", "such", "no",
            "nor", "not", "only", "own", "same", "so", "than", "too", "very", "s", "t", "can",
            "will", "just", "don", "should", "now");

    private static final Pattern SPECIAL_MARKER = Pattern.compile("<[^<>\\s]+>|\\[[A-Z][A-Z_]*]");
    private static final Pattern DIGITS = Pattern.compile("[0-9][0-9.,_]*");
    private static final char SENTENCEPIECE_SPACE = '\u2581';
    private static final char BYTE_LEVEL_SPACE = '\u0120';
    private static final char BYTE_LEVEL_NEWLINE = '\u010A';
    private static final char BYTE_LEVEL_TAB = '\u0109';

    private final String sqlName;

    TokenClass(String sqlName) {
        this.sqlName = sqlName;
    }

    /** @return the value the SQL function returns for this class */
    public String sqlName() {
        return sqlName;
    }

    /**
     * Classifies a token's text.
     *
     * @param text the token text (raw piece or decoded text); may be null
     * @param marksWordStarts whether the tokenizer marks every word start in the text, so that a
     *     token without a mark continues a word (true for byte-level BPE decoded text and for raw
     *     SentencePiece pieces; false for single-token SentencePiece decodes and unknown tokenizers)
     * @return the class, or null for null text
     */
    public static TokenClass of(String text, boolean marksWordStarts) {
        if (text == null) {
            return null;
        }
        String trimmed = text.strip();
        if (text.isEmpty() || SPECIAL_MARKER.matcher(trimmed).matches()) {
            return SPECIAL;
        }
        // Read and drop the word-boundary marks.
        int start = 0;
        boolean wordStart = false;
        while (start < text.length() && isStartMark(text.charAt(start))) {
            wordStart = true;
            start++;
        }
        boolean continuation = false;
        if (!wordStart && text.startsWith("##", start) && text.length() > start + 2) {
            continuation = true;
            start += 2;
        }
        String body = text.substring(start);
        if (isBlank(body)) {
            return SPACE;
        }
        if (body.codePoints().noneMatch(Character::isLetterOrDigit)) {
            return PUNCTUATION;
        }
        if (DIGITS.matcher(body).matches()) {
            return NUMBER;
        }
        if (continuation || (marksWordStarts && !wordStart)) {
            return WORDPIECE;
        }
        if (STOP_WORDS.contains(body.strip().toLowerCase(Locale.ROOT))) {
            return STOPWORD;
        }
        return WORD;
    }

    /**
     * Classifies a token's text from a tokenizer that does not mark word starts.
     *
     * @param text the token text; may be null
     * @return the class, or null for null text
     * @see #of(String, boolean)
     */
    public static TokenClass of(String text) {
        return of(text, false);
    }

    private static boolean isStartMark(char c) {
        return c == ' ' || c == SENTENCEPIECE_SPACE || c == BYTE_LEVEL_SPACE;
    }

    private static boolean isBlank(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!Character.isWhitespace(c) && c != BYTE_LEVEL_NEWLINE && c != BYTE_LEVEL_TAB
                    && c != SENTENCEPIECE_SPACE && c != BYTE_LEVEL_SPACE) {
                return false;
            }
        }
        return true;
    }
}
