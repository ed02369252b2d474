package io.maskimpact.model;

/**
 * A model directory that cannot be used; its message is one line naming the file and what to do.
 * The job fails fast with it before any Spark work.
 */
public class ModelLoadException extends Exception {

    /**
     * @param message what is wrong, which file, what to do
     */
    public ModelLoadException(String message) {
        super(message);
    }

    /**
     * @param message what is wrong, which file, what to do
     * @param cause the underlying failure
     */
    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
