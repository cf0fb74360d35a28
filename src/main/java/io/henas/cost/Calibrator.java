package io.henas.cost;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.commons.math3.fitting.PolynomialCurveFitter;
import org.apache.commons.math3.fitting.WeightedObservedPoints;

import io.henas.he.OpKind;
import io.henas.he.ParameterSelector;

/** Measures every {@link OpKind} at sampled levels per ring degree and fits the timings (Commons Math). */
public final class Calibrator {
    /** Ring degrees calibrated by default (2^12 holds no level at 128 bits with the default scale). */
    public static final List<Integer> DEFAULT_LOG_N = List.of(13, 14, 15, 16);

    private Calibrator() {
    }

    /** Polynomial degree (in the number of primes) used for {@code op}. */
    public static int degree(OpKind op) {
        return switch (op) {
            case ROTATE, HOIST, ROTATE_HOISTED, RELINEARIZE -> 2;
            default -> 1;
        };
    }

    /** The deepest chain 128-bit security allows at {@code logN} with SEAL's key switching (0 if none). */
    public static int maxDepth(int logN) {
        return maxDepth(ChainShape.seal(logN));
    }

    /**
     * The deepest chain 128-bit security allows at the shape's ring degree with exactly its {@code k} and
     * {@code alpha} under the selector's defaults ({@link ParameterSelector#atShape}); 0 if none. Depths below
     * {@code alpha - 1} are not considered (their digit would be smaller than {@code alpha}).
     */
    public static int maxDepth(ChainShape shape) {
        int d = Math.max(1, shape.digitSize() - 1);
        if (ParameterSelector.atShape(shape.logN(), d, shape.specialPrimes(), shape.digitSize()).isEmpty()) {
            return 0;
        }
        while (ParameterSelector.atShape(shape.logN(), d + 1, shape.specialPrimes(), shape.digitSize()).isPresent()) {
            d++;
        }
        return d;
    }

    /** {@link #sampleLevels(ChainShape, int)} for SEAL's key switching at {@code logN}. */
    public static List<Integer> sampleLevels(int logN, int points) {
        return sampleLevels(ChainShape.seal(logN), points);
    }

    /**
     * Up to {@code points} levels spread evenly over {@code [0, maxDepth(shape)]}, both ends included (the last levels
     * of a network, where most rotations of its final layers run, are measured rather than extrapolated); empty when
     * the shape holds no level.
     */
    public static List<Integer> sampleLevels(ChainShape shape, int points) {
        int max = maxDepth(shape);
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < points && max >= 1; i++) {
            int l = points == 1 ? max : (int) Math.round((double) i * max / (points - 1));
            if (!out.contains(l)) {
                out.add(l);
            }
        }
        return out;
    }

    /** Default sampling: 5 levels for each shape of {@code shapes} that holds at least one level. */
    public static Map<ChainShape, List<Integer>> defaultLevels(java.util.Collection<ChainShape> shapes) {
        Map<ChainShape, List<Integer>> m = new LinkedHashMap<>();
        for (ChainShape n : shapes) {
            List<Integer> l = sampleLevels(n, 5);
            if (!l.isEmpty()) {
                m.put(n, l);
            }
        }
        return m;
    }

    /** SEAL shapes of the ring degrees {@code logNs} (for {@code henas bench calibrate --logn}). */
    public static List<ChainShape> seal(java.util.Collection<Integer> logNs) {
        return logNs.stream().map(ChainShape::seal).toList();
    }

    /**
     * Measures and fits.
     *
     * @param levels {@code shape -> levels to measure}
     */
    public static Calibration calibrate(OpMeasurer measurer, CalibrationKey key, Map<ChainShape, List<Integer>> levels) {
        Map<ChainShape, Map<OpKind, Calibration.Fit>> fits = new LinkedHashMap<>();
        levels.forEach((shape, ls) -> {
            if (ls.isEmpty()) {
                throw new IllegalArgumentException("levels for " + Calibration.describe(shape) + " must not be empty");
            }
            Map<OpKind, Calibration.Fit> ops = new EnumMap<>(OpKind.class);
            for (OpKind op : shape.kinds()) {
                List<Double> us = new ArrayList<>();
                // rescale and drop consume a level: they cannot run at level 0, whose cost the fit extrapolates
                List<Integer> opLevels = needsLevel(op) ? ls.stream().filter(l -> l >= 1).toList() : ls;
                if (opLevels.isEmpty()) {
                    throw new IllegalArgumentException("levels for " + Calibration.describe(shape) + " must include one"
                            + " >= 1 to measure " + op.key() + ", but were " + ls);
                }
                for (int l : opLevels) {
                    double t = measurer.microseconds(shape, l, op);
                    if (!(t >= 0) || !Double.isFinite(t)) {
                        throw new IllegalArgumentException("measured " + op.key() + " at " + Calibration.describe(shape)
                                + " level " + l + " must be a finite time >= 0, but was " + t);
                    }
                    us.add(t);
                }
                ops.put(op, new Calibration.Fit(opLevels, us, fit(opLevels, us, degree(op))));
            }
            fits.put(shape, ops);
        });
        return new Calibration(key, Instant.now().toString(), fits);
    }

    /** Whether {@code op} consumes a level (and so cannot be measured at level 0). */
    static boolean needsLevel(OpKind op) {
        return op == OpKind.RESCALE || op == OpKind.DROP_LEVEL;
    }

    /** Least-squares polynomial in {@code level + 1}, degree lowered to what the points support. */
    static List<Double> fit(List<Integer> levels, List<Double> us, int degree) {
        int distinct = (int) levels.stream().distinct().count();
        int d = Math.min(degree, distinct - 1);
        if (d <= 0) {
            return List.of(us.stream().mapToDouble(Double::doubleValue).average().orElse(0));
        }
        WeightedObservedPoints pts = new WeightedObservedPoints();
        for (int i = 0; i < levels.size(); i++) {
            pts.add(levels.get(i) + 1, us.get(i));
        }
        double[] c = PolynomialCurveFitter.create(d).fit(pts.toList());
        List<Double> out = new ArrayList<>();
        for (double x : c) {
            out.add(x);
        }
        return out;
    }
}
