package io.maskimpact.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.awt.image.BufferedImage;

/**
 * A loaded vision-language model family, as the analysis sees it: build a pair's prompt, run its
 * decoder with a KV cache, and read each layer's internals at the final position.
 *
 * <p>One instance per executor JVM, shared by that JVM's tasks: every method is thread-safe, and
 * per-pair state lives in the {@link DecoderSession}s it opens. Weights live on {@link #manager()}
 * until {@link #close()}.
 */
public interface VlmModel extends AutoCloseable {

    /** @return a short name for the {@code pairs} table (the model directory's name) */
    String name();

    /** @return the decoder's sizes */
    DecoderShape shape();

    /** @return the weights' manager, parent of every pair's manager */
    NDManager manager();

    /**
     * Renders the chat template, tokenizes, runs the vision tower and projector.
     *
     * @param image the decoded image
     * @param question the question
     * @param pair owner of the embeddings
     * @return the decoder input
     * @throws PromptException when no valid prompt can be built for this pair
     */
    PreparedPrompt prepare(BufferedImage image, String question, NDManager pair) throws PromptException;

    /**
     * @param pair owner of the session's KV cache
     * @param keepLayerInputs whether the naive reference will be used
     * @return an empty decoder session, for the calling thread
     */
    DecoderSession openSession(NDManager pair, boolean keepLayerInputs);

    /**
     * @param tokenId a generated token
     * @param step owner of the result
     * @return its input embedding, (1, d)
     */
    NDArray embed(int tokenId, NDManager step);

    /** @return whether generation stops at this token */
    boolean isStopToken(int tokenId);

    /** @return one token's text, special tokens spelled out */
    String tokenText(int tokenId);

    /** @return the text of generated tokens, special tokens skipped */
    String decode(int[] tokenIds);

    @Override
    void close();
}
