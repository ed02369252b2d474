package io.maskimpact.run;

/**
 * A run that cannot start: bad manifest, model folder or output folder. Nothing has been
 * written when it is thrown; the message is one line saying what to fix.
 */
public class RunSetupException extends Exception {

    /**
     * @param message one line: what cannot be done, why, what to do
     * @param cause the underlying failure, or null
     */
    public RunSetupException(String message, Throwable cause) {
        super(message, cause);
    }
}
