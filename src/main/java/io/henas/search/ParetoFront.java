package io.henas.search;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The two reported objectives, accuracy (max) and predicted latency (min) - or, in a throughput run, seconds per image
 * (min, the inverse of images/s; see {@link SpeedObjective#cost}): the non-dominated set, its knee and its
 * hypervolume. The methods without a {@link SpeedObjective} use latency.
 */
public final class ParetoFront {
    private ParetoFront() {
    }

    /**
     * The feasible, non-reference trials no other such trial dominates in (accuracy, latency), ordered by latency
     * ascending (so accuracy ascending too). Of exact ties the lowest id is kept.
     */
    public static List<Trial> of(List<Trial> trials) {
        return of(trials, SpeedObjective.LATENCY);
    }

    /** As {@link #of(List)} with {@code speed}'s cost in place of latency (fastest = lowest cost first). */
    public static List<Trial> of(List<Trial> trials, SpeedObjective speed) {
        List<Trial> ok = new ArrayList<>();
        for (Trial t : trials) {
            if (!t.reference() && t.evaluation().feasible()) {
                ok.add(t);
            }
        }
        ok.sort(Comparator.comparingDouble((Trial t) -> speed.cost(t.evaluation()))
                .thenComparing(Comparator.comparingDouble((Trial t) -> t.evaluation().accuracy()).reversed())
                .thenComparingInt(Trial::id));
        List<Trial> front = new ArrayList<>();
        double best = Double.NEGATIVE_INFINITY;
        for (Trial t : ok) {
            if (t.evaluation().accuracy() > best) {
                front.add(t);
                best = t.evaluation().accuracy();
            }
        }
        return List.copyOf(front);
    }

    /**
     * The knee of a front (as returned by {@link #of}): normalise accuracy and latency to [0, 1] over the front,
     * draw the line from the fastest to the most accurate point, and take the point farthest above that line (the
     * point of best trade-off, where a little more accuracy starts to cost a lot more latency). A front of one or two
     * points has no interior: the knee is then the point nearest the ideal (max accuracy, min latency) in normalised
     * space, ties to the more accurate. Empty for an empty front.
     */
    public static Optional<Trial> knee(List<Trial> front) {
        return knee(front, SpeedObjective.LATENCY);
    }

    /** As {@link #knee(List)} with {@code speed}'s cost in place of latency. */
    public static Optional<Trial> knee(List<Trial> front, SpeedObjective speed) {
        if (front.isEmpty()) {
            return Optional.empty();
        }
        double aMin = Double.POSITIVE_INFINITY, aMax = Double.NEGATIVE_INFINITY;
        double lMin = Double.POSITIVE_INFINITY, lMax = Double.NEGATIVE_INFINITY;
        for (Trial t : front) {
            aMin = Math.min(aMin, t.evaluation().accuracy());
            aMax = Math.max(aMax, t.evaluation().accuracy());
            lMin = Math.min(lMin, speed.cost(t.evaluation()));
            lMax = Math.max(lMax, speed.cost(t.evaluation()));
        }
        double aSpan = aMax - aMin > 0 ? aMax - aMin : 1;
        double lSpan = lMax - lMin > 0 ? lMax - lMin : 1;
        // normalised: x = latency (0 = fastest), y = accuracy (1 = best); the front's ends are (0, y0) and (1, 1)
        Trial best = null;
        double bestScore = Double.NEGATIVE_INFINITY;
        if (front.size() >= 3) {
            Trial fast = front.get(0);
            Trial acc = front.get(front.size() - 1);
            double x0 = (speed.cost(fast.evaluation()) - lMin) / lSpan;
            double y0 = (fast.evaluation().accuracy() - aMin) / aSpan;
            double x1 = (speed.cost(acc.evaluation()) - lMin) / lSpan;
            double y1 = (acc.evaluation().accuracy() - aMin) / aSpan;
            double dx = x1 - x0, dy = y1 - y0, len = Math.hypot(dx, dy);
            for (Trial t : front) {
                double x = (speed.cost(t.evaluation()) - lMin) / lSpan;
                double y = (t.evaluation().accuracy() - aMin) / aSpan;
                double above = (dx * (y - y0) - dy * (x - x0)) / len; // > 0 above the chord (towards the ideal)
                if (above > bestScore + 1e-12) {
                    bestScore = above;
                    best = t;
                }
            }
            if (bestScore > 1e-12) {
                return Optional.of(best);
            }
        }
        for (Trial t : front) {
            double x = (speed.cost(t.evaluation()) - lMin) / lSpan;
            double y = (t.evaluation().accuracy() - aMin) / aSpan;
            double score = -Math.hypot(x, 1 - y);
            if (score >= bestScore) {
                bestScore = score;
                best = t;
            }
        }
        return Optional.of(best);
    }

    /**
     * The fastest front trial at least as accurate as {@code accuracy} (e.g. a reference's), or empty. {@code front}
     * as returned by {@link #of} (latency ascending).
     */
    public static Optional<Trial> fastestAtLeast(List<Trial> front, double accuracy) {
        for (Trial t : front) {
            if (t.evaluation().accuracy() >= accuracy) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /**
     * Hypervolume (area) dominated by points {@code (a[i], l[i])} (accuracy maximised, latency minimised) and bounded
     * by the reference point {@code (refAccuracy, refLatency)}; points not better than the reference in both count
     * nothing.
     */
    public static double hypervolume(double[] accuracy, double[] latency, double refAccuracy, double refLatency) {
        if (accuracy.length != latency.length) {
            throw new IllegalArgumentException("length mismatch: accuracy=" + accuracy.length + ", latency="
                    + latency.length);
        }
        List<double[]> pts = new ArrayList<>();
        for (int i = 0; i < accuracy.length; i++) {
            if (accuracy[i] > refAccuracy && latency[i] < refLatency) {
                pts.add(new double[] {accuracy[i], latency[i]});
            }
        }
        pts.sort(Comparator.comparingDouble((double[] p) -> p[1]).thenComparingDouble(p -> -p[0]));
        double area = 0;
        double bestAcc = refAccuracy;
        for (int i = 0; i < pts.size(); i++) {
            double[] p = pts.get(i);
            if (p[0] <= bestAcc) {
                continue;
            }
            // strip from this latency to the reference latency gains (p.acc - bestAcc)
            area += (p[0] - bestAcc) * (refLatency - p[1]);
            bestAcc = p[0];
        }
        return area;
    }
}
