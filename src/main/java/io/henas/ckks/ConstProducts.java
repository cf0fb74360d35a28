package io.henas.ckks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.henas.ring.Modulus;
import io.henas.ring.Ring;

/**
 * Many ciphertext-by-constant products and multiply-accumulates executed together: the convolution and dense layers
 * of the batch packing (throughput mode), where every output value is {@code sum_i w_i * x_i} over ciphertexts
 * {@code x_i} and constants {@code w_i}. {@link #product} and {@link #accumulate} only record a term; {@link #run}
 * computes every recorded output at once, GEMM-like: the work is cut into (RNS limb, coefficient block) tiles, shared
 * by the evaluator's threads; inside a tile each output's sum is kept in a buffer of up to 2048 coefficients that stays
 * in the first-level cache, while the inputs' blocks stream in (blocks shorten only when the distinct inputs' blocks
 * would exceed {@link #TILE_INPUT_BYTES}). The products are Shoup products left in
 * {@code [0, 2q)} (or, on 512-bit vectors for primes below 2^50, products with a double-precision quotient, in
 * {@code [0, 3q)}: {@link ConstProductsSimd}) summed without reduction; each sum is reduced once at the end (or
 * whenever more terms would overflow 64 bits). The results are bit-identical to {@link Evaluator#mulConstScaled} followed by
 * {@link Evaluator#mulConstAccInto} calls in any order (modular sums of the same residues).
 *
 * <p>The recorded operands must not change until {@link #run}: an operand may not be a pending output, and a
 * pending operand may not become an accumulator (both throw). Not thread-safe.
 */
public final class ConstProducts {
    /**
     * Bytes of input blocks a tile may touch before its blocks are shortened. Measured on this project's 2-core Xeon
     * (1.25 MiB of second-level cache per core, {@code ConstProductsTiming 2 13}): keeping every input's block in the
     * second-level cache (1 MiB: blocks of 64-128 coefficients for 392-784 inputs) cost 30-45% more per product than
     * 2048-coefficient blocks streamed from the last-level cache or memory, whose per-term overhead is 16-32x smaller;
     * so the longest block is used unless the inputs exceed this.
     */
    static final long TILE_INPUT_BYTES = 64L << 20;
    /** Shortest coefficient block (longer runs stream better). */
    static final int MIN_BLOCK = 64;
    /** Longest coefficient block. */
    static final int MAX_BLOCK = 2048;

    private final Evaluator eval;
    private final Ring ring;
    private final List<Out> outs = new ArrayList<>();
    private final Map<Ciphertext, Out> byOutput = new IdentityHashMap<>();
    private final Set<Ciphertext> operands = Collections.newSetFromMap(new IdentityHashMap<>());
    private long terms;

    /** One output: its ciphertext, whether it starts from its current content, and its terms. */
    private static final class Out {
        final Ciphertext ct;
        final boolean fromContent;
        final List<Ciphertext> a = new ArrayList<>();
        double[] v = new double[4];
        /** Per limb, per term: the constant's residue and its Shoup quotient (filled by {@link #run}). */
        long[][] w;
        long[][] ws;
        /** Per term: the operand's number among the batch's distinct operands (filled by {@link #run}). */
        int[] idx;

        Out(Ciphertext ct, boolean fromContent) {
            this.ct = ct;
            this.fromContent = fromContent;
        }

        void add(Ciphertext x, double value) {
            if (a.size() == v.length) {
                v = java.util.Arrays.copyOf(v, v.length * 2);
            }
            v[a.size()] = value;
            a.add(x);
        }
    }

    public ConstProducts(Evaluator eval) {
        this.eval = eval;
        this.ring = eval.ring;
    }

    /** Recorded terms not yet run. */
    public long pendingTerms() {
        return terms;
    }

    /** Whether {@code c} is an output of a recorded term not yet run. */
    public boolean isPendingOutput(Ciphertext c) {
        return byOutput.containsKey(c);
    }

    /** Whether {@code c} is an operand of a recorded term not yet run. */
    public boolean isPendingOperand(Ciphertext c) {
        return operands.contains(c);
    }

    /**
     * Records {@code a * round(c * constScale)} (as {@link Evaluator#mulConstScaled}) and returns its output, a new
     * ciphertext at {@code a}'s level and size with scale {@code a.scale * constScale} whose content is written by
     * {@link #run}.
     */
    public Ciphertext product(Ciphertext a, double c, double constScale) {
        eval.checkParams(a, "a");
        checkOperand(a);
        double v = c * constScale;
        checkFinite(v);
        // every coefficient is written by run(): no need to clear a recycled limb
        Ciphertext out = new Ciphertext(eval.params, a.scale() * constScale, eval.newPolys(a.size(), a.level() + 1,
                false));
        Out o = new Out(out, false);
        o.add(a, v);
        outs.add(o);
        byOutput.put(out, o);
        operands.add(a);
        terms++;
        return out;
    }

    /**
     * Records {@code acc += a * round(c * constScale)} (as {@link Evaluator#mulConstAccInto}); {@code acc} is a pending
     * output of this batch or a ciphertext whose current content the sum starts from.
     *
     * @throws IllegalArgumentException if the parameters, levels, sizes or scales differ (as
     *                                  {@link Evaluator#mulConstAccInto}), {@code a} is a pending output or {@code acc}
     *                                  a pending operand
     */
    public void accumulate(Ciphertext acc, Ciphertext a, double c, double constScale) {
        eval.checkParams(a, "a");
        eval.checkParams(acc, "acc");
        if (acc.level() != a.level() || acc.size() != a.size()) {
            throw new IllegalArgumentException("accumulator must match the operand's level and size, but had level "
                    + acc.level() + "/size " + acc.size() + " vs " + a.level() + "/" + a.size());
        }
        if (!Evaluator.scalesMatch(acc.scale(), a.scale() * constScale)) {
            throw new IllegalArgumentException("scale mismatch: " + Evaluator.formatScale(acc.scale()) + " vs "
                    + Evaluator.formatScale(a.scale() * constScale));
        }
        checkOperand(a);
        if (operands.contains(acc)) {
            throw new IllegalArgumentException("the accumulator is an operand of a pending product; run() first");
        }
        double v = c * constScale;
        checkFinite(v);
        Out o = byOutput.get(acc);
        if (o == null) {
            o = new Out(acc, true);
            outs.add(o);
            byOutput.put(acc, o);
        }
        o.add(a, v);
        operands.add(a);
        terms++;
    }

    private void checkOperand(Ciphertext a) {
        if (byOutput.containsKey(a)) {
            throw new IllegalArgumentException("the operand is a pending output of this batch; run() first");
        }
    }

    private static void checkFinite(double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("value must be finite, but was " + v);
        }
    }

    /** The coefficient block length for {@code distinct} operands of {@code size} polynomials (a power of two). */
    static int blockLength(int n, int distinct, int size) {
        long perCoefficient = (long) Math.max(1, distinct) * size * Long.BYTES;
        int b = MAX_BLOCK;
        while (b > MIN_BLOCK && b * perCoefficient > TILE_INPUT_BYTES) {
            b >>= 1;
        }
        return Math.min(b, n);
    }

    /** Computes every recorded output and clears the batch. */
    public void run() {
        if (outs.isEmpty()) {
            return;
        }
        int maxLimbs = 0;
        int maxSize = 2;
        for (Out o : outs) {
            maxLimbs = Math.max(maxLimbs, o.ct.level() + 1);
            maxSize = Math.max(maxSize, o.ct.size());
        }
        List<Out> list = List.copyOf(outs);
        int limbs = maxLimbs;
        for (Out o : list) {
            o.w = new long[o.ct.level() + 1][];
            o.ws = new long[o.ct.level() + 1][];
        }
        // number the distinct operands, so that a tile reads a term's limb from a small table instead of following
        // list -> ciphertext -> polynomial -> limb references scattered over the heap for every term
        List<Ciphertext> distinct = new ArrayList<>(operands);
        Map<Ciphertext, Integer> ids = new IdentityHashMap<>();
        for (int d = 0; d < distinct.size(); d++) {
            ids.put(distinct.get(d), d);
        }
        for (Out o : list) {
            o.idx = new int[o.a.size()];
            for (int k = 0; k < o.idx.length; k++) {
                o.idx[k] = ids.get(o.a.get(k));
            }
        }
        long[][][][] src = new long[limbs][maxSize][distinct.size()][]; // [limb][poly][operand]
        int n = eval.n;
        int block = blockLength(n, operands.size(), maxSize);
        eval.par.forEach(limbs, i -> {
            for (int d = 0; d < distinct.size(); d++) {
                Ciphertext x = distinct.get(d);
                if (i <= x.level()) {
                    for (int p = 0; p < x.size(); p++) {
                        src[i][p][d] = x.poly(p).limb(i);
                    }
                }
            }
            Modulus m = ring.modulus(i);
            boolean shoup = !ConstProductsSimd.applies(m.value(), block); // the vector path needs no Shoup quotient
            for (Out o : list) {
                if (i > o.ct.level()) {
                    continue;
                }
                int t = o.a.size();
                long[] w = new long[t];
                long[] ws = new long[t];
                for (int k = 0; k < t; k++) {
                    w[k] = ring.roundedResidue(o.v[k], i);
                    ws[k] = shoup ? m.shoup(w[k]) : 0;
                }
                o.w[i] = w;
                o.ws[i] = ws;
            }
        });
        int blocks = n / block;
        eval.par.forEach(limbs * blocks, u -> {
            int i = u / blocks;
            int k0 = (u % blocks) * block;
            long[] sum = new long[block];
            Modulus m = ring.modulus(i);
            long q = m.value();
            boolean simd = ConstProductsSimd.applies(q, block);
            // terms are below 2q (scalar Shoup products) or 3q (vector lanes); sums must stay below 2^64
            int cap = (int) Math.min(Integer.MAX_VALUE, Long.divideUnsigned(-1L, (simd ? 3 : 2) * q) - 1);
            for (Out o : list) {
                if (i <= o.ct.level()) {
                    tile(o, i, k0, block, sum, m, q, cap, simd, src[i]);
                }
            }
        });
        outs.clear();
        byOutput.clear();
        operands.clear();
        terms = 0;
    }

    /** One output's sum over coefficients {@code [k0, k0 + len)} of limb {@code i}, every polynomial. */
    private static void tile(Out o, int i, int k0, int len, long[] sum, Modulus m, long q, int cap, boolean simd,
                             long[][][] src) {
        long[] w = o.w[i];
        long[] ws = o.ws[i];
        int[] idx = o.idx;
        int t = idx.length;
        for (int p = 0; p < o.ct.size(); p++) {
            long[] dst = o.ct.poly(p).limb(i);
            long[][] in = src[p];
            int from;
            int count; // terms (or the start content) summed in sum[], each below 2q (3q on the vector path)
            if (o.fromContent) {
                System.arraycopy(dst, k0, sum, 0, len);
                from = 0;
                count = 1;
            } else {
                long[] a = in[idx[0]];
                long c = w[0];
                long cs = ws[0];
                if (simd) {
                    ConstProductsSimd.first(a, k0, len, c, q, sum);
                } else {
                    for (int j = 0; j < len; j++) {
                        sum[j] = m.mulShoupLazy(a[k0 + j], c, cs);
                    }
                }
                from = 1;
                count = 1;
            }
            for (int s = from; s < t; s++) {
                if (count >= cap) {
                    for (int j = 0; j < len; j++) {
                        sum[j] = m.reduce(sum[j]);
                    }
                    count = 1;
                }
                long[] a = in[idx[s]];
                long c = w[s];
                long cs = ws[s];
                if (simd) {
                    ConstProductsSimd.accumulate(a, k0, len, c, q, sum);
                    count++;
                    continue;
                }
                for (int j = 0; j < len; j++) {
                    long x = a[k0 + j];
                    sum[j] += x * c - Math.unsignedMultiplyHigh(x, cs) * q;
                }
                count++;
            }
            for (int j = 0; j < len; j++) {
                dst[k0 + j] = m.reduce(sum[j]);
            }
        }
    }
}
