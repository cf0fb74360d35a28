package io.henas.search;

import java.util.Map;

/**
 * Measures one candidate (proxy training + HE cost). Implementations must be thread-safe: the local pool calls
 * {@link #evaluate} from several threads at once. They must not use Jenetics' {@code RandomRegistry} (candidate
 * generation stays deterministic only if evaluation consumes none of the search's randomness); seed training from
 * the candidate key instead if needed.
 *
 * <p>An exception thrown by {@link #evaluate} is recorded as a {@link Evaluation.Status#FAILED} trial. An
 * {@link Error} aborts the search (the run can be resumed).
 *
 * @param <T> type of the candidate value
 */
public interface CandidateEvaluator<T> {

    /** Evaluates {@code candidate}; may take minutes. */
    Evaluation evaluate(Candidate<T> candidate) throws Exception;

    /**
     * Trains {@code candidate} on rung {@code rung} of a multi-fidelity search ({@link RungPlan}): rung 0 is
     * {@link #evaluate}; higher rungs only train (the search keeps the rung-0 cost), and their latency, depth and logN
     * are ignored. Evaluators without rungs support only rung 0.
     */
    default Evaluation evaluate(Candidate<T> candidate, int rung) throws Exception {
        if (rung == 0) {
            return evaluate(candidate);
        }
        throw new UnsupportedOperationException("this evaluator has no rung " + rung + " (it trains on one proxy "
                + "budget only)");
    }

    /**
     * Threads one evaluation keeps busy (e.g. the BLAS/OpenMP threads of a training run). The default pool size is
     * {@code max(1, availableProcessors / threadsPerEvaluation())}.
     */
    default int threadsPerEvaluation() {
        return 1;
    }

    /** Entries added to the run manifest (e.g. dataset name and hash, training budget). */
    default Map<String, Object> provenance() {
        return Map.of();
    }
}
