package io.henas.space;

/**
 * A choice vector whose architecture is not well formed, for example a 5x5 kernel on a 2x2 map or average pooling
 * that does not divide the map. The message names the YAML path of the block that fails. The search treats such a
 * candidate as infeasible and never trains it.
 */
public class InvalidCandidateException extends IllegalArgumentException {
    private final String path;

    /**
     * @param path    the YAML path of the failing block, stage pooling or head ({@code stages[2].blocks[0]})
     * @param message what must hold, but was what
     */
    public InvalidCandidateException(String path, String message) {
        super(message);
        this.path = path;
    }

    /** The YAML path of the failing block, stage pooling ({@code stages[i].pool}) or head. */
    public String path() {
        return path;
    }
}
