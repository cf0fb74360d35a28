package io.henas.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Checks on output paths the user names, made before any work so that a typo fails at once with a clear message. */
final class CliFiles {
    private CliFiles() {
    }

    /**
     * An output file such as {@code --json OUT}: its directory must already exist (none is created that the user did
     * not ask for) and the path must not be a directory. Null (option absent) and {@code -} (standard output) pass.
     */
    static void outputFile(String option, Path out) {
        if (out == null || out.toString().equals("-")) {
            return;
        }
        if (Files.isDirectory(out)) {
            throw new IllegalArgumentException(option + " " + out + ": must name a file, but is a directory");
        }
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new IllegalArgumentException(option + " " + out + ": the directory " + parent + " must exist, but "
                    + (Files.exists(parent) ? "is not a directory" : "does not (create it first)"));
        }
        if (parent != null && !Files.isWritable(parent)) {
            throw new IllegalArgumentException(option + " " + out + ": the directory " + parent + " must be writable,"
                    + " but is not");
        }
    }

    /**
     * An output directory such as {@code --out DIR}: used as it is when it exists, otherwise created, but only it: its
     * parent must already exist (no directories are created that the user did not ask for).
     */
    static Path outputDirectory(String option, Path dir) throws java.io.IOException {
        if (Files.isDirectory(dir)) {
            return dir;
        }
        if (Files.exists(dir)) {
            throw new IllegalArgumentException(option + " " + dir + ": must be a directory, but is a file");
        }
        Path parent = dir.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new IllegalArgumentException(option + " " + dir + ": the directory " + parent + " must exist, but "
                    + (Files.exists(parent) ? "is not a directory" : "does not (create it first)"));
        }
        return Files.createDirectory(dir);
    }
}
