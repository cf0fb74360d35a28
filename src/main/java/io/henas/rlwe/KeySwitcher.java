package io.henas.rlwe;

import io.henas.ring.Modulus;
import io.henas.ring.NttTables;
import io.henas.ring.Parallel;
import io.henas.ring.Ring;
import io.henas.ring.RnsPoly;
import io.henas.ring.ScratchPool;

/**
 * Key switching with per-prime digits and one special prime (SEAL's scheme): {@link #decompose} splits a polynomial
 * into its RNS digits (each NTT-transformed modulo {@code q_0..q_l, P}), {@link #apply} takes the inner product with
 * a {@link KeySwitchKey} (optionally through a Galois permutation of the digits, for hoisted rotations) and divides
 * by {@code P} with rounding. Immutable; safe to share between threads.
 */
public final class KeySwitcher {
    private final RlweParameters params;
    private final Ring ring;
    private final int n;

    /** @param params the parameters */
    public KeySwitcher(RlweParameters params) {
        this.params = params;
        this.ring = params.ring();
        this.n = params.n();
    }

    /**
     * Decomposes {@code c} (NTT form, {@code l + 1} limbs) into digits.
     */
    public Decomposition decompose(RnsPoly c, Parallel par) {
        return decompose(c, par, null);
    }

    /**
     * Decomposes {@code c} taking work arrays from {@code pool} (may be null); give them back with
     * {@link Decomposition#release}.
     */
    public Decomposition decompose(RnsPoly c, Parallel par, ScratchPool pool) {
        if (!c.isNtt()) {
            throw new IllegalArgumentException("key switching input must be in NTT form");
        }
        final int l = c.level();
        final int targets = l + 2;
        final long[][][] d = new long[l + 1][targets][];
        // coefficient form of each limb
        final long[][] coeff = new long[l + 1][];
        par.forEach(l + 1, j -> {
            long[] x = take(pool);
            System.arraycopy(c.limb(j), 0, x, 0, n);
            ring.ntt(j).inverse(x);
            coeff[j] = x;
        });
        final int pIndex = params.pIndex();
        par.forEach((l + 1) * targets, idx -> {
            int j = idx / targets;
            int t = idx % targets;
            if (t == j) {
                long[] x = take(pool);
                System.arraycopy(c.limb(j), 0, x, 0, n);
                d[j][t] = x;
                return;
            }
            int mi = t == l + 1 ? pIndex : t;
            Modulus m = ring.modulus(mi);
            long[] src = coeff[j];
            long[] x = take(pool);
            if (params.q(j) < m.value()) {
                System.arraycopy(src, 0, x, 0, n);
            } else {
                for (int k = 0; k < n; k++) {
                    x[k] = m.reduce(src[k]);
                }
            }
            ring.ntt(mi).forward(x);
            d[j][t] = x;
        });
        if (pool != null) {
            for (long[] x : coeff) {
                pool.give(x);
            }
        }
        return new Decomposition(l, d);
    }

    private long[] take(ScratchPool pool) {
        return pool == null ? new long[n] : pool.take();
    }

    /**
     * Computes {@code (outB, outA) = round(sum_j perm(digit_j) * key_j / P)} at the decomposition's level: for a key
     * from {@code s'} to {@code s}, {@code outB + outA*s = perm(c)*s' + small error}. {@code perm} (from
     * {@link io.henas.ring.Automorphism#nttPermutation}) applies a Galois automorphism to the digits first, or is
     * null for none. The outputs must have {@code l + 1} limbs; they are overwritten and set to NTT form.
     */
    public void apply(Decomposition d, KeySwitchKey key, int[] perm, RnsPoly outB, RnsPoly outA, Parallel par) {
        apply(d, key, perm, outB, outA, par, null);
    }

    /** As {@link #apply(Decomposition, KeySwitchKey, int[], RnsPoly, RnsPoly, Parallel)} with pooled work arrays. */
    public void apply(Decomposition d, KeySwitchKey key, int[] perm, RnsPoly outB, RnsPoly outA, Parallel par,
                      ScratchPool pool) {
        if (!key.params().equals(params)) {
            throw new IllegalArgumentException("parameter mismatch: switcher=" + params.id() + ", key="
                    + key.params().id());
        }
        final int l = d.level;
        if (outB.limbCount() != l + 1 || outA.limbCount() != l + 1) {
            throw new IllegalArgumentException("outputs must have " + (l + 1) + " limbs, but had " + outB.limbCount()
                    + " and " + outA.limbCount());
        }
        final int targets = l + 2;
        final long[][] accB = new long[targets][];
        final long[][] accA = new long[targets][];
        final int pIndex = params.pIndex();
        for (int t = 0; t <= l; t++) {
            accB[t] = outB.limb(t);
            accA[t] = outA.limb(t);
        }
        accB[l + 1] = take(pool);
        accA[l + 1] = take(pool);
        // inner products: one work item per (target prime, coefficient slice) so threads stay balanced
        final int slices = par.threads();
        par.forEach(targets * slices, idx -> {
            int t = idx / slices;
            int slice = idx % slices;
            int mi = t == l + 1 ? pIndex : t;
            innerProduct(d, t, mi, key, perm, accB[t], accA[t], n * slice / slices, n * (slice + 1) / slices, pool);
        });
        modDown(accB, accA, l, par, pool);
        if (pool != null) {
            pool.give(accB[l + 1]);
            pool.give(accA[l + 1]);
        }
        outB.setNtt(true);
        outA.setNtt(true);
    }

    /** Decompose and apply in one call (no automorphism). */
    public void switchKey(RnsPoly c, KeySwitchKey key, RnsPoly outB, RnsPoly outA, Parallel par) {
        switchKey(c, key, null, outB, outA, par, null);
    }

    /**
     * One key switch of {@code perm(c)} (perm may be null) without materializing the decomposition: for each target
     * prime, each digit is reduced, transformed and multiplied into 128-bit accumulators while it is still in cache
     * (SEAL's loop order). Same result as {@code apply(decompose(c), key, perm, ...)}, less memory traffic.
     */
    public void switchKey(RnsPoly c, KeySwitchKey key, int[] perm, RnsPoly outB, RnsPoly outA, Parallel par,
                          ScratchPool pool) {
        if (!c.isNtt()) {
            throw new IllegalArgumentException("key switching input must be in NTT form");
        }
        if (!key.params().equals(params)) {
            throw new IllegalArgumentException("parameter mismatch: switcher=" + params.id() + ", key="
                    + key.params().id());
        }
        final int l = c.level();
        if (outB.limbCount() != l + 1 || outA.limbCount() != l + 1) {
            throw new IllegalArgumentException("outputs must have " + (l + 1) + " limbs, but had " + outB.limbCount()
                    + " and " + outA.limbCount());
        }
        final int targets = l + 2;
        final int pIndex = params.pIndex();
        final long[][] coeff = new long[l + 1][];
        par.forEach(l + 1, j -> {
            long[] x = take(pool);
            System.arraycopy(c.limb(j), 0, x, 0, n);
            ring.ntt(j).inverse(x);
            coeff[j] = x;
        });
        final long[][] accB = new long[targets][];
        final long[][] accA = new long[targets][];
        for (int t = 0; t <= l; t++) {
            accB[t] = outB.limb(t);
            accA[t] = outA.limb(t);
        }
        accB[l + 1] = take(pool);
        accA[l + 1] = take(pool);
        // work items (target, digit group). With T > 1 threads and few targets, the digits of each target are split
        // into T groups with their own 128-bit accumulators so that the items balance; the groups are summed while
        // reducing, inside the mod-down items below (no extra pass, no extra barrier).
        final int threads = par.threads();
        final int groups = threads == 1 || targets >= 4 * threads || targets % threads == 0
                ? 1 : Math.min(threads, l + 1);
        final long[][][] accs = new long[targets * groups][][];
        par.forEach(targets * groups, idx -> {
            int t = idx / groups;
            int g = idx % groups;
            int jFrom = (l + 1) * g / groups;
            int jTo = (l + 1) * (g + 1) / groups;
            int mi = t == l + 1 ? pIndex : t;
            Modulus m = ring.modulus(mi);
            long[] hb = take(pool);
            long[] lb = take(pool);
            long[] ha = take(pool);
            long[] la = take(pool);
            long[] tmp = take(pool);
            long[] tmp2 = take(pool);
            for (int j = jFrom; j < jTo; j += 2) {
                long[] x = digitNtt(c, coeff, j, t, mi, m, tmp);
                if (j + 1 < jTo) {
                    long[] y = digitNtt(c, coeff, j + 1, t, mi, m, tmp2);
                    accumulate2(x, y, perm, key.b(j).limb(mi), key.a(j).limb(mi), key.b(j + 1).limb(mi),
                            key.a(j + 1).limb(mi), hb, lb, ha, la, j == jFrom, 0, n);
                } else {
                    accumulate(x, perm, key.b(j).limb(mi), key.a(j).limb(mi), hb, lb, ha, la, j == jFrom, 0, n);
                }
            }
            if (pool != null) {
                pool.give(tmp2);
                pool.give(tmp);
            }
            accs[idx] = new long[][]{hb, lb, ha, la};
        });
        if (pool != null) {
            for (long[] x : coeff) {
                pool.give(x);
            }
        }
        // the special prime's accumulators, reduced and back in coefficient form (one item per output polynomial)
        final Modulus pm = ring.modulus(pIndex);
        final NttTables pt = ring.ntt(pIndex);
        par.forEach(2, w -> {
            long[] last = w == 0 ? accB[l + 1] : accA[l + 1];
            reduceGroups(accs, (l + 1) * groups, groups, w, pm, last);
            pt.inverse(last);
        });
        // per (prime, output polynomial): reduce the accumulators into the output limb, then divide by P
        par.forEach(2 * (l + 1), idx -> {
            int i = idx >> 1;
            int w = idx & 1;
            long[][] acc = w == 0 ? accB : accA;
            reduceGroups(accs, i * groups, groups, w, ring.modulus(i), acc[i]);
            modDownLimb(acc, l, i, pool);
        });
        if (pool != null) {
            for (long[][] a : accs) {
                for (long[] x : a) {
                    pool.give(x);
                }
            }
            pool.give(accB[l + 1]);
            pool.give(accA[l + 1]);
        }
        outB.setNtt(true);
        outA.setNtt(true);
    }

    /**
     * {@code out = (sum over groups g of the 128-bit accumulator pair w of accs[base + g]) mod m}; with several
     * groups the sum is accumulated into group 0's arrays.
     */
    private void reduceGroups(long[][][] accs, int base, int groups, int w, Modulus m, long[] out) {
        long[] hi = accs[base][2 * w];
        long[] lo = accs[base][2 * w + 1];
        for (int g = 1; g < groups; g++) {
            add128(hi, lo, accs[base + g][2 * w], accs[base + g][2 * w + 1]);
        }
        for (int k = 0; k < n; k++) {
            out[k] = m.reduceWide(hi[k], lo[k]);
        }
    }

    /** Digit j of c modulo target prime mi in NTT form: c's own limb if j == t, else reduced into tmp and transformed. */
    private long[] digitNtt(RnsPoly c, long[][] coeff, int j, int t, int mi, Modulus m, long[] tmp) {
        if (j == t) {
            return c.limb(j);
        }
        long[] src = coeff[j];
        if (params.q(j) < m.value()) {
            System.arraycopy(src, 0, tmp, 0, n);
        } else {
            for (int k = 0; k < n; k++) {
                tmp[k] = m.reduce(src[k]);
            }
        }
        ring.ntt(mi).forward(tmp);
        return tmp;
    }

    /** The carry (0 or 1) of the unsigned sum {@code s = a + b}, without a branch (random carries mispredict). */
    static long carry(long a, long b, long s) {
        return ((a & b) | ((a | b) & ~s)) >>> 63;
    }

    /** (hi, lo) += (oh, ol) as 128-bit unsigned values, element-wise. */
    private void add128(long[] hi, long[] lo, long[] oh, long[] ol) {
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
    private void accumulate2(long[] x1, long[] x2, int[] perm, long[] kb1, long[] ka1, long[] kb2, long[] ka2,
                             long[] hb, long[] lb, long[] ha, long[] la, boolean first, int from, int to) {
        for (int k = from; k < to; k++) {
            int src = perm == null ? k : perm[k];
            long v = x1[src];
            long w = x2[src];
            long p1 = kb1[k];
            long p2 = kb2[k];
            long lo1 = v * p1;
            long lo2 = w * p2;
            long bl = lo1 + lo2;
            long bh = Math.unsignedMultiplyHigh(v, p1) + Math.unsignedMultiplyHigh(w, p2)
                    + carry(lo1, lo2, bl);
            p1 = ka1[k];
            p2 = ka2[k];
            lo1 = v * p1;
            lo2 = w * p2;
            long al = lo1 + lo2;
            long ah = Math.unsignedMultiplyHigh(v, p1) + Math.unsignedMultiplyHigh(w, p2)
                    + carry(lo1, lo2, al);
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
    private void accumulate(long[] x, int[] perm, long[] kb, long[] ka, long[] hb, long[] lb, long[] ha, long[] la,
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
    private static void gather(long[] x, int[] perm, long[] out, int from, int to) {
        for (int k = from; k < to; k++) {
            out[k] = x[perm[k]];
        }
    }

    private void innerProduct(Decomposition d, int t, int mi, KeySwitchKey key, int[] perm, long[] outB,
                              long[] outA, int from, int to, ScratchPool pool) {
        final Modulus m = ring.modulus(mi);
        long[] hb = take(pool);
        long[] lb = take(pool);
        long[] ha = take(pool);
        long[] la = take(pool);
        // with an automorphism, each digit is first gathered into a sequential buffer: the digits of a hoisted
        // decomposition are not in cache, and gathering inside the multiply-accumulate loop stalls on them
        long[] gx = perm == null ? null : take(pool);
        long[] gy = perm == null ? null : take(pool);
        int j = 0;
        for (; j + 1 <= d.level; j += 2) {
            long[] x = d.digits[j][t];
            long[] y = d.digits[j + 1][t];
            if (perm != null) {
                gather(x, perm, gx, from, to);
                gather(y, perm, gy, from, to);
                x = gx;
                y = gy;
            }
            accumulate2(x, y, null, key.b(j).limb(mi), key.a(j).limb(mi),
                    key.b(j + 1).limb(mi), key.a(j + 1).limb(mi), hb, lb, ha, la, j == 0, from, to);
        }
        if (j == d.level) {
            long[] x = d.digits[j][t];
            if (perm != null) {
                gather(x, perm, gx, from, to);
                x = gx;
            }
            accumulate(x, null, key.b(j).limb(mi), key.a(j).limb(mi), hb, lb, ha, la, j == 0, from, to);
        }
        if (pool != null && perm != null) {
            pool.give(gx);
            pool.give(gy);
        }
        for (int k = from; k < to; k++) {
            outB[k] = m.reduceWide(hb[k], lb[k]);
            outA[k] = m.reduceWide(ha[k], la[k]);
        }
        if (pool != null) {
            pool.give(hb);
            pool.give(lb);
            pool.give(ha);
            pool.give(la);
        }
    }

    /**
     * In place: {@code acc[0..l]} (mod q_i, NTT) and {@code acc[l+1]} (mod P, NTT) become
     * {@code round(acc / P)} in {@code acc[0..l]}.
     */
    private void modDown(long[][] accB, long[][] accA, int l, Parallel par, ScratchPool pool) {
        final NttTables pt = ring.ntt(params.pIndex());
        par.forEach(2, w -> pt.inverse(w == 0 ? accB[l + 1] : accA[l + 1]));
        par.forEach(2 * (l + 1), idx -> modDownLimb((idx & 1) == 0 ? accB : accA, l, idx >> 1, pool));
    }

    /**
     * Limb i of the mod-down: {@code acc[i] = (acc[i] - NTT_i(acc[l+1] mod q_i, centered)) / P mod q_i}, where
     * {@code acc[l+1]} is the special prime's residue in coefficient form.
     */
    void modDownLimb(long[][] acc, int l, int i, ScratchPool pool) {
        final Modulus pm = ring.modulus(params.pIndex());
        final long half = pm.value() >>> 1;
        long[] last = acc[l + 1];
        Modulus qi = ring.modulus(i);
        long q = qi.value();
        long pMod = params.pModQ(i);
        long[] t = take(pool);
        boolean sm = pm.value() < q;
        for (int k = 0; k < n; k++) {
            long x = last[k];
            long r = sm ? x : qi.reduce(x);
            t[k] = Modulus.cadd(r - (pMod & ((half - x) >> 63)), q); // minus P mod q_i if x > P/2
        }
        ring.ntt(i).forward(t);
        long inv = params.pInv(i);
        long invS = params.pInvShoup(i);
        long[] a = acc[i];
        for (int k = 0; k < n; k++) {
            long v = a[k] - t[k] + q;
            long r = v * inv - Math.unsignedMultiplyHigh(v, invS) * q;
            a[k] = Modulus.csub(r, q);
        }
        if (pool != null) {
            pool.give(t);
        }
    }
}
