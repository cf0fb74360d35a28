package io.henas.cost;

import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.henas.he.OpKind;

/**
 * Per-operation latencies measured on the evaluator and fitted across levels: for each {@link ChainShape} (ring
 * degree and key-switching shape {@code k}, {@code alpha}) and {@link OpKind}, the measured (level, microseconds)
 * points and a polynomial in the number of primes {@code level + 1} (degree 2 for key-switching operations, whose cost
 * grows with digits x primes; 1 otherwise).
 *
 * @param key     what machine and JDK it was measured on
 * @param created ISO-8601 time of measurement
 * @param fits    {@code shape -> op -> fit}
 */
public record Calibration(CalibrationKey key, String created, Map<ChainShape, Map<OpKind, Fit>> fits) {
    /**
     * JSON format version of the cache file; 2 measures level 0 (format 1 extrapolated it, predicting level-0 rotations
     * ~6x too slow); 3 keys fits by {@link ChainShape} ({@code "14/k3/a2"}; format 2's ring degrees are read as SEAL
     * shapes, which is what format 2 measured).
     */
    public static final int FORMAT = 3;
    /** The older format still read ({@code fits} keyed by ring degree, SEAL key switching). */
    public static final int FORMAT_SEAL_ONLY = 2;

    public Calibration {
        TreeMap<ChainShape, Map<OpKind, Fit>> copy = new TreeMap<>();
        fits.forEach((n, m) -> copy.put(n, java.util.Collections.unmodifiableMap(new EnumMap<>(m))));
        fits = java.util.Collections.unmodifiableMap(copy);
    }

    /**
     * One operation's measurements and fitted polynomial.
     *
     * @param levels       measured levels
     * @param micros       median microseconds at each level
     * @param coefficients polynomial coefficients in {@code primes = level + 1}, constant first
     */
    public record Fit(List<Integer> levels, List<Double> micros, List<Double> coefficients) {
        public Fit {
            levels = List.copyOf(levels);
            micros = List.copyOf(micros);
            coefficients = List.copyOf(coefficients);
            if (levels.size() != micros.size() || levels.isEmpty() || coefficients.isEmpty()) {
                throw new IllegalArgumentException("a fit needs as many levels as timings (>= 1) and coefficients, but had "
                        + levels.size() + " levels, " + micros.size() + " timings, " + coefficients.size()
                        + " coefficients");
            }
        }

        /** Fitted microseconds at {@code level}, never below a tenth of the smallest measurement. */
        public double at(int level) {
            double x = level + 1;
            double y = 0;
            for (int i = coefficients.size() - 1; i >= 0; i--) {
                y = y * x + coefficients.get(i);
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

    /** {@link #microseconds(ChainShape, int, OpKind)} for SEAL's key switching at {@code logN}. */
    public double microseconds(int logN, int level, OpKind op) {
        return microseconds(ChainShape.seal(logN), level, op);
    }

    static String describe(ChainShape s) {
        return "logN " + s.logN() + (s.isSeal() ? "" : " with k = " + s.specialPrimes() + ", alpha = " + s.digitSize());
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
            for (OpKind k : OpKind.values()) {
                if (k != OpKind.MUL_CONST_ACC && !m.containsKey(k)) {
                    return false;
                }
            }
        }
        return true;
    }

    public Map<String, Object> toJson() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("format", FORMAT);
        root.put("key", key.toJson());
        root.put("created", created);
        Map<String, Object> byN = new LinkedHashMap<>();
        fits.forEach((n, m) -> {
            Map<String, Object> ops = new LinkedHashMap<>();
            m.forEach((k, f) -> {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("levels", f.levels());
                e.put("us", f.micros());
                e.put("coefficients", f.coefficients());
                ops.put(k.key(), e);
            });
            byN.put(n.key(), ops);
        });
        root.put("fits", byN);
        return root;
    }

    /**
     * Reads {@link #toJson()}'s form.
     *
     * @throws IOException naming {@code source} and the field if anything is missing or malformed
     */
    public static Calibration fromJson(Object json, String source) throws IOException {
        try {
            Map<String, Object> root = obj(json, source, "root");
            if (!(root.get("format") instanceof Number fmt)
                    || fmt.intValue() != FORMAT && fmt.intValue() != FORMAT_SEAL_ONLY) {
                throw new IOException(source + ": format must be " + FORMAT + " (or " + FORMAT_SEAL_ONLY + "), but was "
                        + root.get("format"));
            }
            boolean sealOnly = fmt.intValue() == FORMAT_SEAL_ONLY;
            Map<String, Object> k = obj(root.get("key"), source, "key");
            CalibrationKey key = new CalibrationKey(str(k.get("cpu"), source, "key.cpu"),
                    num(k.get("cores"), source, "key.cores").intValue(), str(k.get("jdk"), source, "key.jdk"),
                    num(k.get("threads"), source, "key.threads").intValue(),
                    k.containsKey("evaluator") ? num(k.get("evaluator"), source, "key.evaluator").intValue() : 1);
            Map<ChainShape, Map<OpKind, Fit>> fits = new TreeMap<>();
            for (Map.Entry<String, Object> e : obj(root.get("fits"), source, "fits").entrySet()) {
                ChainShape logN;
                try {
                    logN = ChainShape.parse(e.getKey());
                } catch (IllegalArgumentException x) {
                    throw new IOException(source + ": fits keys must be chain shapes ('14' or '14/k3/a2'), but was '"
                            + e.getKey() + "'");
                }
                if (sealOnly && !logN.isSeal()) {
                    throw new IOException(source + ": format " + FORMAT_SEAL_ONLY + " fits keys must be ring degrees, but"
                            + " was '" + e.getKey() + "'");
                }
                Map<OpKind, Fit> ops = new EnumMap<>(OpKind.class);
                for (Map.Entry<String, Object> o : obj(e.getValue(), source, "fits." + logN.key()).entrySet()) {
                    String path = "fits." + logN.key() + "." + o.getKey();
                    OpKind kind = null;
                    for (OpKind c : OpKind.values()) {
                        if (c.key().equals(o.getKey())) {
                            kind = c;
                        }
                    }
                    if (kind == null) {
                        throw new IOException(source + ": " + path + " is not an operation kind");
                    }
                    Map<String, Object> f = obj(o.getValue(), source, path);
                    ops.put(kind, new Fit(ints(f.get("levels"), source, path + ".levels"),
                            doubles(f.get("us"), source, path + ".us"),
                            doubles(f.get("coefficients"), source, path + ".coefficients")));
                }
                fits.put(logN, ops);
            }
            return new Calibration(key, str(root.get("created"), source, "created"), fits);
        } catch (IllegalArgumentException e) {
            throw new IOException(source + ": " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> obj(Object v, String source, String path) throws IOException {
        if (v instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new IOException(source + ": " + path + " must be an object, but was " + v);
    }

    private static String str(Object v, String source, String path) throws IOException {
        if (v instanceof String s) {
            return s;
        }
        throw new IOException(source + ": " + path + " must be a string, but was " + v);
    }

    private static Number num(Object v, String source, String path) throws IOException {
        if (v instanceof Number n) {
            return n;
        }
        throw new IOException(source + ": " + path + " must be a number, but was " + v);
    }

    private static List<Integer> ints(Object v, String source, String path) throws IOException {
        List<Integer> out = new ArrayList<>();
        if (!(v instanceof List<?> l)) {
            throw new IOException(source + ": " + path + " must be an array, but was " + v);
        }
        for (Object o : l) {
            out.add(num(o, source, path).intValue());
        }
        return out;
    }

    private static List<Double> doubles(Object v, String source, String path) throws IOException {
        List<Double> out = new ArrayList<>();
        if (!(v instanceof List<?> l)) {
            throw new IOException(source + ": " + path + " must be an array, but was " + v);
        }
        for (Object o : l) {
            double d = num(o, source, path).doubleValue();
            if (!Double.isFinite(d)) {
                throw new IOException(source + ": " + path + " must hold finite numbers, but had " + d);
            }
            out.add(d);
        }
        return out;
    }
}
