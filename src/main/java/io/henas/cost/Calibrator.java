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

    /**
     * Passes over every operation kind and level; a level's time is the mean of its middle three passes
     * ({@link #middleMean}; the median until calibration format 8). A single measurement
     * per level let one slow spell of the host (or of its second core, or a JIT compilation still under way when the
     * first level was measured: 15 ms instead of 0.8 ms for a logN-13 relinearization) move a level by 20-100% on this
     * machine kind, and the fit carried it into every prediction near that level. Three passes were not enough on
     * two cores: spells during which two-thread key switches take 1.3-2x their time last from a tenth of a second to
     * a few seconds and cover some 10-25% of the time (a logN-13 rotation timed in back-to-back 80 ms windows:
     * 2.1-2.5 ms, then 3.0-4.9 ms for a second), so two of three passes 5 s apart were both hit often enough that
     * some key-switching level of nearly every calibration was 20-40% off (four `bench calibrate --logn 13 --threads 2`
     * runs: relinearize at level 4 2143-3589 us), and `infer --calibrate` predicted 15-24% slow in some runs. Seven
     * shorter passes: two spoiled passes leave a level alone.
     */
    public static final int PASSES = 7;

    /** Whether {@code op} does a key switch (its time is fitted in {@link Calibration.KeySwitchTerms}). */
    public static boolean keySwitching(OpKind op) {
        return switch (op) {
            case ROTATE, HOIST, ROTATE_HOISTED, RELINEARIZE -> true;
            default -> false;
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
        return calibrate(measurer, key, levels, pass -> {
        });
    }

    /**
     * Measures and fits, calling {@code afterPass.accept(pass)} after each of a shape's {@link #PASSES} passes (its
     * time is not part of any measurement). {@code henas infer --calibrate} runs a share of its images there, so that
     * the calibration and the latency it predicts are measured in the same minutes of the host: two-thread key
     * switches on this machine kind drift by 10-15% between consecutive minutes, which a calibration measured before
     * the images carried into the comparison (predictions off by -12% to +12% in runs a minute apart).
     *
     * @param levels {@code shape -> levels to measure}
     */
    public static Calibration calibrate(OpMeasurer measurer, CalibrationKey key, Map<ChainShape, List<Integer>> levels,
                                        java.util.function.IntConsumer afterPass) {
        Map<ChainShape, Map<OpKind, Calibration.Fit>> fits = new LinkedHashMap<>();
        levels.forEach((shape, ls) -> {
            if (ls.isEmpty()) {
                throw new IllegalArgumentException("levels for " + Calibration.describe(shape) + " must not be empty");
            }
            Map<OpKind, Calibration.Fit> ops = new EnumMap<>(OpKind.class);
            Calibration.KeySwitchTerms terms = new Calibration.KeySwitchTerms(shape.specialPrimes(),
                    shape.digitSize());
            List<OpKind> kinds = List.copyOf(shape.kinds());
            Map<OpKind, List<Integer>> opLevels = new EnumMap<>(OpKind.class);
            Map<OpKind, double[][]> times = new EnumMap<>(OpKind.class);
            for (OpKind op : kinds) {
                // rescale and drop consume a level: they cannot run at level 0, whose cost the fit extrapolates
                List<Integer> l = needsLevel(op) ? ls.stream().filter(x -> x >= 1).toList() : ls;
                if (l.isEmpty()) {
                    throw new IllegalArgumentException("levels for " + Calibration.describe(shape) + " must include one"
                            + " >= 1 to measure " + op.key() + ", but were " + ls);
                }
                opLevels.put(op, l);
                times.put(op, new double[l.size()][PASSES]);
            }
            // an untimed warm-up of every kind and level (in reverse kind order: it ends where pass 0 begins)
            for (int k = kinds.size() - 1; k >= 0; k--) {
                for (int l : opLevels.get(kinds.get(k))) {
                    measurer.warmUp(shape, l, kinds.get(k));
                }
            }
            // each pass measures every kind at every level, so a level's passes lie a whole pass apart (a slow spell
            // of the host or of its second core spoils one pass, not a level); odd passes run the kinds in reverse,
            // so that a measurer holding one evaluation key at a time swaps keys once per pass
            for (int pass = 0; pass < PASSES; pass++) {
                for (int k = 0; k < kinds.size(); k++) {
                    OpKind op = kinds.get(pass % 2 == 0 ? k : kinds.size() - 1 - k);
                    List<Integer> l = opLevels.get(op);
                    for (int i = 0; i < l.size(); i++) {
                        double t = measurer.microseconds(shape, l.get(i), op, pass);
                        if (!(t >= 0) || !Double.isFinite(t)) {
                            throw new IllegalArgumentException("measured " + op.key() + " at "
                                    + Calibration.describe(shape) + " level " + l.get(i) + " must be a finite time"
                                    + " >= 0, but was " + t);
                        }
                        times.get(op)[i][pass] = t;
                    }
                }
                afterPass.accept(pass);
            }
            for (OpKind op : kinds) {
                List<Integer> l = opLevels.get(op);
                List<Double> us = new ArrayList<>();
                List<List<Double>> passes = new ArrayList<>();
                for (double[] p : times.get(op)) {
                    us.add(middleMean(p));
                    passes.add(java.util.Arrays.stream(p).boxed().toList());
                }
                ops.put(op, keySwitching(op)
                        ? new Calibration.Fit(l, us, fitTerms(l, us, terms), terms, passes)
                        : new Calibration.Fit(l, us, fit(l, us, 1), null, passes));
            }
            fits.put(shape, ops);
        });
        return new Calibration(key, Instant.now().toString(), fits);
    }

    /** Whether {@code op} consumes a level (and so cannot be measured at level 0). */
    static boolean needsLevel(OpKind op) {
        return op == OpKind.RESCALE || op == OpKind.DROP_LEVEL;
    }

    /**
     * A level's time from its passes: the mean of the middle three (of seven; the median below three). Two passes
     * spoiled either way (a slow spell, a JIT compilation) leave it alone like the median; but when the host runs slow
     * for a good part of the calibration (three or four of seven passes, as in runs whose images in one half ran 25%
     * slower than in the other), it moves part of the way instead of jumping between the fast and the slow time, as
     * the median of the images' latencies does (fashion-best's rotations were predicted 18% fast in such a run with
     * medians).
     */
    static double middleMean(double[] xs) {
        if (xs.length < 3) {
            return median(xs);
        }
        double[] s = xs.clone();
        java.util.Arrays.sort(s);
        int from = (s.length - 3) / 2;
        return (s[from] + s[from + 1] + s[from + 2]) / 3;
    }

    static double median(double[] xs) {
        double[] s = xs.clone();
        java.util.Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    /**
     * Least-squares coefficients of {@code terms}' work terms ({@link Calibration.KeySwitchTerms#at}): all three when
     * the measured levels separate them, else the constant and {@code dnum * (L + k)} (two levels, or digits so wide
     * that one digit covers every measured level and that term is a line in {@code L}), else the mean.
     */
    static List<Double> fitTerms(List<Integer> levels, List<Double> us, Calibration.KeySwitchTerms terms) {
        int distinct = (int) levels.stream().distinct().count();
        for (int count = Math.min(3, distinct); count >= 2; count--) {
            double[][] x = new double[levels.size()][];
            double[] y = new double[levels.size()];
            for (int i = 0; i < levels.size(); i++) {
                x[i] = terms.at(levels.get(i), count);
                y[i] = us.get(i);
            }
            double[] c = leastSquares(x, y);
            if (c != null) {
                List<Double> out = new ArrayList<>();
                for (double v : c) {
                    out.add(v);
                }
                return out;
            }
        }
        return List.of(us.stream().mapToDouble(Double::doubleValue).average().orElse(0));
    }

    /**
     * Least squares {@code min |x c - y|} by the normal equations (a handful of rows and at most 3 columns of similar
     * magnitude after column scaling); null when the columns are (numerically) dependent.
     */
    static double[] leastSquares(double[][] x, double[] y) {
        int m = x[0].length;
        double[] scale = new double[m];
        for (double[] row : x) {
            for (int j = 0; j < m; j++) {
                scale[j] = Math.max(scale[j], Math.abs(row[j]));
            }
        }
        double[][] a = new double[m][m + 1];
        for (int r = 0; r < x.length; r++) {
            for (int i = 0; i < m; i++) {
                double xi = x[r][i] / scale[i];
                for (int j = 0; j < m; j++) {
                    a[i][j] += xi * x[r][j] / scale[j];
                }
                a[i][m] += xi * y[r];
            }
        }
        for (int col = 0; col < m; col++) {
            int piv = col;
            for (int r = col + 1; r < m; r++) {
                if (Math.abs(a[r][col]) > Math.abs(a[piv][col])) {
                    piv = r;
                }
            }
            if (Math.abs(a[piv][col]) < 1e-9 * x.length) {
                return null;
            }
            double[] t = a[col];
            a[col] = a[piv];
            a[piv] = t;
            for (int r = 0; r < m; r++) {
                if (r != col) {
                    double f = a[r][col] / a[col][col];
                    for (int j = col; j <= m; j++) {
                        a[r][j] -= f * a[col][j];
                    }
                }
            }
        }
        double[] c = new double[m];
        for (int i = 0; i < m; i++) {
            c[i] = a[i][m] / a[i][i] / scale[i];
        }
        return c;
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
