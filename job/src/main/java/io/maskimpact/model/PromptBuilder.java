package io.maskimpact.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import io.maskimpact.input.PixelImage;

/**
 * Turns an image/question pair into a model's decoder input, as the model's processor and chat
 * template would: render the template, tokenize, preprocess the image, run the vision tower and
 * projector, splice the image features in and compute positions. Thread-safe.
 */
public interface PromptBuilder {

    /**
     * @param image the image as transformers loads it (RGB, EXIF orientation applied), any size
     * @param question the question
     * @param pair owner of the embeddings and every temporary
     * @return the decoder input
     * @throws PromptException when no valid prompt can be built for this pair
     */
    PreparedPrompt prepare(PixelImage image, String question, NDManager pair) throws PromptException;

    /**
     * The image as the model's vision tower receives it: what transformers' processor returns as
     * {@code pixel_values} for this image (its shape is the family's). For parity checks.
     *
     * @param image the image as transformers loads it (RGB, EXIF orientation applied), any size
     * @param manager owner of the result
     * @return the pixel values
     * @throws PromptException when the processor rejects the image
     */
    NDArray pixelValues(PixelImage image, NDManager manager) throws PromptException;
}
