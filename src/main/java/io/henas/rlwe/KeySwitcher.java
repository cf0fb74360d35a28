package io.henas.rlwe;

import io.henas.ring.Modulus;
import io.henas.ring.NttTables;
import io.henas.ring.Parallel;
import io.henas.ring.Ring;
import io.henas.ring.RnsPoly;

/**
 * Key switching with per-prime digits and one special prime (SEAL's scheme): {@link #decompose} splits a polynomial
 * into its RNS digits (each NTT-transformed modulo {@code q_0..q_l, P}), {@link #apply} takes the inner product with
 * a {@link KeySwitchKey} (optionally through a Galois permutation of the digits, for hoisted rotations) and divides
 * by {@code P} with rounding. Immutable; safe to share between threads.
 */
public final class KeySwitcher {
    private static final int BLOCK = 256;
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
        if (!c.isNtt()) {
            throw new IllegalArgumentException("key switching input must be in NTT form");
        }
        final int l = c.level();
        final int targets = l + 2;
        final long[][][] d = new long[l + 1][targets][];
        // coefficient form of each limb
        final long[][] coeff = new long[l + 1][];
        par.forEach(l + 1, j -> {
            long[] x = c.limb(j).clone();
            ring.ntt(j).inverse(x);
            coeff[j] = x;
        });
        final int pIndex = params.pIndex();
        par.forEach((l + 1) * targets, idx -> {
            int j = idx / targets;
            int t = idx % targets;
            if (t == j) {
                d[j][t] = c.limb(j).clone();
                return;
            }
            int mi = t == l + 1 ? pIndex : t;
            Modulus m = ring.modulus(mi);
            long[] src = coeff[j];
            long[] x = new long[n];
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
        return new Decomposition(l, d);
    }

    /**
     * Computes {@code (outB, outA) = round(sum_j perm(digit_j) * key_j / P)} at the decomposition's level: for a key
     * from {@code s'} to {@code s}, {@code outB + outA*s = perm(c)*s' + small error}. {@code perm} (from
     * {@link io.henas.ring.Automorphism#nttPermutation}) applies a Galois automorphism to the digits first, or is
     * null for none. The outputs must have {@code l + 1} limbs; they are overwritten and set to NTT form.
     */
    public void apply(Decomposition d, KeySwitchKey key, int[] perm, RnsPoly outB, RnsPoly outA, Parallel par) {
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
            long[] b = t == l + 1 ? new long[n] : outB.limb(t);
            long[] a = t == l + 1 ? new long[n] : outA.limb(t);
            innerProduct(d, t, mi, key, perm, b, a);
            accB[t] = b;
            accA[t] = a;
        });
        modDown(accB, l, par);
        modDown(accA, l, par);
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
        final long[] hb = new long[BLOCK];
        final long[] lb = new long[BLOCK];
        final long[] ha = new long[BLOCK];
        final long[] la = new long[BLOCK];
        for (int k0 = 0; k0 < n; k0 += BLOCK) {
            java.util.Arrays.fill(hb, 0);
            java.util.Arrays.fill(lb, 0);
            java.util.Arrays.fill(ha, 0);
            java.util.Arrays.fill(la, 0);
            for (int j = 0; j < digits; j++) {
                final long[] x = d.digits[j][t];
                final long[] kb = key.b(j).limb(mi);
                final long[] ka = key.a(j).limb(mi);
                for (int r = 0; r < BLOCK; r++) {
                    int k = k0 + r;
                    long v = perm == null ? x[k] : x[perm[k]];
                    long pb = kb[k];
                    long plo = v * pb;
                    long phi = Math.unsignedMultiplyHigh(v, pb);
                    long s = lb[r] + plo;
                    hb[r] += phi + (Long.compareUnsigned(s, plo) < 0 ? 1 : 0);
                    lb[r] = s;
                    long pa = ka[k];
                    plo = v * pa;
                    phi = Math.unsignedMultiplyHigh(v, pa);
                    s = la[r] + plo;
                    ha[r] += phi + (Long.compareUnsigned(s, plo) < 0 ? 1 : 0);
                    la[r] = s;
                }
            }
            for (int r = 0; r < BLOCK; r++) {
                outB[k0 + r] = m.reduce128(hb[r], lb[r]);
                outA[k0 + r] = m.reduce128(ha[r], la[r]);
            }
        }
    }

    /**
     * In place: {@code acc[0..l]} (mod q_i, NTT) and {@code acc[l+1]} (mod P, NTT) become
     * {@code round(acc / P)} in {@code acc[0..l]}.
     */
    private void modDown(long[][] acc, int l, Parallel par) {
        final long[] last = acc[l + 1];
        final Modulus pm = ring.modulus(params.pIndex());
        ring.ntt(params.pIndex()).inverse(last);
        final long half = pm.value() >>> 1;
        par.forEach(l + 1, i -> {
            Modulus qi = ring.modulus(i);
            long q = qi.value();
            long pMod = params.pModQ(i);
            long[] t = new long[n];
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
        });
    }
}
