package io.henas.cli;

import java.io.IOException;
import java.io.UncheckedIOException;

import picocli.CommandLine;

/**
 * Exit codes: 0 success; 1 internal error (a bug: please report it); 2 bad input (arguments, files, configuration,
 * malformed data); 3 a feature that is not built yet.
 */
final class ExitCodes implements CommandLine.IExitCodeExceptionMapper {
    static final int OK = 0;
    static final int INTERNAL = 1;
    static final int BAD_INPUT = 2;
    static final int NOT_BUILT = 3;

    @Override
    public int getExitCode(Throwable t) {
        return of(t);
    }

    static int of(Throwable t) {
        if (t instanceof CommandLine.ExecutionException e && e.getCause() != null) {
            t = e.getCause();
        }
        if (t instanceof NotBuiltException) {
            return NOT_BUILT;
        }
        if (t instanceof CommandLine.ParameterException || t instanceof IllegalArgumentException
                || t instanceof IOException || t instanceof UncheckedIOException) {
            return BAD_INPUT;
        }
        return INTERNAL;
    }
}
