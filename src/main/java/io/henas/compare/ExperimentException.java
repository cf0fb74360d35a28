package io.henas.compare;

/**
 * An experiment file that is malformed or breaks the schema. The message starts with {@code file:line: field.path},
 * e.g. {@code experiment.yaml:12: rows[2].role must be one of [baseline, variant, searched], but was 'base'}.
 */
public class ExperimentException extends IllegalArgumentException {
    private final int line;
    private final String path;

    /**
     * @param file    the file name as given
     * @param line    1-based line, or 0 for the whole file
     * @param path    the field path, or empty for the document
     * @param problem what must hold, but was what
     */
    public ExperimentException(String file, int line, String path, String problem) {
        super(file + (line > 0 ? ":" + line : "") + ": " + (path.isEmpty() ? "" : path + " ") + problem);
        this.line = line;
        this.path = path;
    }

    /** 1-based line of the offending node, 0 for the whole file. */
    public int line() {
        return line;
    }

    /** The field path, e.g. {@code rows[2].role}. */
    public String path() {
        return path;
    }
}
