package io.henas.serve;

/** A request the server refuses, with its HTTP status (4xx) and a one-line reason. */
final class ServeException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;

    ServeException(int status, String message) {
        super(message);
        this.status = status;
    }
}
