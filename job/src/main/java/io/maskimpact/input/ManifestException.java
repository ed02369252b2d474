package io.maskimpact.input;

/**
 * A manifest that cannot be used at all: the run stops before any Spark work and writes nothing.
 *
 * <p>The message is one line that names the file, what is wrong and what to do.
 */
public class ManifestException extends Exception {

    /**
     * @param message one line: which manifest, what is wrong, what is expected
     * @param cause the underlying failure, or null
     */
    public ManifestException(String message, Throwable cause) {
        super(message, cause);
    }
}
