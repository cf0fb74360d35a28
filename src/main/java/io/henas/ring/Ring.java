package io.henas.ring;

import java.math.BigInteger;
import java.util.Arrays;

/**
 * The ring {@code Z[X]/(X^N + 1)} over an ordered list of NTT-friendly primes {@code m_0, ..., m_{k-1}}, with their
 * NTT tables. An {@link RnsPoly} with {@code c} limbs lives modulo {@code m_0 ... m_{c-1}} (limb {@code i} modulo
 * {@code m_i}). Per-limb methods take the limb index so that callers can spread limbs over threads. Immutable and
 * thread-safe.
 */
public final class Ring {
    private final int logN;
    private final int n;
    private final Modulus[] moduli;
    private final NttTables[] tables;
    /** garner[j][i] = m_i^{-1} mod m_j for i < j. */
    private final long[][] garner;
    /** Whether limb i's products run on vectors ({@link RingVector}: SIMD on, prime below 2^56, N >= 8). */
    private final boolean[] vector;
    /** Per limb: whether its products run on 4-lane (AVX2) vectors ({@link RingVector4}). */
    private final boolean[] vector4;
    /** {@code NttVector4.MAX_PRIME}, kept here so that this class loads without the vector module. */
    private static final long NttVector4_MAX_PRIME = 1L << 49;

    /**
     * @param logN   ring degree exponent, in [1, 17]
     * @param primes distinct NTT-friendly primes for this degree
     * @throws IllegalArgumentException if a prime is not NTT-friendly or primes repeat
     */
    public Ring(int logN, long... primes) {
        if (logN < 1 || logN > 17) {
            throw new IllegalArgumentException("logN must be in [1, 17], but was " + logN);
        }
        if (primes.length == 0) {
            throw new IllegalArgumentException("a ring needs at least one prime");
        }
        if (!Primes.distinct(primes)) {
            throw new IllegalArgumentException("primes must be distinct, but were " + Arrays.toString(primes));
        }
        this.logN = logN;
        this.n = 1 << logN;
        this.moduli = new Modulus[primes.length];
        this.tables = new NttTables[primes.length];
        for (int i = 0; i < primes.length; i++) {
            if (!Primes.isNttFriendly(primes[i], logN)) {
                throw new IllegalArgumentException("prime " + i + " must be NTT-friendly (prime, = 1 mod 2^"
                        + (logN + 1) + "), but was " + primes[i]);
            }
            moduli[i] = new Modulus(primes[i]);
            tables[i] = new NttTables(moduli[i], logN);
        }
        vector = new boolean[primes.length];
        vector4 = new boolean[primes.length];
        for (int i = 0; i < primes.length; i++) {
            vector[i] = NttTables.SIMD_LANES == 8 && primes[i] < (1L << 56) && n >= 8;
            vector4[i] = NttTables.SIMD_LANES == 4 && primes[i] < NttVector4_MAX_PRIME && n >= 4;
        }
        garner = new long[primes.length][];
        for (int j = 0; j < primes.length; j++) {
            garner[j] = new long[j];
            for (int i = 0; i < j; i++) {
                garner[j][i] = moduli[j].inv(moduli[j].reduce(primes[i]));
            }
        }
    }

    /** log2 N. */
    public int logN() {
        return logN;
    }

    /** Ring degree N. */
    public int n() {
        return n;
    }

    /** Number of primes. */
    public int size() {
        return moduli.length;
    }

    /** The {@code i}-th modulus. */
    public Modulus modulus(int i) {
        return moduli[i];
    }

    /** NTT tables of the {@code i}-th modulus. */
    public NttTables ntt(int i) {
        return tables[i];
    }

    /** A new zero polynomial with {@code limbs} limbs. */
    public RnsPoly newPoly(int limbs, boolean ntt) {
        if (limbs < 1 || limbs > moduli.length) {
            throw new IllegalArgumentException("limb count must be in [1, " + moduli.length + "], but was " + limbs);
        }
        return new RnsPoly(n, limbs, ntt);
    }

    /** Transforms every limb of a coefficient-form polynomial to NTT form (no-op if already there). */
    public void toNtt(RnsPoly p, Parallel par) {
        if (!p.isNtt()) {
            par.forEach(p.limbCount(), i -> tables[i].forward(p.limb(i)));
            p.setNtt(true);
        }
    }

    /** Transforms every limb of an NTT-form polynomial to coefficient form (no-op if already there). */
    public void toCoeff(RnsPoly p, Parallel par) {
        if (p.isNtt()) {
            par.forEach(p.limbCount(), i -> tables[i].inverse(p.limb(i)));
            p.setNtt(false);
        }
    }

    /** {@code out = a + b} limb-wise over the first {@code limbs} limbs. */
    public void add(RnsPoly a, RnsPoly b, RnsPoly out, int limbs, Parallel par) {
        par.forEach(limbs, i -> addLimb(i, a.limb(i), b.limb(i), out.limb(i)));
    }

    /** {@code out = a + b mod m_i} for one limb. */
    public void addLimb(int i, long[] a, long[] b, long[] out) {
        final long q = moduli[i].value();
        for (int k = 0; k < n; k++) {
            long s = a[k] + b[k];
            out[k] = Modulus.csub(s, q);
        }
    }

    /** {@code out = a - b mod m_i} for one limb. */
    public void subLimb(int i, long[] a, long[] b, long[] out) {
        final long q = moduli[i].value();
        for (int k = 0; k < n; k++) {
            long s = a[k] - b[k];
            out[k] = Modulus.cadd(s, q);
        }
    }

    /** {@code out = -a mod m_i} for one limb. */
    public void negLimb(int i, long[] a, long[] out) {
        final long q = moduli[i].value();
        for (int k = 0; k < n; k++) {
            long v = a[k];
            out[k] = Modulus.csub(q - v, q); // q - 0 becomes 0
        }
    }

    /** {@code out = a * b mod m_i} pointwise for one limb (NTT form). */
    public void mulLimb(int i, long[] a, long[] b, long[] out) {
        if (vector[i]) {
            RingVector.mul(a, b, out, n, moduli[i].value());
            return;
        }
        if (vector4[i]) {
            RingVector4.mul(a, b, out, n, moduli[i].value());
            return;
        }
        mulLimbScalar(i, a, b, out);
    }

    /** {@link #mulLimb} on the scalar path (for A/B comparisons and tests). */
    public void mulLimbScalar(int i, long[] a, long[] b, long[] out) {
        final Modulus m = moduli[i];
        for (int k = 0; k < n; k++) {
            long x = a[k];
            long y = b[k];
            out[k] = m.reduceProduct(Math.unsignedMultiplyHigh(x, y), x * y);
        }
    }

    /** {@code out0 = a0 * b}, {@code out1 = a1 * b mod m_i} pointwise for one limb ({@code b} read once). */
    public void mulLimb2(int i, long[] a0, long[] a1, long[] b, long[] out0, long[] out1) {
        mulLimb2(i, a0, a1, b, out0, out1, vector[i]);
    }

    /** {@link #mulLimb2} on the vector path if {@code vector} and the limb allows it, else the scalar one. */
    public void mulLimb2(int i, long[] a0, long[] a1, long[] b, long[] out0, long[] out1, boolean vector) {
        if (vector && this.vector[i]) {
            RingVector.mul2(a0, a1, b, out0, out1, n, moduli[i].value());
            return;
        }
        if (vector && vector4[i]) {
            RingVector4.mul2(a0, a1, b, out0, out1, n, moduli[i].value());
            return;
        }
        final Modulus m = moduli[i];
        for (int k = 0; k < n; k++) {
            long y = b[k];
            long u = a0[k];
            long v = a1[k];
            out0[k] = m.reduceProduct(Math.unsignedMultiplyHigh(u, y), u * y);
            out1[k] = m.reduceProduct(Math.unsignedMultiplyHigh(v, y), v * y);
        }
    }

    /**
     * {@code out = (s - t) * c mod m_i} for one limb, {@code c} a residue with its Shoup quotient {@code cShoup}
     * (the last step of a rescale); on the vector path if {@code vector} and the limb allows it.
     */
    public void subMulConstLimb(int i, long[] s, long[] t, long c, long cShoup, long[] out, boolean vector) {
        final long q = moduli[i].value();
        if (vector && this.vector[i]) {
            RingVector.subMul(s, t, c, c / (double) q, out, n, q);
            return;
        }
        if (vector && vector4[i]) {
            RingVector4.subMul(s, t, c, c / (double) q, out, n, q);
            return;
        }
        for (int k = 0; k < n; k++) {
            long v = s[k] - t[k] + q;
            long r = v * c - Math.unsignedMultiplyHigh(v, cShoup) * q;
            out[k] = Modulus.csub(r, q);
        }
    }

    /**
     * {@code out = x mod m_i} for {@code x} in {@code [0, ql)} read as a centered residue modulo {@code ql}
     * ({@code x - ql} when {@code x > ql/2}): the lift of a rescale's dropped limb. On the vector path if
     * {@code vector}, the limb allows it and {@code ql < 2^40 m_i}.
     */
    public void liftCenteredLimb(int i, long[] x, long ql, long[] out, boolean vector) {
        final Modulus qi = moduli[i];
        final long q = qi.value();
        final long qlMod = qi.reduce(ql);
        final long half = ql >>> 1;
        if (vector && this.vector[i] && ql >>> 40 < q) {
            RingVector.liftCentered(x, ql, qlMod, out, n, q);
            return;
        }
        for (int c = 0; c < n; c++) {
            long v = x[c];
            long r = qi.reduce(v);
            out[c] = Modulus.cadd(r - (qlMod & ((half - v) >> 63)), q); // minus q_l mod q_i if v > q_l/2
        }
    }

    /** Whether limb {@code i}'s products run on 8-lane vectors (AVX-512). */
    public boolean vectorized(int i) {
        return vector[i];
    }

    /** Whether limb {@code i}'s products run on 4-lane vectors (AVX2, primes below 2^49). */
    public boolean vectorized4(int i) {
        return vector4[i];
    }

    /** {@code out = out + a * b mod m_i} pointwise for one limb. */
    public void mulAddLimb(int i, long[] a, long[] b, long[] out) {
        mulAddLimb(i, a, b, out, out);
    }

    /**
     * {@code out = c + a * b mod m_i} pointwise for one limb ({@code out} may be {@code c}); on the vector path when
     * the limb allows it, with results equal to the scalar path's.
     */
    public void mulAddLimb(int i, long[] a, long[] b, long[] c, long[] out) {
        if (vector[i]) {
            RingVector.mulAdd(a, b, c, out, n, moduli[i].value());
            return;
        }
        if (vector4[i]) {
            RingVector4.mulAdd(a, b, c, out, n, moduli[i].value());
            return;
        }
        mulAddLimbScalar(i, a, b, c, out);
    }

    /** {@link #mulAddLimb(int, long[], long[], long[], long[])} on the scalar path (for A/B comparisons and tests). */
    public void mulAddLimbScalar(int i, long[] a, long[] b, long[] c, long[] out) {
        final Modulus m = moduli[i];
        final long q = m.value();
        for (int k = 0; k < n; k++) {
            long x = a[k];
            long y = b[k];
            long s = c[k] + m.reduceProduct(Math.unsignedMultiplyHigh(x, y), x * y);
            out[k] = Modulus.csub(s, q);
        }
    }

    /** {@code out = a * c mod m_i} for a scalar {@code c} in {@code [0, m_i)}. */
    public void mulScalarLimb(int i, long[] a, long c, long[] out) {
        final Modulus m = moduli[i];
        final long q = m.value();
        final long cs = m.shoup(c);
        for (int k = 0; k < n; k++) {
            long r = m.mulShoupLazy(a[k], c, cs);
            out[k] = Modulus.csub(r, q);
        }
    }

    /** {@code out = out + a * c mod m_i} for a scalar {@code c} in {@code [0, m_i)} (one Shoup product per slot). */
    public void mulScalarAddLimb(int i, long[] a, long c, long[] out) {
        final Modulus m = moduli[i];
        final long q = m.value();
        final long cs = m.shoup(c);
        for (int k = 0; k < n; k++) {
            long r = Modulus.csub(m.mulShoupLazy(a[k], c, cs), q);
            out[k] = Modulus.csub(out[k] + r, q);
        }
    }

    /** {@code out = a + c mod m_i} for a scalar {@code c} in {@code [0, m_i)}. */
    public void addScalarLimb(int i, long[] a, long c, long[] out) {
        final long q = moduli[i].value();
        for (int k = 0; k < n; k++) {
            long s = a[k] + c;
            out[k] = Modulus.csub(s, q);
        }
    }

    /**
     * Writes small signed integer coefficients into every limb of {@code out} (coefficient form) and marks it so.
     */
    public void setSmall(int[] values, RnsPoly out) {
        if (values.length != n) {
            throw new IllegalArgumentException("values must have length " + n + ", but had " + values.length);
        }
        for (int i = 0; i < out.limbCount(); i++) {
            long q = moduli[i].value();
            long[] l = out.limb(i);
            for (int k = 0; k < n; k++) {
                int v = values[k];
                l[k] = v < 0 ? v + q : v;
            }
        }
        out.setNtt(false);
    }

    /**
     * Writes real coefficients rounded to the nearest integer into every limb of {@code out} (coefficient form).
     * Any finite magnitude is accepted; values beyond 2^53 are exact as doubles and reduced exactly.
     *
     * @throws IllegalArgumentException if a value is not finite
     */
    public void setRounded(double[] values, RnsPoly out) {
        if (values.length != n) {
            throw new IllegalArgumentException("values must have length " + n + ", but had " + values.length);
        }
        int limbs = out.limbCount();
        for (int k = 0; k < n; k++) {
            double v = values[k];
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("coefficient " + k + " must be finite, but was " + v);
            }
            double r = Math.rint(v);
            if (Math.abs(r) < 0x1p62) {
                long x = (long) r;
                for (int i = 0; i < limbs; i++) {
                    out.limb(i)[k] = moduli[i].reduceSigned(x);
                }
            } else {
                // r = mant * 2^exp exactly, with |mant| < 2^53
                int exp = Math.getExponent(r) - 52;
                long mant = (long) Math.scalb(r, -exp);
                for (int i = 0; i < limbs; i++) {
                    Modulus m = moduli[i];
                    out.limb(i)[k] = m.mul(m.reduceSigned(mant), m.pow(2, exp));
                }
            }
        }
        out.setNtt(false);
    }

    /** {@code round(v) mod m_i} for any finite {@code v} (exact for the double's value). */
    public long roundedResidue(double v, int i) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("value must be finite, but was " + v);
        }
        double r = Math.rint(v);
        Modulus m = moduli[i];
        if (Math.abs(r) < 0x1p62) {
            return m.reduceSigned((long) r);
        }
        int exp = Math.getExponent(r) - 52;
        long mant = (long) Math.scalb(r, -exp);
        return m.mul(m.reduceSigned(mant), m.pow(2, exp));
    }

    /**
     * The centered integer value of each coefficient of a coefficient-form polynomial (in
     * {@code (-M/2, M/2]} for {@code M} the product of its limbs' moduli), converted to double (relative error about
     * 2^-52). Uses Garner's mixed-radix conversion, no big integers.
     */
    public void toCenteredDoubles(RnsPoly p, double[] out) {
        if (p.isNtt()) {
            throw new IllegalArgumentException("polynomial must be in coefficient form, but was in NTT form");
        }
        int c = p.limbCount();
        long[] v = new long[c];
        long[] neg = new long[c];
        long top = moduli[c - 1].value();
        for (int k = 0; k < n; k++) {
            mixedRadix(p, k, false, v);
            boolean negative = v[c - 1] > (top >>> 1);
            if (negative) {
                mixedRadix(p, k, true, neg);
                out[k] = -horner(neg, c);
            } else {
                out[k] = horner(v, c);
            }
        }
    }

    private void mixedRadix(RnsPoly p, int k, boolean negate, long[] v) {
        int c = v.length;
        for (int j = 0; j < c; j++) {
            Modulus mj = moduli[j];
            long t = p.limb(j)[k];
            if (negate) {
                t = mj.neg(t);
            }
            long[] g = garner[j];
            for (int i = 0; i < j; i++) {
                t = mj.mul(mj.sub(t, mj.reduce(v[i])), g[i]);
            }
            v[j] = t;
        }
    }

    private double horner(long[] v, int c) {
        double x = v[c - 1];
        for (int j = c - 2; j >= 0; j--) {
            x = x * moduli[j].value() + v[j];
        }
        return x;
    }

    /** Exact centered value of every coefficient (for tests and diagnostics; slow). */
    public BigInteger[] toCenteredBigIntegers(RnsPoly p) {
        if (p.isNtt()) {
            throw new IllegalArgumentException("polynomial must be in coefficient form, but was in NTT form");
        }
        int c = p.limbCount();
        BigInteger big = BigInteger.ONE;
        for (int i = 0; i < c; i++) {
            big = big.multiply(BigInteger.valueOf(moduli[i].value()));
        }
        BigInteger half = big.shiftRight(1);
        BigInteger[] out = new BigInteger[n];
        for (int k = 0; k < n; k++) {
            BigInteger x = BigInteger.ZERO;
            for (int i = 0; i < c; i++) {
                BigInteger qi = BigInteger.valueOf(moduli[i].value());
                BigInteger hat = big.divide(qi);
                BigInteger term = BigInteger.valueOf(p.limb(i)[k]).multiply(hat.modInverse(qi)).mod(qi).multiply(hat);
                x = x.add(term);
            }
            x = x.mod(big);
            out[k] = x.compareTo(half) > 0 ? x.subtract(big) : x;
        }
        return out;
    }
}
