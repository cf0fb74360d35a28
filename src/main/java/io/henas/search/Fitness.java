package io.henas.search;

import io.jenetics.ext.moea.Vec;

/**
 * The objective vector NSGA-II ranks, every component maximised (Jenetics' {@code Optimize.MAXIMUM} with
 * {@code Vec.of(double...)}): {@code [accuracy, -latency]} or, with the depth objective, {@code [accuracy, -latency,
 * -depth]}. Minimised objectives are negated. Under the throughput objective the second component is {@code -seconds
 * per image} (latency of one batch run / images per run; see {@link SpeedObjective#cost}): the same dominance as
 * {@code +images/s}, and exactly {@code -latency} when a run holds one image.
 *
 * <p>Constraint handling is "infeasible last" (Deb's constraint domination expressed as a penalty): an infeasible
 * candidate gets {@code [-1 - v, -BIG - v, ...]} where {@code v} is its total relative violation, so every feasible
 * candidate dominates every infeasible one and among infeasible ones a smaller violation dominates a larger one. A
 * failed evaluation gets the worst vector of all.
 */
final class Fitness {
    /** Larger than any predicted latency (seconds) or depth. */
    static final double BIG = 1e9;
    private static final double FAILED = -1e12;

    private Fitness() {
    }

    static Vec<double[]> of(Evaluation e, Constraints constraints, boolean depthObjective) {
        return of(e, constraints, depthObjective, SpeedObjective.LATENCY);
    }

    static Vec<double[]> of(Evaluation e, Constraints constraints, boolean depthObjective, SpeedObjective speed) {
        int n = depthObjective ? 3 : 2;
        double[] v = new double[n];
        switch (e.status()) {
            case OK -> {
                v[0] = e.accuracy();
                v[1] = -speed.cost(e);
                if (depthObjective) {
                    v[2] = -Math.max(0, e.depth());
                }
            }
            case INFEASIBLE -> {
                double viol = Math.max(constraints.violation(e), 1e-9);
                v[0] = -1 - viol;
                for (int i = 1; i < n; i++) {
                    v[i] = -BIG - viol;
                }
            }
            case FAILED -> java.util.Arrays.fill(v, FAILED);
        }
        return Vec.of(v);
    }
}
