package io.henas.cluster;

/**
 * A worker and the search it met disagree on the henas version or the dataset (see {@link NodeIdentity}); the worker
 * gets no work and exits. An {@link IllegalArgumentException} so that the command line reports it as bad input
 * (exit code 2).
 */
public final class WorkerRefusedException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public WorkerRefusedException(String message) {
        super(message);
    }
}
