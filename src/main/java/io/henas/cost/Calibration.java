package io.henas.cost;

import java.io.IOException;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.henas.he.OpKind;

/**
 * Per-operation latencies measured on the evaluator and fitted across levels: for each {@link ChainShape} (ring
 * degree and key-switching shape {@code k}, {@code alpha}) and {@link OpKind}, the measured (level, microseconds)
 * points and a least-squares fit: for key-switching kinds a line in the key switch's work terms
 * ({@link KeySwitchTerms}), otherwise a line in the number of primes {@code level + 1}.
 *
 * @param key     what machine and JDK it was measured on
 * @param created ISO-8601 time of measurement
 * @param fits    {@code shape -> op -> fit}
 */
public record Calibration(CalibrationKey key, String created, Map<ChainShape, Map<OpKind, Fit>> fits) {
    /**
     * JSON format version of the cache file; 2 measures level 0 (format 1 extrapolated it, predicting level-0 rotations
     * ~6x too slow); 3 keys fits by {@link ChainShape} ({@code "14/k3/a2"}); 4 names every key in snake_case
     * ({@code key.cpu_model}, {@code micros}); 5 takes each level's time as the median of
     * {@link Calibrator#PASSES} interleaved passes, times operations as the plan runner executes them (results in
     * recycled memory) and fits key-switching kinds in their work terms ({@code key_switch}); 6 times products and
     * additions by plaintexts on distinct plaintexts read from memory (as a plan's cached weights are), and
     * two-thread kinds with limbs kept on one core across calls ({@code ring.Parallel}); 7 takes the median of seven
     * shorter passes instead of three (slow spells of a two-core host spoiled two of three passes too often); 8 times
     * rotations cycling through distinct Galois keys read from memory, as a plan's are (one key held in the cache
     * predicted them 5% fast) after evicting the caches, and takes the mean of a level's middle three passes instead
     * of their median
     * ({@link Calibrator#middleMean}); 9 keeps every pass's time of every level ({@code passes}), so that a plan is
     * also priced pass by pass ({@link #pass}) and its total follows the host's speed in the minutes of each pass
     * ({@code CostModel}); 10 times the accumulating product {@link OpKind#MUL_PLAIN_ACC} as a kind of its own (on the
     * hot accumulator and input of a run of accumulations; it was MUL_PLAIN plus ADD) and MUL_PLAIN, MUL_CT, ADD and
     * ADD_PLAIN after evicting the caches, as their operands are in a plan (format 9 predicted fashion-best's opening
     * products 1.6-1.8x fast, its additions 2.5-3.3x). Older formats count as outdated: measured again.
     */
    public static final int FORMAT = 10;

    public Calibration {
        TreeMap<ChainShape, Map<OpKind, Fit>> copy = new TreeMap<>();
        fits.forEach((n, m) -> copy.put(n, java.util.Collections.unmodifiableMap(new EnumMap<>(m))));
        fits = java.util.Collections.unmodifiableMap(copy);
    }

    /**
     * The work terms of one key switch at a level with {@code L = level + 1} data primes, {@code k} special primes and
     * digits of {@code alpha} primes: {@code dnum = ceil(L / alpha)} digits are each raised to the {@code L + k}
     * primes of the extended basis (their NTTs and the inner products with the key), and the result is brought back
     * to the {@code L} primes. The time is fitted as {@code c0 + c1 * dnum * (L + k) + c2 * L}: with SEAL's shape
     * ({@code alpha = 1}) the same span as a quadratic in {@code L}, and with wider digits it follows the steps where
     * a level adds a digit, which a polynomial in {@code L} smooths over.
     *
     * @param specialPrimes {@code k}
     * @param digitSize     {@code alpha}
     */
    public record KeySwitchTerms(int specialPrimes, int digitSize) {
        public KeySwitchTerms {
            if (specialPrimes < 1 || digitSize < 1) {
                throw new IllegalArgumentException("key_switch must have special_primes >= 1 and digit_size >= 1, but"
                        + " had " + specialPrimes + " and " + digitSize);
            }
        }

        /** The terms {@code [1, dnum * (L + k), L]} at {@code level}, the first {@code count} of them. */
        double[] at(int level, int count) {
            int primes = level + 1;
            int digits = (primes + digitSize - 1) / digitSize;
            double[] all = {1, (double) digits * (primes + specialPrimes), primes};
            return java.util.Arrays.copyOf(all, count);
        }
    }

    /**
     * One operation's measurements and fit.
     *
     * @param levels       measured levels
     * @param micros       microseconds at each level (the mean of the middle three of the calibration's passes)
     * @param coefficients with {@code keySwitch} null: polynomial coefficients in {@code primes = level + 1},
     *                     constant first; else the coefficients of {@link KeySwitchTerms#at}'s terms, in order (fewer
     *                     when the measured levels could not separate them)
     * @param keySwitch    the key-switching shape whose work terms the fit uses, or null for a polynomial
     * @param passes       for each level, its time in each of the calibration's passes, in the order they ran (as
     *                     many for every level)
     */
    public record Fit(List<Integer> levels, List<Double> micros, List<Double> coefficients, KeySwitchTerms keySwitch,
                      List<List<Double>> passes) {
        public Fit {
            levels = List.copyOf(levels);
            micros = List.copyOf(micros);
            coefficients = List.copyOf(coefficients);
            if (passes == null) {
                throw new IllegalArgumentException("a fit needs its passes (one list of times per level)");
            }
            passes = passes.stream().map(List::copyOf).toList();
            if (micros.stream().anyMatch(d -> !Double.isFinite(d))
                    || coefficients.stream().anyMatch(d -> !Double.isFinite(d))
                    || passes.stream().flatMap(List::stream).anyMatch(d -> !Double.isFinite(d))) {
                throw new IllegalArgumentException("a fit must hold finite numbers, but had " + micros + ", "
                        + coefficients + " and passes " + passes);
            }
            int width = passes.isEmpty() ? 0 : passes.getFirst().size();
            if (passes.size() != levels.size() || width == 0 || passes.stream().anyMatch(x -> x.size() != width)) {
                throw new IllegalArgumentException("a fit needs as many lists of pass times as levels, all of one"
                        + " length >= 1, but had " + levels.size() + " levels and passes " + passes);
            }
            if (levels.size() != micros.size() || levels.isEmpty() || coefficients.isEmpty()) {
                throw new IllegalArgumentException("a fit needs as many levels as timings (>= 1) and coefficients, but had "
                        + levels.size() + " levels, " + micros.size() + " timings, " + coefficients.size()
                        + " coefficients");
            }
            if (keySwitch != null && coefficients.size() > 3) {
                throw new IllegalArgumentException("a key_switch fit has at most 3 coefficients, but had "
                        + coefficients.size());
            }
        }

        /** How many passes each level was measured in. */
        public int passCount() {
            return passes.getFirst().size();
        }

        /** The fit of pass {@code p} alone: its time at each level, fitted the same way. */
        public Fit pass(int p) {
            if (p < 0 || p >= passCount()) {
                throw new IllegalArgumentException("pass must be in [0, " + passCount() + "), but was " + p);
            }
            List<Double> us = passes.stream().map(x -> x.get(p)).toList();
            List<Double> c = keySwitch != null ? Calibrator.fitTerms(levels, us, keySwitch)
                    : Calibrator.fit(levels, us, coefficients.size() - 1);
            return new Fit(levels, us, c, keySwitch, us.stream().map(List::of).toList());
        }

        /** Fitted microseconds at {@code level}, never below a tenth of the smallest measurement. */
        public double at(int level) {
            double y = 0;
            if (keySwitch != null) {
                double[] t = keySwitch.at(level, coefficients.size());
                for (int i = 0; i < t.length; i++) {
                    y += coefficients.get(i) * t[i];
                }
            } else {
                double x = level + 1;
                for (int i = coefficients.size() - 1; i >= 0; i--) {
                    y = y * x + coefficients.get(i);
                }
            }
            double floor = micros.stream().mapToDouble(Double::doubleValue).min().orElse(0) / 10;
            return Math.max(y, floor);
        }
    }

    /**
     * Fitted microseconds of {@code op} at {@code level} for the ring degree and key-switching shape {@code shape}.
     *
     * @throws IllegalStateException if this calibration did not measure that shape or operation
     */
    public double microseconds(ChainShape shape, int level, OpKind op) {
        Map<OpKind, Fit> m = fits.get(shape);
        if (m == null) {
            throw new IllegalStateException("the calibration has no timings for " + describe(shape) + " (has "
                    + fits.keySet() + "): run 'henas bench calibrate'");
        }
        Fit f = m.get(op);
        if (f == null && op == OpKind.MUL_CONST_ACC && m.containsKey(OpKind.MUL_CONST) && m.containsKey(OpKind.ADD)) {
            // a calibration from before the fused kind: an upper bound (a product and an out-of-place addition)
            return m.get(OpKind.MUL_CONST).at(level) + m.get(OpKind.ADD).at(level);
        }
        if (f == null) {
            throw new IllegalStateException("the calibration has no timings for " + op.key() + " at " + describe(shape));
        }
        return f.at(level);
    }

    /** How many passes every fit of this calibration holds (the fewest of any fit). */
    public int passCount() {
        return fits.values().stream().flatMap(m -> m.values().stream()).mapToInt(Fit::passCount).min().orElse(0);
    }

    /**
     * This calibration's fits of {@code shape} alone.
     *
     * @throws IllegalStateException if it did not measure that shape
     */
    public Calibration only(ChainShape shape) {
        Map<OpKind, Fit> m = fits.get(shape);
        if (m == null) {
            throw new IllegalStateException("the calibration has no timings for " + describe(shape) + " (has "
                    + fits.keySet() + ")");
        }
        return new Calibration(key, created, Map.of(shape, m));
    }

    /**
     * This calibration as pass {@code p} alone measured it ({@link Fit#pass}): the plan's time in the minutes of that
     * pass.
     */
    public Calibration pass(int p) {
        Map<ChainShape, Map<OpKind, Fit>> out = new TreeMap<>();
        fits.forEach((n, m) -> {
            Map<OpKind, Fit> ops = new EnumMap<>(OpKind.class);
            m.forEach((k, f) -> ops.put(k, f.pass(p)));
            out.put(n, ops);
        });
        return new Calibration(key, created, out);
    }

    /** {@link #microseconds(ChainShape, int, OpKind)} for SEAL's key switching at {@code logN}. */
    public double microseconds(int logN, int level, OpKind op) {
        return microseconds(ChainShape.seal(logN), level, op);
    }

    static String describe(ChainShape s) {
        return "logN " + s.logN() + (s.isSeal() ? "" : " with k = " + s.specialPrimes() + ", alpha = " + s.digitSize())
                + (s.batch() ? " (batch-packed operations)" : "");
    }

    /**
     * Whether every operation kind was measured for every shape in {@code shapes} ({@link OpKind#MUL_CONST_ACC} may be
     * missing from calibrations made before it existed: {@link #microseconds} then bounds it).
     */
    public boolean covers(java.util.Collection<ChainShape> shapes) {
        for (ChainShape n : shapes) {
            Map<OpKind, Fit> m = fits.get(n);
            if (m == null) {
                return false;
            }
            for (OpKind k : n.kinds()) {
                if (k != OpKind.MUL_CONST_ACC && !m.containsKey(k)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The JSON form of one entry of the cache file (snake_case: {@code cpu_model}, {@code micros} ...). */
    record Stored(int format, CalibrationKey key, String created, Map<String, Map<String, Fit>> fits) {
    }

    public Map<String, Object> toJson() {
        Map<String, Map<String, Fit>> byShape = new LinkedHashMap<>();
        fits.forEach((n, m) -> {
            Map<String, Fit> ops = new LinkedHashMap<>();
            m.forEach((k, f) -> ops.put(k.key(), f));
            byShape.put(n.key(), ops);
        });
        return io.henas.ir.Json.toTree(new Stored(FORMAT, key, created, byShape));
    }

    /**
     * Reads {@link #toJson()}'s form.
     *
     * @throws OutdatedException if it was written in another format (an older henas): recalibrate
     * @throws IOException       naming {@code source} and the field if anything is missing or malformed
     */
    public static Calibration fromJson(Object json, String source) throws IOException {
        Map<String, Object> root;
        try {
            root = io.henas.ir.Json.asObject(json, source);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
        checkFormat(root.get("format"), source);
        Stored stored;
        try {
            stored = io.henas.ir.Json.toValue(root, source, Stored.class);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
        if (stored.key() == null || stored.created() == null || stored.fits() == null) {
            throw new IOException(source + ": key, created and fits are required, but " + (stored.key() == null ? "key"
                    : stored.created() == null ? "created" : "fits") + " was missing");
        }
        Map<ChainShape, Map<OpKind, Fit>> fits = new TreeMap<>();
        for (Map.Entry<String, Map<String, Fit>> e : stored.fits().entrySet()) {
            ChainShape shape;
            try {
                shape = ChainShape.parse(e.getKey());
            } catch (IllegalArgumentException x) {
                throw new IOException(source + ": fits keys must be chain shapes ('14' or '14/k3/a2'), but was '"
                        + e.getKey() + "'");
            }
            Map<OpKind, Fit> ops = new EnumMap<>(OpKind.class);
            for (Map.Entry<String, Fit> o : e.getValue().entrySet()) {
                OpKind kind = null;
                for (OpKind c : OpKind.values()) {
                    if (c.key().equals(o.getKey())) {
                        kind = c;
                    }
                }
                if (kind == null || o.getValue() == null) {
                    throw new IOException(source + ": fits." + shape.key() + "." + o.getKey() + " is not an operation"
                            + " kind with a fit");
                }
                ops.put(kind, o.getValue());
            }
            fits.put(shape, ops);
        }
        return new Calibration(stored.key(), stored.created(), fits);
    }

    /** Throws unless {@code format} is {@link #FORMAT}: {@link OutdatedException} for an older one. */
    static void checkFormat(Object format, String source) throws IOException {
        if (format instanceof Number f && f.doubleValue() == FORMAT) {
            return;
        }
        if (format instanceof Number f && f.doubleValue() < FORMAT && f.doubleValue() >= 1) {
            throw new OutdatedException(source + ": calibration format " + f + " was written by an older henas (this"
                    + " one reads format " + FORMAT + ")");
        }
        throw new IOException(source + ": format must be " + FORMAT + ", but was " + format);
    }

    /** A calibration written by an older henas (another format): it counts as no calibration and is measured again. */
    public static final class OutdatedException extends IOException {
        private static final long serialVersionUID = 1L;

        OutdatedException(String message) {
            super(message);
        }
    }
}
