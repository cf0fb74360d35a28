package io.henas.data;

import java.io.IOException;

/** A malformed data file (CIFAR-10 binary, NumPy, image folder): the message names the file and what is wrong. */
public final class DataFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public DataFormatException(String message) {
        super(message);
    }
}
