package io.henas.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.regex.Pattern;

import io.henas.search.TrialStore;
import picocli.CommandLine;

/**
 * Exit codes: 0 success; 1 internal error (a bug: please report it); 2 bad input or environment (arguments, files,
 * configuration, malformed data, a corrupt database, a full disk, too small a heap); 3 a feature that is not built yet.
 */
final class ExitCodes implements CommandLine.IExitCodeExceptionMapper {
    static final int OK = 0;
    static final int INTERNAL = 1;
    static final int BAD_INPUT = 2;
    static final int NOT_BUILT = 3;
    /** SQLite result codes that describe the file or the machine, not a bug. */
    private static final Pattern SQLITE_ENVIRONMENT = Pattern.compile(
            "SQLITE_(CORRUPT|NOTADB|FULL|IOERR|CANTOPEN|READONLY|PERM|BUSY|LOCKED|AUTH|NOLFS|TOOBIG)");

    @Override
    public int getExitCode(Throwable t) {
        return of(t);
    }

    static int of(Throwable t) {
        t = unwrap(t);
        if (t instanceof NotBuiltException) {
            return NOT_BUILT;
        }
        if (t instanceof CommandLine.ParameterException || t instanceof IllegalArgumentException
                || t instanceof IOException || t instanceof UncheckedIOException || t instanceof OutOfMemoryError) {
            return BAD_INPUT;
        }
        if (t instanceof TrialStore.TrialStoreException && environmental(t)) {
            return BAD_INPUT;
        }
        return INTERNAL;
    }

    static Throwable unwrap(Throwable t) {
        if (t instanceof CommandLine.ExecutionException e && e.getCause() != null) {
            return e.getCause();
        }
        return t;
    }

    private static boolean environmental(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof IOException || (c.getMessage() != null && SQLITE_ENVIRONMENT.matcher(c.getMessage())
                    .find())) {
                return true;
            }
        }
        return false;
    }

    /** A heap size to suggest after running out of {@code maxBytes}: half as much again, in whole GiB, at least 8. */
    static long largerHeapGib(long maxBytes) {
        return Math.max(8, (long) Math.ceil(1.5 * maxBytes / (double) (1L << 30)));
    }

    /** One line naming the file and what is wrong; the JDK's file exceptions carry only the path. */
    static String message(Throwable t) {
        t = unwrap(t);
        if (t instanceof UncheckedIOException u && u.getCause() != null && (u.getMessage() == null
                || u.getMessage().equals(u.getCause().toString()))) {
            t = u.getCause();
        }
        if (t instanceof OutOfMemoryError) {
            long max = Runtime.getRuntime().maxMemory();
            return "out of memory (maximum heap " + (max >> 20) + " MiB): run java with a larger -Xmx (e.g. java -Xmx"
                    + largerHeapGib(max) + "g -jar henas.jar ...)";
        }
        if (t instanceof FileSystemException f && f.getMessage() != null && f.getFile() != null
                && f.getMessage().startsWith(f.getFile())) {
            String why = f.getReason();
            if (t instanceof NoSuchFileException) {
                why = why == null ? "no such file or directory" : why;
            } else if (t instanceof AccessDeniedException) {
                why = "permission denied" + (why == null ? "" : " (" + why + ")");
            } else if (t instanceof FileAlreadyExistsException) {
                why = "already exists";
            } else if (t instanceof NotDirectoryException) {
                why = "must be a directory, but is not";
            }
            if (why == null) {
                return t.getMessage();
            }
            if (why.equalsIgnoreCase("Is a directory")) {
                why = "must be a file, but is a directory";
            }
            return f.getFile() + (f.getOtherFile() == null ? "" : " -> " + f.getOtherFile()) + ": " + why;
        }
        String m = t.getMessage();
        if (m == null) {
            return t.getClass().getSimpleName();
        }
        if (m.equals("Is a directory") || m.equals("No space left on device")) {
            return m.toLowerCase() + " (" + t.getClass().getSimpleName() + ")";
        }
        return m;
    }
}
