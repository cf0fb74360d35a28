package io.henas.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Combining a trial (its rung-0 evaluation and cost) with its results on higher rungs. */
public final class Rungs {
    private Rungs() {
    }

    /**
     * A rung's training outcome as an evaluation: its status, accuracy and training time with its own cost when the
     * rung re-costed the trained weights (a ring, logN > 0: the plan an export of those weights ships), else the trial's
     * latency, depth, logN, key memory and images per run.
     */
    static Evaluation onRung(Evaluation costed, Evaluation trained) {
        if (trained.feasible() && trained.logN() > 0) {
            return trained;
        }
        if (trained.feasible()) {
            return StagedEvaluator.Cost.of(costed).ok(trained.accuracy(), trained.trainSeconds());
        }
        return new Evaluation(trained.status(), Double.NaN, costed.latencySeconds(), costed.depth(), costed.logN(),
                trained.trainSeconds(), trained.failureReason(), costed.keyBytes(), costed.imagesPerRun());
    }

    /** The highest rung {@code t} trained on successfully (0 without higher results). */
    public static int topRung(Trial t, Map<Integer, RungResult> results) {
        int best = 0;
        for (RungResult g : results.values()) {
            if (g.evaluation().feasible() && g.rung() > best) {
                best = g.rung();
            }
        }
        return best;
    }

    /** {@code t} with the evaluation of its highest successful rung (itself when that is rung 0). */
    public static Trial top(Trial t, Map<Integer, RungResult> results) {
        int r = topRung(t, results);
        return r == 0 ? t : t.withEvaluation(results.get(r).evaluation());
    }

    /** {@code trials} each as {@link #top}, given rung results by trial id. */
    public static List<Trial> top(List<Trial> trials, Map<Integer, Map<Integer, RungResult>> byTrial) {
        List<Trial> out = new ArrayList<>(trials.size());
        for (Trial t : trials) {
            out.add(top(t, byTrial.getOrDefault(t.id(), Map.of())));
        }
        return out;
    }

    /** Rung results grouped by trial id, then rung. */
    public static Map<Integer, Map<Integer, RungResult>> byTrial(List<RungResult> results) {
        Map<Integer, Map<Integer, RungResult>> m = new java.util.TreeMap<>();
        for (RungResult g : results) {
            m.computeIfAbsent(g.trialId(), k -> new java.util.TreeMap<>()).put(g.rung(), g);
        }
        return m;
    }
}
