package io.henas.he;

/** A network that cannot be compiled to an HE plan under the given options (the message says what must hold). */
public class HeCompileException extends IllegalArgumentException {
    public HeCompileException(String message) {
        super(message);
    }
}
