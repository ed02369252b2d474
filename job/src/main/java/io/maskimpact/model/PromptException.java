package io.maskimpact.model;

/** A pair whose prompt cannot be built (template failure, no image placeholder, too long). */
public class PromptException extends Exception {

    /**
     * @param message what is wrong with the prompt and what to do
     */
    public PromptException(String message) {
        super(message);
    }
}
