package io.henas.search;

import java.util.List;
import java.util.Objects;

/**
 * The multi-fidelity schedule of a search: the rungs (cheapest first; the evaluator knows their budgets, the search
 * only their order and a description) and the fraction of each rung's candidates promoted to the next. One rung means
 * today's single proxy.
 *
 * <p>Schedule (successive halving within each generation): every new candidate of a generation is costed and, if
 * feasible, trained on rung 0; then {@code ceil(promote * n)} of the {@code n} candidates that trained successfully on
 * rung {@code r} are promoted to rung {@code r + 1}, chosen by non-dominated rank of (rung-{@code r} accuracy, predicted
 * latency) -- see {@link Promotion} -- so fast models are promoted as well as accurate ones. A candidate's fitness
 * (and its place in the front) is its result on the highest rung it reached.
 *
 * @param rungs   one entry per rung (at least one)
 * @param promote fraction promoted after each rung, in (0, 1]
 */
public record RungPlan(List<Rung> rungs, double promote) {

    /**
     * @param trainImages training images of the rung's budget
     * @param epochs      epochs of the rung's budget
     */
    public record Rung(int trainImages, int epochs) {
        public Rung {
            if (trainImages < 1 || epochs < 1) {
                throw new IllegalArgumentException("a rung needs train_images >= 1 and epochs >= 1, but was "
                        + trainImages + " x " + epochs);
            }
        }

        @Override
        public String toString() {
            return trainImages + "x" + epochs;
        }
    }

    public RungPlan {
        rungs = List.copyOf(Objects.requireNonNull(rungs, "rungs"));
        if (rungs.isEmpty()) {
            throw new IllegalArgumentException("a rung plan needs at least one rung, but had none");
        }
        if (!(promote > 0 && promote <= 1)) {
            throw new IllegalArgumentException("promote must be in (0, 1], but was " + promote);
        }
    }

    /** One rung (no promotion): the single-proxy search. */
    public static RungPlan single() {
        return new RungPlan(List.of(new Rung(1, 1)), 1.0);
    }

    /** Number of rungs. */
    public int size() {
        return rungs.size();
    }

    /** Whether there is more than one rung. */
    public boolean multiFidelity() {
        return rungs.size() > 1;
    }

    /** How many of {@code n} candidates are promoted: {@code ceil(promote * n)} (0 for 0). */
    public int promoted(int n) {
        return n == 0 ? 0 : (int) Math.min(n, Math.ceil(promote * n - 1e-9));
    }

    @Override
    public String toString() {
        return rungs + " promote " + promote;
    }
}
