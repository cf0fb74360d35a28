package io.henas.data;

import java.io.IOException;

/** A malformed IDX file: the message names the file and what is wrong with it. */
public final class IdxFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public IdxFormatException(String message) {
        super(message);
    }
}
