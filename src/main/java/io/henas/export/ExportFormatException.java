package io.henas.export;

import java.io.IOException;

/**
 * A {@code .henas} file that cannot be trusted: not a zip, wrong magic or version, a missing or unexpected entry, an
 * entry whose SHA-256 differs from the manifest (corruption or tampering), weights that do not fit the network, or
 * parameters that are not 128-bit secure. The message names the file and what was expected.
 */
public final class ExportFormatException extends IOException {
    public ExportFormatException(String message) {
        super(message);
    }

    public ExportFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
