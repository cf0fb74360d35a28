package io.henas.cost;

import io.henas.he.HeParameters;

/**
 * What a calibrated timing depends on besides the level: the ring degree and the key-switching shape, {@code k}
 * special primes and digits of {@code alpha} data primes (SEAL's key switching is {@code k = alpha = 1}). Key
 * switching (rotations, relinearization) costs differ between shapes, so a {@link Calibration} holds one set of fits
 * per shape and a timing measured for one shape is never used for another. In a cache file a SEAL shape is written
 * as its ring degree ({@code "14"}, as before hybrid key switching), another shape as {@code "14/k3/a2"}.
 *
 * <p>A {@code batch} shape times the operations of batch-packed plans ({@code he.packing: batch}) as those plans run
 * them: on operands far beyond the processor caches (a batch plan's layer holds hundreds or thousands of ciphertexts,
 * each read once or a few times), out of place, constants added per RNS limb; only the kinds such plans contain
 * ({@link #kinds}). Its key has {@code "/batch"} appended ({@code "13/k1/a2/batch"}). A single-image plan works on a
 * few ciphertexts that stay in the caches, so its operations are timed on hot operands.
 *
 * @param logN          ring degree {@code N = 2^logN}
 * @param specialPrimes number of special primes {@code k >= 1}
 * @param digitSize     data primes per key-switching digit {@code alpha >= 1}
 * @param batch         timed as batch-packed plans run (cold operands, the batch kinds only)
 */
public record ChainShape(int logN, int specialPrimes, int digitSize, boolean batch) implements Comparable<ChainShape> {
    /** The operation kinds a batch-packed plan contains (no rotation, plaintext product or encoding). */
    private static final java.util.Set<io.henas.he.OpKind> BATCH_KINDS = java.util.Collections.unmodifiableSet(
            java.util.EnumSet.of(io.henas.he.OpKind.MUL_CONST, io.henas.he.OpKind.MUL_CONST_ACC,
                    io.henas.he.OpKind.MUL_CT, io.henas.he.OpKind.RELINEARIZE, io.henas.he.OpKind.RESCALE,
                    io.henas.he.OpKind.DROP_LEVEL, io.henas.he.OpKind.ADD, io.henas.he.OpKind.ADD_PLAIN));
    private static final java.util.Set<io.henas.he.OpKind> ALL_KINDS = java.util.Collections.unmodifiableSet(
            java.util.EnumSet.allOf(io.henas.he.OpKind.class));

    /** A shape timed on hot operands (single-image plans). */
    public ChainShape(int logN, int specialPrimes, int digitSize) {
        this(logN, specialPrimes, digitSize, false);
    }

    public ChainShape {
        if (logN < 10 || logN > 17) {
            throw new IllegalArgumentException("logN must be in [10, 17], but was " + logN);
        }
        if (specialPrimes < 1 || specialPrimes > 16) {
            throw new IllegalArgumentException("special primes must be in [1, 16], but were " + specialPrimes);
        }
        if (digitSize < 1 || digitSize > 128) {
            throw new IllegalArgumentException("digit size must be in [1, 128], but was " + digitSize);
        }
    }

    /** SEAL's key switching at {@code logN}: one special prime, one data prime per digit. */
    public static ChainShape seal(int logN) {
        return new ChainShape(logN, 1, 1);
    }

    /** The shape of chosen parameters (hot operands: a single-image plan's). */
    public static ChainShape of(HeParameters p) {
        return new ChainShape(p.logN(), p.specialPrimes(), p.digitSize());
    }

    /** The shape that prices {@code plan}: its parameters', a {@link #batch} one for a batch-packed plan. */
    public static ChainShape of(io.henas.he.HePlan plan) {
        ChainShape s = of(plan.parameters());
        return plan.packing().batch() ? s.asBatch() : s;
    }

    /** This shape timed as batch-packed plans run. */
    public ChainShape asBatch() {
        return new ChainShape(logN, specialPrimes, digitSize, true);
    }

    /** The operation kinds this shape times: every kind, or for a batch shape those batch-packed plans contain. */
    public java.util.Set<io.henas.he.OpKind> kinds() {
        return batch ? BATCH_KINDS : ALL_KINDS;
    }

    /** Whether this is SEAL's {@code k = alpha = 1}. */
    public boolean isSeal() {
        return specialPrimes == 1 && digitSize == 1;
    }

    /** The cache-file key: {@code "14"} for SEAL's shape, {@code "14/k3/a2"} otherwise, {@code "/batch"} appended. */
    public String key() {
        return (isSeal() ? Integer.toString(logN) : logN + "/k" + specialPrimes + "/a" + digitSize)
                + (batch ? "/batch" : "");
    }

    /**
     * Reads {@link #key()}'s form.
     *
     * @throws IllegalArgumentException if {@code s} is neither {@code "N"} nor {@code "N/kK/aA"}
     */
    public static ChainShape parse(String s) {
        if (s.endsWith("/batch") && s.length() > "/batch".length()) {
            return parse(s.substring(0, s.length() - "/batch".length())).asBatch();
        }
        String[] parts = s.split("/", -1);
        try {
            if (parts.length == 1) {
                return seal(Integer.parseInt(parts[0]));
            }
            if (parts.length == 3 && parts[1].startsWith("k") && parts[2].startsWith("a")) {
                return new ChainShape(Integer.parseInt(parts[0]), Integer.parseInt(parts[1].substring(1)),
                        Integer.parseInt(parts[2].substring(1)));
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("a chain shape must be 'logN' or 'logN/kK/aA' (e.g. 14/k3/a2), optionally"
                + " followed by '/batch', but was '" + s + "'");
    }

    private static final java.util.Comparator<ChainShape> ORDER = java.util.Comparator.comparingInt(ChainShape::logN)
            .thenComparingInt(ChainShape::specialPrimes).thenComparingInt(ChainShape::digitSize)
            .thenComparing(ChainShape::batch);

    @Override
    public int compareTo(ChainShape o) {
        return ORDER.compare(this, o);
    }

    @Override
    public String toString() {
        return key();
    }
}
