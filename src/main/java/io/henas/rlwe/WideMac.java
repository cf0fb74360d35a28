package io.henas.rlwe;

import io.henas.ring.Modulus;

/**
 * The 128-bit multiply-accumulate kernels of key switching: sums of products of residues (below 2^62) with key limbs,
 * kept exact as unsigned 128-bit (hi, lo) pairs and reduced once at the end, so the result does not depend on the
 * order of the terms. {@link #blockedInnerProduct} is the cache-blocked form used for large rings (see
 * {@link KeySwitcher}). Stateless.
 */
final class WideMac {
    private WideMac() {
    }

    /** The carry (0 or 1) of the unsigned sum {@code s = a + b}, without a branch (random carries mispredict). */
    static long carry(long a, long b, long s) {
        return ((a & b) | ((a | b) & ~s)) >>> 63;
    }

    /** (hi, lo) += (oh, ol) as 128-bit unsigned values, element-wise. */
    static void add128(long[] hi, long[] lo, long[] oh, long[] ol, int n) {
        for (int k = 0; k < n; k++) {
            long s = lo[k] + ol[k];
            hi[k] += oh[k] + carry(lo[k], ol[k], s);
            lo[k] = s;
        }
    }

    /**
     * Two digits at once: {@code acc += perm(x1) * k1 + perm(x2) * k2} (or {@code =} if first), halving the
     * accumulator traffic of {@link #accumulate}.
     */
    static void accumulate2(long[] x1, long[] x2, int[] perm, long[] kb1, long[] ka1, long[] kb2, long[] ka2,
                            long[] hb, long[] lb, long[] ha, long[] la, boolean first, int from, int to) {
        for (int k = from; k < to; k++) {
            int src = perm == null ? k : perm[k];
            long v = x1[src];
            long w = x2[src];
            long bl = v * kb1[k] + w * kb2[k];
            long bh = dotHigh(v, kb1[k], w, kb2[k]);
            long al = v * ka1[k] + w * ka2[k];
            long ah = dotHigh(v, ka1[k], w, ka2[k]);
            if (!first) {
                long s = lb[k] + bl;
                bh += hb[k] + carry(lb[k], bl, s);
                bl = s;
                s = la[k] + al;
                ah += ha[k] + carry(la[k], al, s);
                al = s;
            }
            lb[k] = bl;
            hb[k] = bh;
            la[k] = al;
            ha[k] = ah;
        }
    }

    /** 128-bit multiply-accumulate of {@code perm(x) * kb} and {@code perm(x) * ka} (first: overwrite). */
    static void accumulate(long[] x, int[] perm, long[] kb, long[] ka, long[] hb, long[] lb, long[] ha, long[] la,
                           boolean first, int from, int to) {
        for (int k = from; k < to; k++) {
            long v = perm == null ? x[k] : x[perm[k]];
            long pb = kb[k];
            long pa = ka[k];
            long blo = v * pb;
            long bhi = Math.unsignedMultiplyHigh(v, pb);
            long alo = v * pa;
            long ahi = Math.unsignedMultiplyHigh(v, pa);
            if (first) {
                lb[k] = blo;
                hb[k] = bhi;
                la[k] = alo;
                ha[k] = ahi;
            } else {
                long s = lb[k] + blo;
                hb[k] += bhi + carry(lb[k], blo, s);
                lb[k] = s;
                s = la[k] + alo;
                ha[k] += ahi + carry(la[k], alo, s);
                la[k] = s;
            }
        }
    }

    /** {@code out[k] = x[perm[k]]} for {@code k} in {@code [from, to)}. */
    static void gather(long[] x, int[] perm, long[] out, int from, int to) {
        for (int k = from; k < to; k++) {
            out[k] = x[perm[k]];
        }
    }

    /**
     * For each coefficient {@code c}: {@code outB[c] = sum_j x[j][c] * kb[j][c] mod m} and {@code outA[c]} likewise
     * with {@code ka}, in blocks of {@code block} coefficients whose 128-bit sums stay in {@code acc} (at least
     * {@code 4 * block} longs, interleaved hi/lo of B then of A per coefficient) in L1/L2 while every digit's block is
     * streamed through once, instead of streaming full-length accumulators once per pair of digits. The exact sums
     * are those of {@link #accumulate2}, so the result is bit-identical. {@code outB} may be one of the {@code x[j]}:
     * a block is read completely before it is written.
     */
    static void blockedInnerProduct(long[][] x, long[][] kb, long[][] ka, Modulus m, long[] outB, long[] outA,
                                    long[] acc, int block, int n) {
        final int dnum = x.length;
        for (int from = 0; from < n; from += block) {
            int to = Math.min(n, from + block);
            int j = 0;
            for (; j + 1 < dnum; j += 2) {
                blockMac2(x[j], x[j + 1], kb[j], ka[j], kb[j + 1], ka[j + 1], acc, j == 0, from, to);
            }
            if (j < dnum) {
                blockMac(x[j], kb[j], ka[j], acc, j == 0, from, to);
            }
            for (int c = from, a = 0; c < to; c++, a += 4) {
                outB[c] = m.reduceWide(acc[a], acc[a + 1]);
                outA[c] = m.reduceWide(acc[a + 2], acc[a + 3]);
            }
        }
    }

    /** {@link #accumulate2} without permutation into the interleaved block accumulator {@code acc}. */
    private static void blockMac2(long[] x1, long[] x2, long[] kb1, long[] ka1, long[] kb2, long[] ka2, long[] acc,
                                  boolean first, int from, int to) {
        for (int k = from, a = 0; k < to; k++, a += 4) {
            long v = x1[k];
            long w = x2[k];
            long bl = v * kb1[k] + w * kb2[k];
            long bh = dotHigh(v, kb1[k], w, kb2[k]);
            long al = v * ka1[k] + w * ka2[k];
            long ah = dotHigh(v, ka1[k], w, ka2[k]);
            store(acc, a, bh, bl, ah, al, first);
        }
    }

    /** {@link #accumulate} without permutation into the interleaved block accumulator {@code acc}. */
    private static void blockMac(long[] x, long[] kb, long[] ka, long[] acc, boolean first, int from, int to) {
        for (int k = from, a = 0; k < to; k++, a += 4) {
            long v = x[k];
            long pb = kb[k];
            long pa = ka[k];
            long bl = v * pb;
            long bh = Math.unsignedMultiplyHigh(v, pb);
            long al = v * pa;
            long ah = Math.unsignedMultiplyHigh(v, pa);
            store(acc, a, bh, bl, ah, al, first);
        }
    }

    /**
     * Entry {@code a} of an interleaved block accumulator ({@code hiB, loB, hiA, loA}) becomes the 128-bit products
     * {@code (bh, bl)} and {@code (ah, al)} if {@code first}, else is incremented by them.
     */
    private static void store(long[] acc, int a, long bh, long bl, long ah, long al, boolean first) {
        if (!first) {
            long s = acc[a + 1] + bl;
            bh += acc[a] + carry(acc[a + 1], bl, s);
            bl = s;
            s = acc[a + 3] + al;
            ah += acc[a + 2] + carry(acc[a + 3], al, s);
            al = s;
        }
        acc[a] = bh;
        acc[a + 1] = bl;
        acc[a + 2] = ah;
        acc[a + 3] = al;
    }

    /** High 64 bits of the 128-bit sum {@code v * p + w * q} (each product below 2^126, so the sum fits). */
    private static long dotHigh(long v, long p, long w, long q) {
        long lo1 = v * p;
        long lo2 = w * q;
        return Math.unsignedMultiplyHigh(v, p) + Math.unsignedMultiplyHigh(w, q) + carry(lo1, lo2, lo1 + lo2);
    }
}
