package io.henas.infer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Up-front checks that turn a wrong path into one message naming the file and what is wrong. */
final class FileChecks {
    private FileChecks() {
    }

    /** {@code file} must be an existing, readable regular file. */
    static void regularFile(Path file, String what) throws IOException {
        if (Files.isDirectory(file)) {
            throw new IOException(file + ": must be a " + what + ", but is a directory");
        }
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such " + what);
        }
        if (!Files.isReadable(file)) {
            throw new IOException(file + ": the " + what + " must be readable, but permission is denied");
        }
    }
}
