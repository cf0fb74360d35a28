package io.henas.ckks;

import java.io.IOException;

/**
 * The one exception {@link CkksIO} throws for malformed or incompatible serialized input: bad magic, unknown
 * version or object type, parameter id mismatch, lengths or levels beyond what the parameters allow, coefficients not
 * below their modulus, truncated or trailing data. The message names what is wrong.
 */
public class CkksFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    /** An exception with a message naming what is wrong. */
    public CkksFormatException(String message) {
        super(message);
    }

    /** An exception with a message and the underlying cause (e.g. an end of file). */
    public CkksFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
