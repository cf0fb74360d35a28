package io.henas.search;

import java.util.List;

/**
 * What the search needs from a search space: one integer gene per choice, and a decoder from gene vectors to
 * candidates. The integrator adapts the YAML {@code SearchSpace} to this; tests use synthetic spaces.
 *
 * @param <T> type of the decoded candidate value (an architecture in production)
 */
public interface CandidateSpace<T> {

    /** A short name, used in the run directory name and the report. */
    String name();

    /** Number of choices of each gene: gene {@code i} takes values in {@code [0, cardinalities()[i])}. */
    int[] cardinalities();

    /**
     * Decodes a gene vector. Must be deterministic and side-effect free (it may be called from the search thread
     * only). Invalid combinations throw {@link CandidateRejectedException}; they are counted and resampled, never
     * evaluated.
     */
    Candidate<T> decode(int[] genes);

    /**
     * Reference candidates (e.g. hand-designed networks) evaluated once, before the search, and marked in the report.
     * Their trials are keyed {@code ref:<key>} and stay out of the front; a search candidate equal to a reference is
     * evaluated as its own trial.
     */
    default List<Candidate<T>> references() {
        return List.of();
    }

    /** Hash of the space definition, recorded in the manifest and checked on resume ("" if none). */
    default String sha256() {
        return "";
    }
}
