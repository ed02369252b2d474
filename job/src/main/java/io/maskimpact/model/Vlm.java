package io.maskimpact.model;

import ai.djl.ndarray.NDManager;

import java.util.List;

/**
 * A vision-language model loaded from a Hugging Face folder, as the analysis sees every family:
 * a {@link PromptBuilder} (pair to decoder input), a {@link Decoder} (sessions with a KV cache and
 * each layer's internals) and a {@link Vocabulary}.
 *
 * <pre>
 * try (Vlm model = Families.load(Path.of("models/tiny-llava"), "cpu")) {
 *     PreparedPrompt prompt = model.prompts().prepare(image, "what colour is the circle?", pair);
 *     try (DecoderSession session = model.decoder().open(prompt, pair, false)) { ... }
 * }
 * </pre>
 *
 * <p>One instance per executor JVM, shared by that JVM's tasks (every part is thread-safe). Weights
 * live on {@link #manager()} until {@link #close()}.
 */
public final class Vlm implements AutoCloseable {
    private final String name;
    private final NDManager manager;
    private final PromptBuilder prompts;
    private final Decoder decoder;
    private final Vocabulary vocabulary;
    private final List<AutoCloseable> resources;

    /**
     * @param name a short name for the {@code pairs} table (the model folder's name)
     * @param manager the weights' manager, parent of every pair's manager; closed with the model
     * @param prompts the prompt builder
     * @param decoder the text decoder
     * @param vocabulary the vocabulary
     * @param resources native resources to release on close (tokenizers)
     */
    public Vlm(String name, NDManager manager, PromptBuilder prompts, Decoder decoder, Vocabulary vocabulary,
               List<AutoCloseable> resources) {
        this.name = name;
        this.manager = manager;
        this.prompts = prompts;
        this.decoder = decoder;
        this.vocabulary = vocabulary;
        this.resources = List.copyOf(resources);
    }

    /** @return a short name for the {@code pairs} table */
    public String name() {
        return name;
    }

    /** @return the weights' manager */
    public NDManager manager() {
        return manager;
    }

    /** @return the decoder's sizes */
    public DecoderShape shape() {
        return decoder.shape();
    }

    /** @return the prompt builder */
    public PromptBuilder prompts() {
        return prompts;
    }

    /** @return the text decoder */
    public Decoder decoder() {
        return decoder;
    }

    /** @return the vocabulary */
    public Vocabulary vocabulary() {
        return vocabulary;
    }

    @Override
    public void close() {
        for (AutoCloseable r : resources) {
            try {
                r.close();
            } catch (Exception e) {
                // releasing native memory at shutdown; nothing else to do with a failure
            }
        }
        manager.close();
    }
}
