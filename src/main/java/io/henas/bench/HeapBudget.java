package io.henas.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;
import java.util.Locale;

import io.henas.ckks.CkksParameters;
import io.henas.ckks.Evaluator;
import io.henas.rlwe.KeySwitchKey;

/**
 * Heap estimates for timing CKKS operations at large ring degrees, and the check that fails early, with the
 * {@code -Xmx} to use, instead of running out of memory half-way: at logN 16 one key switching key of the deepest
 * secure chain takes gigabytes.
 */
public final class HeapBudget {
    private static final double GIB = 1L << 30;
    /** Fraction of the maximum heap a prediction may use (the collector needs room to move objects). */
    static final double USABLE = 0.9;

    private HeapBudget() {
    }

    /** Thrown when the heap cannot hold what an operation needs; an {@link IllegalArgumentException} (exit 2). */
    public static final class InsufficientHeapException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        InsufficientHeapException(String message) {
            super(message);
        }
    }

    /** Bytes of {@code polys} polynomials with {@code limbs} limbs of degree {@code n}. */
    public static long polyBytes(int n, int limbs, int polys) {
        return (long) n * limbs * polys * Long.BYTES;
    }

    /** The bytes a key switching key holds (its {@code b} and {@code a} polynomials, every digit). */
    public static long bytes(KeySwitchKey k) {
        long total = 0;
        for (int j = 0; j < k.digits(); j++) {
            total += polyBytes(k.b(j).n(), k.b(j).limbCount(), 1) + polyBytes(k.a(j).n(), k.a(j).limbCount(), 1);
        }
        return total;
    }

    /**
     * A key switching key's bytes before it exists: one digit per data prime, each two polynomials over the data
     * primes and the special prime (the layout of the generator at the time of writing; a layout with fewer digits
     * is smaller, so this is an upper bound for the first key, and later checks use the measured size).
     */
    public static long keyEstimate(CkksParameters p) {
        int data = p.maxLevel() + 1;
        return polyBytes(p.n(), data + 1, 2 * data);
    }

    /**
     * The heap that timing every calibrated op at {@code levels} needs besides fixed overheads, for a key of
     * {@code keyBytes} with {@code digits} digits over {@code keyLimbs} limbs: the key (one at a time); the
     * evaluator's work arrays, a hoisted decomposition (one polynomial per digit over the key's limbs) or, when larger,
     * all the idle arrays its pool may keep ({@link Evaluator#scratchArrays}: the decomposition's arrays go back to
     * it); {@code hoisted} rotated outputs at the top level and the results of the op being timed (up to 8 polynomials
     * there); the evaluator's recycled limbs ({@link Evaluator#recycledBytesCap}); the operands kept per level (a, b, a
     * size-3 product and a plaintext: 8 polynomials); and the distinct plaintexts products cycle through
     * ({@link EvaluatorOpMeasurer#PLAIN_STREAM_MIB} per level at most). Before the pool, the recycled limbs and the
     * plaintext pools were counted, {@code bench calibrate --logn 16} ran out of an 8 GB heap that this estimate had
     * called enough (live data reached 7.1 GB).
     */
    public static long calibrationNeed(CkksParameters p, List<Integer> levels, long keyBytes, int digits,
                                       int keyLimbs, int hoisted) {
        int n = p.n();
        int top = levels.stream().mapToInt(Integer::intValue).max().orElse(p.maxLevel());
        long operands = 0;
        for (int l : levels) {
            operands += polyBytes(n, l + 1, 8);
        }
        long work = Math.max(polyBytes(n, keyLimbs, digits), polyBytes(n, 1, Evaluator.scratchArrays(p)));
        long transient_ = work + polyBytes(n, top + 1, 2 * hoisted + 8) + Evaluator.recycledBytesCap();
        long plaintexts = (long) levels.size() * EvaluatorOpMeasurer.PLAIN_STREAM_MIB << 20;
        return keyBytes + operands + transient_ + plaintexts;
    }

    /**
     * Checks that {@code needBytes} more fit next to what the heap holds now (collecting garbage first if they do
     * not at first sight).
     *
     * @param what for the message, e.g. "calibrating logN 16"
     * @throws InsufficientHeapException with the {@code -Xmx} to use if they do not fit
     */
    public static void require(long needBytes, String what) {
        check(needBytes, usedBytes(needBytes), Runtime.getRuntime().maxMemory(), what);
    }

    /** Whether {@code needBytes} more fit next to what the heap holds now (as {@link #require} decides, no exception). */
    public static boolean fits(long needBytes) {
        return usedBytes(needBytes) + needBytes <= USABLE * Runtime.getRuntime().maxMemory();
    }

    /** The heap in use, after collecting garbage if {@code needBytes} more do not fit at first sight. */
    private static long usedBytes(long needBytes) {
        Runtime rt = Runtime.getRuntime();
        long used = rt.totalMemory() - rt.freeMemory();
        if (used + needBytes > USABLE * rt.maxMemory()) {
            System.gc();
            used = rt.totalMemory() - rt.freeMemory();
        }
        return used;
    }

    /**
     * {@code wantBytes}, or less: at most {@code 1 / share} of what the heap has free now (below its usable part), for
     * optional memory such as pools of cold operands.
     */
    public static long affordable(long wantBytes, int share) {
        Runtime rt = Runtime.getRuntime();
        long used = rt.totalMemory() - rt.freeMemory();
        return Math.max(0, Math.min(wantBytes, (long) ((USABLE * rt.maxMemory() - used) / share)));
    }

    /** The decision of {@link #require}, for tests: throws if {@code used + need} exceeds the usable heap. */
    static void check(long needBytes, long usedBytes, long maxBytes, String what) {
        if (usedBytes + needBytes > USABLE * maxBytes) {
            long gib = (long) Math.ceil((usedBytes + needBytes) / USABLE / GIB);
            throw new InsufficientHeapException(String.format(Locale.ROOT, "%s needs about %.1f GB of heap (%.1f GB "
                    + "more than the %.1f GB in use), but the JVM may use at most %.1f GB: run with -Xmx%dg (e.g. "
                    + "JAVA_TOOL_OPTIONS=-Xmx%dg henas ...), or calibrate fewer ring degrees", what,
                    (usedBytes + needBytes) / GIB, needBytes / GIB, usedBytes / GIB, maxBytes / GIB, gib, gib));
        }
    }

    /**
     * The sum of the heap pools' peak usages since the JVM started (or their peaks were reset), in bytes: an upper
     * bound of the peak heap, as the pools may peak at different times.
     */
    public static long peakHeapBytes() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }
}
