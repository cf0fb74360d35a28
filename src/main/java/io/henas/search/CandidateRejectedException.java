package io.henas.search;

/** Thrown by {@link CandidateSpace#decode} for a gene vector that is not a valid network; the search resamples. */
public class CandidateRejectedException extends IllegalArgumentException {
    public CandidateRejectedException(String message) {
        super(message);
    }

    public CandidateRejectedException(String message, Throwable cause) {
        super(message, cause);
    }
}
