package io.henas.search;

import java.time.Instant;
import java.util.Objects;

/**
 * A candidate's training result on one rung above the first (rung 0 is its {@link Trial} row). Latency, depth and ring
 * come from the trial's cost (they do not depend on the training budget); here only the training outcome.
 *
 * @param trialId    the trial
 * @param rung       rung index, &gt;= 1
 * @param budget     the rung's training budget
 * @param evaluation status, accuracy and training seconds on that rung (latency, depth and logN as costed)
 * @param started    training start
 * @param finished   training end (commit time)
 */
public record RungResult(int trialId, int rung, RungPlan.Rung budget, Evaluation evaluation, Instant started,
        Instant finished) {
    public RungResult {
        Objects.requireNonNull(budget, "budget");
        Objects.requireNonNull(evaluation, "evaluation");
        Objects.requireNonNull(started, "started");
        Objects.requireNonNull(finished, "finished");
        if (trialId < 0 || rung < 1) {
            throw new IllegalArgumentException("a rung result needs trial id >= 0 and rung >= 1, but was trial "
                    + trialId + ", rung " + rung);
        }
    }
}
