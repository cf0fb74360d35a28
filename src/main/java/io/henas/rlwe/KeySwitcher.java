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
        par.forEach(targets, t -> {
            int mi = t == l + 1 ? pIndex : t;
            long[] b = t == l + 1 ? take(pool) : outB.limb(t);
            long[] a = t == l + 1 ? take(pool) : outA.limb(t);
            innerProduct(d, t, mi, key, perm, b, a);
            accB[t] = b;
            accA[t] = a;
        });
        modDown(accB, l, par, pool);
        modDown(accA, l, par, pool);
        if (pool != null) {
            pool.give(accB[l + 1]);
            pool.give(accA[l + 1]);
        }
        outB.setNtt(true);
        outA.setNtt(true);
    }

    /** Decompose and apply in one call (no automorphism). */
    public void switchKey(RnsPoly c, KeySwitchKey key, RnsPoly outB, RnsPoly outA, Parallel par) {
        apply(decompose(c, par), key, null, outB, outA, par);
    }

    private void innerProduct(Decomposition d, int t, int mi, KeySwitchKey key, int[] perm, long[] outB,
                              long[] outA) {
        final Modulus m = ring.modulus(mi);
        final int digits = d.level + 1;
        final long[][] xs = new long[digits][];
        final long[][] kbs = new long[digits][];
        final long[][] kas = new long[digits][];
        for (int j = 0; j < digits; j++) {
            xs[j] = d.digits[j][t];
            kbs[j] = key.b(j).limb(mi);
            kas[j] = key.a(j).limb(mi);
        }
        for (int k = 0; k < n; k++) {
            final int src = perm == null ? k : perm[k];
            long hb = 0;
            long lb = 0;
            long ha = 0;
            long la = 0;
            for (int j = 0; j < digits; j++) {
                long v = xs[j][src];
                long pb = kbs[j][k];
                long pa = kas[j][k];
                long plo = v * pb;
                long s = lb + plo;
                hb += Math.unsignedMultiplyHigh(v, pb) + (Long.compareUnsigned(s, plo) < 0 ? 1 : 0);
                lb = s;
                plo = v * pa;
                s = la + plo;
                ha += Math.unsignedMultiplyHigh(v, pa) + (Long.compareUnsigned(s, plo) < 0 ? 1 : 0);
                la = s;
            }
            outB[k] = m.reduceWide(hb, lb);
            outA[k] = m.reduceWide(ha, la);
        }
    }

    /**
     * In place: {@code acc[0..l]} (mod q_i, NTT) and {@code acc[l+1]} (mod P, NTT) become
     * {@code round(acc / P)} in {@code acc[0..l]}.
     */
    private void modDown(long[][] acc, int l, Parallel par, ScratchPool pool) {
        final long[] last = acc[l + 1];
        final Modulus pm = ring.modulus(params.pIndex());
        ring.ntt(params.pIndex()).inverse(last);
        final long half = pm.value() >>> 1;
        par.forEach(l + 1, i -> {
            Modulus qi = ring.modulus(i);
            long q = qi.value();
            long pMod = params.pModQ(i);
            long[] t = take(pool);
            boolean small = pm.value() < q;
            for (int k = 0; k < n; k++) {
                long x = last[k];
                long r = small ? x : qi.reduce(x);
                if (x > half) {
                    r -= pMod;
                    if (r < 0) {
                        r += q;
                    }
                }
                t[k] = r;
            }
            NttTables tab = ring.ntt(i);
            tab.forward(t);
            long inv = params.pInv(i);
            long invS = params.pInvShoup(i);
            long[] a = acc[i];
            for (int k = 0; k < n; k++) {
                long v = a[k] - t[k] + q;
                long r = v * inv - Math.unsignedMultiplyHigh(v, invS) * q;
                a[k] = r >= q ? r - q : r;
            }
            if (pool != null) {
                pool.give(t);
            }
        });
    }
}
