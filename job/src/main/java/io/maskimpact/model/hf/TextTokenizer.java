package io.maskimpact.model.hf;

import io.maskimpact.model.ModelLoadException;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The model's {@code tokenizer.json}, through DJL's Hugging Face tokenizers (Rust, in the jar).
 * Thread-safe.
 */
public final class TextTokenizer implements AutoCloseable {
    private final HuggingFaceTokenizer tokenizer;

    /** One encoded text: ids and each token's character span in the text ({@code [start, end)}). */
    public record Encoded(int[] ids, int[] starts, int[] ends) {
    }

    private TextTokenizer(HuggingFaceTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /**
     * @param modelDir the model directory holding tokenizer.json
     * @return the tokenizer
     */
    public static TextTokenizer load(Path modelDir) throws ModelLoadException {
        Path file = modelDir.resolve("tokenizer.json");
        if (!Files.isRegularFile(file)) {
            throw new ModelLoadException("Cannot load model: " + file + " is missing (only fast tokenizers are supported: put the model's tokenizer.json in the folder; transformers' AutoTokenizer.save_pretrained writes it)");
        }
        try {
            // No truncation or padding: the job checks prompt length itself and reports it per pair.
            return new TextTokenizer(HuggingFaceTokenizer.newInstance(file,
                    Map.of("truncation", "false", "padding", "false", "addSpecialTokens", "false")));
        } catch (IOException | RuntimeException e) {
            throw new ModelLoadException("Cannot load model: " + file + " is not a valid tokenizer (" + e.getMessage() + ")", e);
        }
    }

    /**
     * @param text the text
     * @param addSpecialTokens whether the tokenizer's post-processor adds BOS and the like
     * @return ids and spans
     */
    public Encoded encode(String text, boolean addSpecialTokens) {
        Encoding encoding = tokenizer.encode(text, addSpecialTokens, false);
        long[] ids = encoding.getIds();
        CharSpan[] spans = encoding.getCharTokenSpans();
        int[] out = new int[ids.length];
        int[] starts = new int[ids.length];
        int[] ends = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = Math.toIntExact(ids[i]);
            starts[i] = spans[i] == null ? -1 : spans[i].getStart();
            ends[i] = spans[i] == null ? -1 : spans[i].getEnd();
        }
        return new Encoded(out, starts, ends);
    }

    /**
     * @param ids token ids
     * @return the decoded text, special tokens skipped
     */
    public String decode(int[] ids) {
        long[] longs = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            longs[i] = ids[i];
        }
        return tokenizer.decode(longs, true);
    }

    /**
     * @param id one token id
     * @return its text as the vocabulary spells it, special tokens included
     */
    public String tokenText(int id) {
        return tokenizer.decode(new long[] {id}, false);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
