package io.henas.space;

/**
 * A search-space file that is malformed or breaks the schema. The message always starts with
 * {@code file:line: field.path} (for example {@code quickstart.yaml:14: stages[1].blocks[0].kernel must be one of
 * [1, 3, 5, 7], but was 4}); the parts are also available one by one.
 */
public class SpaceException extends IllegalArgumentException {
    private final String file;
    private final int line;
    private final String path;
    private final String problem;

    /**
     * @param file    the file name as given to the loader
     * @param line    1-based line number, or 0 when the problem concerns the whole file
     * @param path    the field path ({@code stages[1].blocks[0].kernel}), or empty for the document itself
     * @param problem what must hold, but was what
     */
    public SpaceException(String file, int line, String path, String problem) {
        super(format(file, line, path, problem));
        this.file = file;
        this.line = line;
        this.path = path;
        this.problem = problem;
    }

    /** The file name as given to the loader. */
    public String file() {
        return file;
    }

    /** 1-based line number of the offending node, or 0 when the problem concerns the whole file. */
    public int line() {
        return line;
    }

    /** The field path, e.g. {@code stages[1].blocks[0].kernel}; empty for the document itself. */
    public String path() {
        return path;
    }

    /** The message without the location prefix. */
    public String problem() {
        return problem;
    }

    private static String format(String file, int line, String path, String problem) {
        StringBuilder sb = new StringBuilder(file);
        if (line > 0) {
            sb.append(':').append(line);
        }
        sb.append(": ");
        if (!path.isEmpty()) {
            sb.append(path).append(' ');
        }
        return sb.append(problem).toString();
    }
}
