package io.henas.search;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Where evaluations run: a {@link LocalEvaluationPool} in this process by default; a cluster backend (issue 9) ships
 * candidates to other machines. The search hands over one batch per generation and commits each result as the
 * backend reports it.
 *
 * @param <T> type of the candidate value
 */
public interface EvaluationBackend<T> extends AutoCloseable {

    /**
     * Evaluates every candidate of {@code batch} (their keys are distinct) and calls {@code onResult} exactly once
     * per candidate, from any thread, as soon as it finishes. Returns when all are reported. An {@link Error} from an
     * evaluation (or from {@code onResult}) is rethrown here after the backend stopped its other work.
     */
    void evaluateAll(List<Candidate<T>> batch, Consumer<Outcome<T>> onResult) throws InterruptedException;

    /**
     * Like {@link #evaluateAll(List, Consumer)}, on rung {@code rung} of a multi-fidelity search (see
     * {@link CandidateEvaluator#evaluate(Candidate, int)}); rung 0 is the plain call. Backends without rungs refuse
     * rungs above 0.
     */
    default void evaluateAll(List<Candidate<T>> batch, int rung, Consumer<Outcome<T>> onResult)
            throws InterruptedException {
        if (rung != 0) {
            throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot train on rung " + rung);
        }
        evaluateAll(batch, onResult);
    }

    /** Evaluations that can run at once (for the progress line and the manifest). */
    int parallelism();

    @Override
    void close();

    /**
     * One finished evaluation.
     *
     * @param candidate  what was evaluated
     * @param evaluation its measurements
     * @param started    when the evaluation started
     * @param finished   when it finished
     * @param <T>        type of the candidate value
     */
    record Outcome<T>(Candidate<T> candidate, Evaluation evaluation, Instant started, Instant finished) {
        public Outcome {
            Objects.requireNonNull(candidate, "candidate");
            Objects.requireNonNull(evaluation, "evaluation");
            Objects.requireNonNull(started, "started");
            Objects.requireNonNull(finished, "finished");
        }
    }
}
