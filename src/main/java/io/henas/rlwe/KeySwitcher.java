package io.henas.rlwe;

import io.henas.ring.BasisExtension;
import io.henas.ring.Modulus;
import io.henas.ring.Parallel;
import io.henas.ring.Ring;
import io.henas.ring.RnsPoly;
import io.henas.ring.ScratchPool;

/**
 * Hybrid key switching (Han-Ki; as in Lattigo and OpenFHE), with SEAL's per-prime scheme as the case
 * {@code k = 1, alpha = 1}: {@link #decompose} splits a polynomial at level {@code l} into
 * {@code dnum = ceil((l + 1) / alpha)} digits (its residues modulo runs of {@code alpha} data primes), extends each to
 * the other primes of {@code q_0..q_l} and to the special primes {@code p_0..p_{k-1}} (in NTT form) by a centred basis
 * conversion: each digit is lifted to its representative in {@code (-D_j/2, D_j/2]}, so the digits have zero mean (a
 * {@code [0, D_j)} lift has mean {@code D_j/2}, whose constant part the canonical embedding amplifies in some slots,
 * and four times the variance); {@link #apply} takes the inner product with a {@link KeySwitchKey} (optionally
 * through a Galois permutation of the digits, for hoisted rotations) and divides by {@code P} with rounding (ModDown:
 * the special primes' part, centered, is converted to each {@code q_i}, subtracted, and multiplied by
 * {@code P^{-1}}). {@link #switchKey} fuses both. Work is split over limbs (and digit groups) on a {@link Parallel} pool with pooled work arrays. Immutable;
 * safe to share between threads.
 */
public final class KeySwitcher {
    private final RlweParameters params;
    private final Ring ring;
    private final int n;
    private final int alpha;
    private final int k;
    private final int pIndex;
    private final KeySwitchTables tables;
    /** Coefficients per block of the blocked inner product of {@link #switchKey}, or 0 for the unblocked one. */
    private final int block;

    /** @param params the parameters */
    public KeySwitcher(RlweParameters params) {
        this(params, defaultBlock(params.n()));
    }

    private KeySwitcher(RlweParameters params, int block) {
        if (block < 0) {
            throw new IllegalArgumentException("block must be >= 0, but was " + block);
        }
        this.block = block;
        this.params = params;
        this.ring = params.ring();
        this.n = params.n();
        this.alpha = params.digitSize();
        this.k = params.specialPrimeCount();
        this.pIndex = params.pIndex();
        this.tables = params.keySwitchTables();
    }

    /**
     * The block size {@link #switchKey} uses at ring degree {@code n}: 0 (unblocked) below {@link #BLOCKED_MIN_N}.
     * Chosen with the KeySwitchTiming comparison (SEAL-shape chains, k = 1, alpha = 1, top level, one JVM
     * alternating, 1 and 2 threads, with and without a permutation, on a 2-core machine loaded by other jobs,
     * 2026-12-06): at n = 2^15 (33 digits) blocks of 4096 took 0.89-1.01 (median 0.93) of the unblocked time over four
     * runs; 8192 was alike, 2048 0.92-1.02, 1024 0.98-1.02. At n = 2^14 (17 digits; 512 KB of accumulators still fit
     * the 1.25 MB L2) blocks of 4096 took 1.01-1.07, so smaller rings stay unblocked.
     */
    static int defaultBlock(int n) {
        return n >= BLOCKED_MIN_N ? DEFAULT_BLOCK : 0;
    }

    static final int BLOCKED_MIN_N = 1 << 15;
    static final int DEFAULT_BLOCK = 4096;

    /**
     * A switcher for the same parameters whose {@link #switchKey} uses blocks of {@code block} coefficients (0: the
     * unblocked inner product), whatever the ring degree; for comparisons. Results are identical.
     */
    public KeySwitcher withBlock(int block) {
        return new KeySwitcher(params, block);
    }

    /** The block size of {@link #switchKey}'s inner product (0: unblocked). */
    public int block() {
        return block;
    }

    /** Ring index of target {@code t} of a switch at level {@code l} (targets: q_0..q_l, then the special primes). */
    private int ringIndex(int t, int l) {
        return t <= l ? t : pIndex + (t - l - 1);
    }

    /** Limb of {@code key} for target {@code t} at level {@code l}. */
    private static int keyLimb(int t, int l, KeySwitchKey key) {
        return t <= l ? t : key.level() + 1 + (t - l - 1);
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
        final int l = checkLevel(c.level());
        final int dnum = params.digitCount(l);
        final int targets = l + 1 + k;
        final long[][][] d = new long[dnum][targets][];
        final long[][] coeff = prepared(c, l, par, pool);
        final long[][][] src = groups(coeff, l, dnum);
        final long[][] over = digitOverflows(src, l, dnum, par, pool);
        par.forEach(dnum * targets, idx -> {
            int j = idx / targets;
            int t = idx % targets;
            long[] x = take(pool);
            if (t <= l && t / alpha == j) {
                System.arraycopy(c.limb(t), 0, x, 0, n);
            } else {
                int mi = ringIndex(t, l);
                tables.digit(j, l).extendCentered(src[j], over[j], mi, x, 0, n);
                ring.ntt(mi).forward(x);
            }
            d[j][t] = x;
        });
        give(pool, coeff);
        give(pool, over);
        return new Decomposition(l, d);
    }

    private int checkLevel(int l) {
        if (l > params.maxLevel()) {
            throw new IllegalArgumentException("key switching input level must be at most " + params.maxLevel()
                    + ", but was " + l);
        }
        return l;
    }

    /** Coefficient form of each limb of {@code c}, multiplied by its digit's {@code (Q_j/q_i)^{-1}}. */
    private long[][] prepared(RnsPoly c, int l, Parallel par, ScratchPool pool) {
        final long[][] coeff = new long[l + 1][];
        par.forEach(l + 1, i -> {
            long[] x = take(pool);
            System.arraycopy(c.limb(i), 0, x, 0, n);
            ring.ntt(i).inverse(x);
            tables.digit(i / alpha, l).prepare(i, x, x);
            coeff[i] = x;
        });
        return coeff;
    }

    /**
     * The overflow counts ({@link BasisExtension#overflow}) of each digit of several primes, for the centred lift;
     * null entries for one-prime digits (centred by a comparison).
     */
    private long[][] digitOverflows(long[][][] src, int l, int dnum, Parallel par, ScratchPool pool) {
        final long[][] over = new long[dnum][];
        if (alpha == 1) {
            return over;
        }
        par.forEach(dnum, j -> {
            if (src[j].length > 1) {
                over[j] = take(pool);
                tables.digit(j, l).overflow(src[j], over[j], 0, n);
            }
        });
        return over;
    }

    /** The prepared limbs of each digit. */
    private long[][][] groups(long[][] coeff, int l, int dnum) {
        long[][][] src = new long[dnum][][];
        for (int j = 0; j < dnum; j++) {
            src[j] = java.util.Arrays.copyOfRange(coeff, j * alpha, Math.min((j + 1) * alpha, l + 1));
        }
        return src;
    }

    /** Gives {@code arrays} (null entries skipped) back to {@code pool}, if any. */
    private static void give(ScratchPool pool, long[][] arrays) {
        if (pool != null) {
            for (long[] x : arrays) {
                if (x != null) {
                    pool.give(x);
                }
            }
        }
    }

    private long[] take(ScratchPool pool) {
        return pool == null ? new long[n] : pool.take();
    }

    /**
     * Computes {@code (outB, outA) = round(sum_j perm(digit_j) * key_j / P)} at the decomposition's level: for a key
     * from {@code s'} to {@code s}, {@code outB + outA*s = perm(c)*s' + small error}. {@code perm} (from
     * {@link io.henas.ring.Automorphism#nttPermutation}) applies a Galois automorphism to the digits first, or is
     * null for none. The outputs must have {@code l + 1} limbs; they are overwritten and set to NTT form.
     *
     * @throws IllegalArgumentException if the key's level is below the decomposition's
     */
    public void apply(Decomposition d, KeySwitchKey key, int[] perm, RnsPoly outB, RnsPoly outA, Parallel par) {
        apply(d, key, perm, outB, outA, par, null);
    }

    /** As {@link #apply(Decomposition, KeySwitchKey, int[], RnsPoly, RnsPoly, Parallel)} with pooled work arrays. */
    public void apply(Decomposition d, KeySwitchKey key, int[] perm, RnsPoly outB, RnsPoly outA, Parallel par,
                      ScratchPool pool) {
        final int l = d.level;
        checkKey(key, l, outB, outA);
        final int targets = l + 1 + k;
        final long[][] accB = new long[targets][];
        final long[][] accA = new long[targets][];
        for (int t = 0; t <= l; t++) {
            accB[t] = outB.limb(t);
            accA[t] = outA.limb(t);
        }
        for (int t = l + 1; t < targets; t++) {
            accB[t] = take(pool);
            accA[t] = take(pool);
        }
        // inner products: one work item per (target prime, coefficient slice) so threads stay balanced
        final int slices = par.threads();
        par.forEach(targets * slices, idx -> {
            int t = idx / slices;
            int slice = idx % slices;
            innerProduct(d, t, ringIndex(t, l), keyLimb(t, l, key), key, perm, accB[t], accA[t],
                    n * slice / slices, n * (slice + 1) / slices, pool);
        });
        modDown(accB, accA, l, true, par, pool);
        for (int t = l + 1; t < targets; t++) {
            give(pool, new long[][]{accB[t], accA[t]});
        }
        outB.setNtt(true);
        outA.setNtt(true);
    }

    private void checkKey(KeySwitchKey key, int l, RnsPoly outB, RnsPoly outA) {
        if (!key.params().equals(params)) {
            throw new IllegalArgumentException("parameter mismatch: switcher=" + params.id() + ", key="
                    + key.params().id());
        }
        if (key.level() < l) {
            throw new IllegalArgumentException("key switching at level " + l + " needs a key of level >= " + l
                    + ", but the key only reaches level " + key.level());
        }
        if (outB.limbCount() != l + 1 || outA.limbCount() != l + 1) {
            throw new IllegalArgumentException("outputs must have " + (l + 1) + " limbs, but had " + outB.limbCount()
                    + " and " + outA.limbCount());
        }
    }

    /** Decompose and apply in one call (no automorphism). */
    public void switchKey(RnsPoly c, KeySwitchKey key, RnsPoly outB, RnsPoly outA, Parallel par) {
        switchKey(c, key, null, outB, outA, par, null);
    }

    /**
     * One key switch of {@code perm(c)} (perm may be null) without materializing the decomposition: for each target
     * prime, each digit is extended, transformed and multiplied into 128-bit accumulators while it is still in cache
     * (SEAL's loop order). For large rings ({@link #block} > 0) the 1 MB of 128-bit accumulators per target at
     * n = 2^15 would be streamed once per pair of digits, so instead all digits of a target are transformed first and
     * then multiplied in blocks of coefficients whose accumulators stay in L1/L2 (unless the digits are split into
     * groups for thread balance, which then takes the unblocked path). Same result as
     * {@code apply(decompose(c), key, perm, ...)}, less memory traffic.
     * {@code outB} or {@code outA} may be {@code c} itself: {@code c} is read completely before any output is written.
     *
     * @throws IllegalArgumentException if the key's level is below {@code c}'s
     */
    public void switchKey(RnsPoly c, KeySwitchKey key, int[] perm, RnsPoly outB, RnsPoly outA, Parallel par,
                          ScratchPool pool) {
        if (!c.isNtt()) {
            throw new IllegalArgumentException("key switching input must be in NTT form");
        }
        final int l = checkLevel(c.level());
        checkKey(key, l, outB, outA);
        final int dnum = params.digitCount(l);
        final int targets = l + 1 + k;
        final long[][] coeff = prepared(c, l, par, pool);
        final long[][][] src = groups(coeff, l, dnum);
        final long[][] over = digitOverflows(src, l, dnum, par, pool);
        final long[][] accB = new long[targets][];
        final long[][] accA = new long[targets][];
        for (int t = 0; t <= l; t++) {
            accB[t] = outB.limb(t);
            accA[t] = outA.limb(t);
        }
        for (int t = l + 1; t < targets; t++) {
            accB[t] = take(pool);
            accA[t] = take(pool);
        }
        // work items (target, digit group). With T > 1 threads and few targets, the digits of each target are split
        // into T groups with their own 128-bit accumulators so that the items balance; the groups are summed while
        // reducing, inside the mod-down items below (no extra pass, no extra barrier).
        final int threads = par.threads();
        final int groups = threads == 1 || targets >= 4 * threads || targets % threads == 0
                ? 1 : Math.min(threads, dnum);
        // blocked (large rings): one item per target, each holding its dnum digits in pooled arrays
        if (groups == 1 && block > 0) {
            par.forEach(targets, t -> blockedTarget(c, src, over, key, perm, t, l, dnum, accB[t], accA[t], pool));
            give(pool, coeff);
            give(pool, over);
            modDown(accB, accA, l, true, par, pool);
            for (int t = l + 1; t < targets; t++) {
                give(pool, new long[][]{accB[t], accA[t]});
            }
            outB.setNtt(true);
            outA.setNtt(true);
            return;
        }
        final long[][][] accs = new long[targets * groups][][];
        par.forEach(targets * groups, idx -> {
            int t = idx / groups;
            int g = idx % groups;
            int jFrom = dnum * g / groups;
            int jTo = dnum * (g + 1) / groups;
            int mi = ringIndex(t, l);
            int kl = keyLimb(t, l, key);
            long[] hb = take(pool);
            long[] lb = take(pool);
            long[] ha = take(pool);
            long[] la = take(pool);
            long[] tmp = take(pool);
            long[] tmp2 = take(pool);
            for (int j = jFrom; j < jTo; j += 2) {
                long[] x = digitNtt(c, src, over, j, t, l, mi, tmp);
                if (j + 1 < jTo) {
                    long[] y = digitNtt(c, src, over, j + 1, t, l, mi, tmp2);
                    WideMac.accumulate2(x, y, perm, key.b(j).limb(kl), key.a(j).limb(kl), key.b(j + 1).limb(kl),
                            key.a(j + 1).limb(kl), hb, lb, ha, la, j == jFrom, 0, n);
                } else {
                    WideMac.accumulate(x, perm, key.b(j).limb(kl), key.a(j).limb(kl), hb, lb, ha, la, j == jFrom, 0, n);
                }
            }
            if (pool != null) {
                pool.give(tmp2);
                pool.give(tmp);
            }
            accs[idx] = new long[][]{hb, lb, ha, la};
        });
        give(pool, coeff);
        give(pool, over);
        // the special primes' accumulators, reduced and back in coefficient form (one item per prime and output)
        par.forEach(2 * k, idx -> {
            int w = idx / k;
            int j = idx % k;
            long[] last = (w == 0 ? accB : accA)[l + 1 + j];
            reduceGroups(accs, (l + 1 + j) * groups, groups, w, ring.modulus(pIndex + j), last);
            ring.ntt(pIndex + j).inverse(last);
            if (k > 1) {
                tables.special().prepare(pIndex + j, last, last);
            }
        });
        final long[][] v = overflows(accB, accA, l, par, pool);
        // per (prime, output polynomial): reduce the accumulators into the output limb, then divide by P
        par.forEach(2 * (l + 1), idx -> {
            int i = idx >> 1;
            int w = idx & 1;
            long[][] acc = w == 0 ? accB : accA;
            reduceGroups(accs, i * groups, groups, w, ring.modulus(i), acc[i]);
            modDownLimb(acc, v == null ? null : v[w], l, i, pool);
        });
        if (pool != null) {
            for (long[][] a : accs) {
                give(pool, a);
            }
            for (int t = l + 1; t < targets; t++) {
                pool.give(accB[t]);
                pool.give(accA[t]);
            }
            if (v != null) {
                give(pool, v);
            }
        }
        outB.setNtt(true);
        outA.setNtt(true);
    }

    /**
     * The blocked inner product for target {@code t} (see {@link WideMac#blockedInnerProduct}): every digit modulo
     * {@code t} in NTT form (permuted) in a pooled array first (the digit of t's own limb is c's limb without a
     * permutation), then one pass over coefficient blocks, reduced straight into {@code outB} and {@code outA}.
     */
    private void blockedTarget(RnsPoly c, long[][][] src, long[][] over, KeySwitchKey key, int[] perm, int t, int l, int dnum,
                               long[] outB, long[] outA, ScratchPool pool) {
        final int mi = ringIndex(t, l);
        final int kl = keyLimb(t, l, key);
        final long[][] x = new long[dnum][];
        final long[][] kb = new long[dnum][];
        final long[][] ka = new long[dnum][];
        final long[] tmp = perm == null ? null : take(pool);
        int borrowed = -1;
        for (int j = 0; j < dnum; j++) {
            kb[j] = key.b(j).limb(kl);
            ka[j] = key.a(j).limb(kl);
            boolean own = t <= l && t / alpha == j;
            if (own && perm == null) {
                x[j] = c.limb(t);
                borrowed = j;
                continue;
            }
            long[] buf = take(pool);
            if (perm == null) {
                x[j] = digitNtt(c, src, over, j, t, l, mi, buf);
            } else {
                WideMac.gather(digitNtt(c, src, over, j, t, l, mi, tmp), perm, buf, 0, n);
                x[j] = buf;
            }
        }
        long[] acc = 4 * block <= n ? take(pool) : new long[4 * block];
        WideMac.blockedInnerProduct(x, kb, ka, ring.modulus(mi), outB, outA, acc, block, n);
        if (pool != null) {
            pool.give(acc);
            pool.give(tmp);
            for (int j = 0; j < dnum; j++) {
                if (j != borrowed) {
                    pool.give(x[j]);
                }
            }
        }
    }

    /**
     * With several special primes: the overflow counts ({@link BasisExtension#overflow}) of both outputs' prepared
     * special limbs {@code acc[l+1..l+k]}; null with one special prime (the centering is then a comparison).
     */
    private long[][] overflows(long[][] accB, long[][] accA, int l, Parallel par, ScratchPool pool) {
        if (k == 1) {
            return null;
        }
        long[][] v = {take(pool), take(pool)};
        par.forEach(2, w -> tables.special().overflow(
                java.util.Arrays.copyOfRange(w == 0 ? accB : accA, l + 1, l + 1 + k), v[w], 0, n));
        return v;
    }

    /**
     * {@code out = (sum over groups g of the 128-bit accumulator pair w of accs[base + g]) mod m}; with several
     * groups the sum is accumulated into group 0's arrays.
     */
    private void reduceGroups(long[][][] accs, int base, int groups, int w, Modulus m, long[] out) {
        long[] hi = accs[base][2 * w];
        long[] lo = accs[base][2 * w + 1];
        for (int g = 1; g < groups; g++) {
            WideMac.add128(hi, lo, accs[base + g][2 * w], accs[base + g][2 * w + 1], n);
        }
        for (int k = 0; k < n; k++) {
            out[k] = m.reduceWide(hi[k], lo[k]);
        }
    }

    /**
     * Digit j modulo target t (ring prime mi) in NTT form: c's own limb if t is one of the digit's primes, else the
     * centred basis extension into tmp (overflow counts {@code over[j]}), transformed.
     */
    private long[] digitNtt(RnsPoly c, long[][][] src, long[][] over, int j, int t, int l, int mi, long[] tmp) {
        if (t <= l && t / alpha == j) {
            return c.limb(t);
        }
        tables.digit(j, l).extendCentered(src[j], over[j], mi, tmp, 0, n);
        ring.ntt(mi).forward(tmp);
        return tmp;
    }

    private void innerProduct(Decomposition d, int t, int mi, int kl, KeySwitchKey key, int[] perm, long[] outB,
                              long[] outA, int from, int to, ScratchPool pool) {
        final Modulus m = ring.modulus(mi);
        final int dnum = d.digits.length;
        long[] hb = take(pool);
        long[] lb = take(pool);
        long[] ha = take(pool);
        long[] la = take(pool);
        // with an automorphism, each digit is first gathered into a sequential buffer: the digits of a hoisted
        // decomposition are not in cache, and gathering inside the multiply-accumulate loop stalls on them
        long[] gx = perm == null ? null : take(pool);
        long[] gy = perm == null ? null : take(pool);
        int j = 0;
        for (; j + 1 < dnum; j += 2) {
            long[] x = d.digits[j][t];
            long[] y = d.digits[j + 1][t];
            if (perm != null) {
                WideMac.gather(x, perm, gx, from, to);
                WideMac.gather(y, perm, gy, from, to);
                x = gx;
                y = gy;
            }
            WideMac.accumulate2(x, y, null, key.b(j).limb(kl), key.a(j).limb(kl),
                    key.b(j + 1).limb(kl), key.a(j + 1).limb(kl), hb, lb, ha, la, j == 0, from, to);
        }
        if (j == dnum - 1) {
            long[] x = d.digits[j][t];
            if (perm != null) {
                WideMac.gather(x, perm, gx, from, to);
                x = gx;
            }
            WideMac.accumulate(x, null, key.b(j).limb(kl), key.a(j).limb(kl), hb, lb, ha, la, j == 0, from, to);
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
     * In place: {@code acc[0..l]} (mod q_i, NTT) and {@code acc[l+1..l+k]} (mod p_j; NTT form if {@code pNtt}, else
     * coefficients) become {@code round(acc / P)} in {@code acc[0..l]}, for both outputs. The special limbs are
     * overwritten.
     */
    void modDown(long[][] accB, long[][] accA, int l, boolean pNtt, Parallel par, ScratchPool pool) {
        par.forEach(2 * k, idx -> {
            long[] last = (idx / k == 0 ? accB : accA)[l + 1 + idx % k];
            if (pNtt) {
                ring.ntt(pIndex + idx % k).inverse(last);
            }
            if (k > 1) {
                tables.special().prepare(pIndex + idx % k, last, last);
            }
        });
        long[][] v = overflows(accB, accA, l, par, pool);
        par.forEach(2 * (l + 1), idx -> modDownLimb((idx & 1) == 0 ? accB : accA, v == null ? null : v[idx & 1], l,
                idx >> 1, pool));
        if (v != null) {
            give(pool, v);
        }
    }

    /**
     * Limb i of the mod-down: {@code acc[i] = (acc[i] - NTT_i([acc mod P]_centered mod q_i)) / P mod q_i}, where
     * {@code acc[l+1..l+k]} are the special primes' residues in coefficient form (prepared, with overflow counts
     * {@code v}, when {@code k > 1}).
     */
    private void modDownLimb(long[][] acc, long[] v, int l, int i, ScratchPool pool) {
        Modulus qi = ring.modulus(i);
        long q = qi.value();
        long[] t = take(pool);
        if (k == 1) {
            final Modulus pm = ring.modulus(pIndex);
            final long half = pm.value() >>> 1;
            long[] last = acc[l + 1];
            long pMod = params.pModQ(i);
            boolean sm = pm.value() < q;
            for (int c = 0; c < n; c++) {
                long x = last[c];
                long r = sm ? x : qi.reduce(x);
                t[c] = Modulus.cadd(r - (pMod & ((half - x) >> 63)), q); // minus P mod q_i if x > P/2
            }
        } else {
            tables.special().extendCentered(java.util.Arrays.copyOfRange(acc, l + 1, l + 1 + k), v, i, t, 0, n);
        }
        ring.ntt(i).forward(t);
        long inv = params.pInv(i);
        long invS = params.pInvShoup(i);
        long[] a = acc[i];
        for (int c = 0; c < n; c++) {
            long x = a[c] - t[c] + q;
            long r = x * inv - Math.unsignedMultiplyHigh(x, invS) * q;
            a[c] = Modulus.csub(r, q);
        }
        if (pool != null) {
            pool.give(t);
        }
    }
}
