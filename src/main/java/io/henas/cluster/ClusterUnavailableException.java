package io.henas.cluster;

/**
 * The cluster cannot be used: no eligible worker for the whole {@code --worker-wait}, or this member could not join
 * again after its instance was shut down. An environment problem, not a bug: an {@link IllegalArgumentException} so
 * that the command line reports it in one line with exit code 2 (the search can be resumed; {@code trials.db} holds
 * every finished evaluation).
 */
public final class ClusterUnavailableException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public ClusterUnavailableException(String message) {
        super(message);
    }

    public ClusterUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
