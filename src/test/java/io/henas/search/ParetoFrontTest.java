package io.henas.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class ParetoFrontTest {
    static Trial trial(int id, double acc, double lat) {
        return trial(id, Evaluation.ok(acc, lat, 3, 13, 1), false);
    }

    static Trial trial(int id, Evaluation e, boolean reference) {
        return new Trial(id, 1, reference, List.of(id), "k" + id, "t" + id, "{}", e, Instant.EPOCH, Instant.EPOCH);
    }

    @Test
    void frontKeepsOnlyNonDominatedFeasibleSearchTrials() {
        List<Trial> ts = new ArrayList<>(List.of(trial(0, 0.80, 1.0), trial(1, 0.85, 2.0), trial(2, 0.82, 2.5),
                trial(3, 0.90, 4.0), trial(4, 0.80, 1.0), trial(5, 0.70, 0.5)));
        ts.add(trial(6, Evaluation.ok(0.99, 0.1, 1, 13, 1), true));
        ts.add(trial(7, new Evaluation(Evaluation.Status.INFEASIBLE, 0.99, 0.2, 1, 17, 1, "logN 17 > 16"), false));
        ts.add(trial(8, Evaluation.failed("boom"), false));
        assertEquals(List.of(5, 0, 1, 3), ParetoFront.of(ts).stream().map(Trial::id).toList());
    }

    @Test
    void fastestAtLeastAsAccurateFindsTheFirstQualifyingFrontPoint() {
        List<Trial> front = List.of(trial(0, 0.50, 0.2), trial(1, 0.80, 0.5), trial(2, 0.88, 1.0));
        assertEquals(1, ParetoFront.fastestAtLeast(front, 0.6).orElseThrow().id());
        assertEquals(1, ParetoFront.fastestAtLeast(front, 0.8).orElseThrow().id());
        assertTrue(ParetoFront.fastestAtLeast(front, 0.9).isEmpty());
    }

    @Test
    void kneeIsTheFrontPointFarthestAboveTheChord() {
        // a convex front with an obvious elbow at (1.0 s, 0.88)
        List<Trial> front = List.of(trial(0, 0.50, 0.2), trial(1, 0.80, 0.5), trial(2, 0.88, 1.0),
                trial(3, 0.90, 3.0), trial(4, 0.91, 6.0));
        assertEquals(2, ParetoFront.knee(front).orElseThrow().id());
        assertEquals(1, ParetoFront.knee(List.of(trial(1, 0.8, 1.0))).orElseThrow().id());
        assertEquals(7, ParetoFront.knee(List.of(trial(6, 0.7, 1.0), trial(7, 0.9, 2.0))).orElseThrow().id());
        assertTrue(ParetoFront.knee(List.of()).isEmpty());
    }

    @Test
    void hypervolumeOfKnownShapes() {
        // one point (1, 0) against reference (0, 1): the unit square
        assertEquals(1.0, ParetoFront.hypervolume(new double[] {1}, new double[] {0}, 0, 1), 1e-15);
        // staircase: (0.5, 0) and (1, 0.5): 0.5 * 1 + 0.5 * 0.5 = 0.75; a dominated point adds nothing
        assertEquals(0.75, ParetoFront.hypervolume(new double[] {0.5, 1, 0.4}, new double[] {0, 0.5, 0.7}, 0, 1),
                1e-15);
        // points outside the reference box count nothing
        assertEquals(0.0, ParetoFront.hypervolume(new double[] {-1}, new double[] {0.5}, 0, 1), 0);
    }
}
