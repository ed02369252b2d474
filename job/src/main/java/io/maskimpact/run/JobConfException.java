package io.maskimpact.run;

/** A setting with a bad value or an unreadable config file; the message is one line naming the source. */
public class JobConfException extends Exception {

    /**
     * @param message one line: which setting, from where, the value, what is expected
     * @param cause the underlying failure, or null
     */
    public JobConfException(String message, Throwable cause) {
        super(message, cause);
    }
}
