package io.henas.ckks;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;

/**
 * Moves real polynomial coefficients into the residue number system of a prime chain and back: scaling and rounding
 * to integers reduced modulo each prime of a level, and CRT recomposition of the residues of a level to centered
 * integers divided by the scale.
 *
 * <p>Scaling: {@code round(c * scale)} is reduced with one Barrett reduction per prime when it is below {@code 2^62} in
 * magnitude; larger (necessarily even) doubles {@code mant * 2^e} are reduced exactly as
 * {@code (mant mod q) * (2^e mod q)} with precomputed powers of two, so e.g. scale {@code 2^50} with values up to
 * {@code 2^20} is exact up to the double rounding of the product itself.
 *
 * <p>Recomposition: Garner's mixed-radix conversion with balanced digits {@code a_i} in {@code (-q_i/2, q_i/2)},
 * so the centered value is {@code sum a_i * q_0 ... q_(i-1)}: small values have zero high digits and the double sum
 * has no cancellation. A value below {@code q_0/2} in magnitude (the usual decryption: scale times message plus noise
 * under the first prime) is recognised with one Barrett reduction per prime and needs no conversion; other values cost
 * {@code L(L-1)/2} Shoup multiplications per coefficient. Values beyond the double range of the prime products fall
 * back to exact BigInteger arithmetic.
 *
 * <p>Primes must be odd, pairwise distinct (coprime) and below {@code 2^62}. Immutable and thread-safe.
 */
public final class EncodingRns {

    /** Largest supported modulus bit length. */
    public static final int MAX_MODULUS_BITS = 62;

    private static final double TWO_POW_62 = 0x1p62;
    /** Marks a rounded coefficient of magnitude at least 2^62 (never a valid fast-path value). */
    private static final long WIDE = Long.MIN_VALUE;

    private final long[] q;
    /** {@code floor(2^64 / q_i)} for Barrett reduction. */
    private final long[] barrett;
    /** {@code pow2[i][e] = 2^e mod q_i} for {@code e <= 1023}, and its Shoup constants. */
    private final long[][] pow2;
    private final long[][] pow2Shoup;
    /** {@code inv[i][j] = q_j^(-1) mod q_i} (j < i) and its Shoup constant. */
    private final long[][] inv;
    private final long[][] invShoup;
    /** {@code wrap[i][j] = 2^64 * q_j^(-1) mod q_i}: the correction when a negative difference is read unsigned. */
    private final long[][] wrap;
    /** {@code prefix[i] = q_0 ... q_(i-1)} as a correctly rounded double (infinite when too large). */
    private final double[] prefix;
    private final BigInteger[] prefixExact;
    /** {@code halfQ[l] = (q_0 ... q_(l-1)) / 2} as a double rounded down: the bound on encodable values at l primes. */
    private final double[] halfQ;

    /**
     * Precomputes the tables for the chain {@code moduli[0..L]}.
     *
     * @throws IllegalArgumentException if a modulus is even, below 3, at least {@code 2^62}, or repeated
     */
    public EncodingRns(long[] moduli) {
        if (moduli.length == 0) {
            throw new IllegalArgumentException("moduli must not be empty");
        }
        this.q = moduli.clone();
        int l = q.length;
        for (int i = 0; i < l; i++) {
            long qi = q[i];
            if (qi < 3 || (qi & 1) == 0 || 64 - Long.numberOfLeadingZeros(qi) > MAX_MODULUS_BITS) {
                throw new IllegalArgumentException("modulus " + i + " must be odd and in [3, 2^" + MAX_MODULUS_BITS
                        + "), but was " + qi);
            }
            for (int j = 0; j < i; j++) {
                if (BigInteger.valueOf(q[j]).gcd(BigInteger.valueOf(qi)).compareTo(BigInteger.ONE) != 0) {
                    throw new IllegalArgumentException("moduli must be pairwise coprime, but modulus " + j + " = " + q[j]
                            + " and modulus " + i + " = " + qi + " are not");
                }
            }
        }
        barrett = new long[l];
        pow2 = new long[l][1024];
        pow2Shoup = new long[l][1024];
        inv = new long[l][];
        invShoup = new long[l][];
        wrap = new long[l][];
        prefix = new double[l + 1];
        prefixExact = new BigInteger[l + 1];
        halfQ = new double[l + 1];
        BigInteger two64 = BigInteger.ONE.shiftLeft(64);
        BigInteger p = BigInteger.ONE;
        for (int i = 0; i < l; i++) {
            BigInteger qi = BigInteger.valueOf(q[i]);
            barrett[i] = BigInteger.ONE.shiftLeft(64).divide(qi).longValue();
            long v = 1 % q[i];
            for (int e = 0; e < 1024; e++) {
                pow2[i][e] = v;
                pow2Shoup[i][e] = shoupConstant(v, q[i]);
                v = (v << 1) % q[i]; // v < 2^62, so v << 1 does not overflow
            }
            inv[i] = new long[i];
            invShoup[i] = new long[i];
            wrap[i] = new long[i];
            for (int j = 0; j < i; j++) {
                BigInteger w = BigInteger.valueOf(q[j]).modInverse(qi);
                inv[i][j] = w.longValueExact();
                invShoup[i][j] = w.shiftLeft(64).divide(qi).longValue(); // < 2^64, kept as unsigned bits
                wrap[i][j] = two64.multiply(w).mod(qi).longValueExact();
            }
            prefixExact[i] = p;
            prefix[i] = p.doubleValue();
            p = p.multiply(qi);
        }
        prefixExact[l] = p;
        prefix[l] = p.doubleValue();
        for (int i = 0; i <= l; i++) {
            BigInteger h = prefixExact[i].shiftRight(1);
            double d = h.doubleValue();
            if (Double.isFinite(d) && new BigDecimal(d).toBigInteger().compareTo(h) > 0) {
                d = Math.nextDown(d);
            }
            halfQ[i] = d;
        }
    }

    /** Number of moduli in the chain. */
    public int size() {
        return q.length;
    }

    /** A copy of the moduli. */
    public long[] moduli() {
        return q.clone();
    }

    /**
     * Writes {@code round(coeffs[k] * scale) mod q_i} into {@code out[i][k]} for the first {@code count} moduli.
     *
     * @param count number of moduli of the level (1 to {@link #size()})
     * @return the root-mean-square per-slot rounding error this introduces, {@code sqrt(sum_k e_k^2) / scale} with
     *         {@code e_k} the rounding error of coefficient {@code k}: the standard deviation of the error a slot
     *         gets from rounding (each slot is a unit-modulus combination of the {@code e_k})
     * @throws IllegalArgumentException if the scale is not positive and finite, a product is not finite, or a
     *         product is at least half the level's modulus (it would wrap around)
     */
    public double scaleRoundInto(double[] coeffs, double scale, int count, long[][] out) {
        checkCount(count);
        if (!(scale > 0) || !Double.isFinite(scale)) {
            throw new IllegalArgumentException("scale must be positive and finite, but was " + scale);
        }
        if (out.length < count) {
            throw new IllegalArgumentException("out must have at least " + count + " rows, but had " + out.length);
        }
        int nCoeffs = coeffs.length;
        for (int i = 0; i < count; i++) {
            if (out[i].length != nCoeffs) {
                throw new IllegalArgumentException("out row " + i + " length must be " + nCoeffs + ", but was "
                        + out[i].length);
            }
        }
        double bound = halfQ[count];
        double sumSq = 0;
        long[] rounded = new long[nCoeffs];
        boolean anyWide = false;
        for (int k = 0; k < nCoeffs; k++) {
            double x = coeffs[k] * scale;
            double r = Math.rint(x);
            if (!(Math.abs(r) < bound)) {
                throw new IllegalArgumentException(describeOverflow(k, coeffs[k], scale, count));
            }
            double e = r - x;
            sumSq += e * e;
            if (Math.abs(r) < TWO_POW_62) {
                rounded[k] = (long) r;
            } else {
                rounded[k] = WIDE;
                anyWide = true;
            }
        }
        for (int i = 0; i < count; i++) {
            long[] o = out[i];
            for (int k = 0; k < nCoeffs; k++) {
                o[k] = reduceSigned(rounded[k], i);   // WIDE entries are overwritten below
            }
        }
        if (anyWide) {
            for (int k = 0; k < nCoeffs; k++) {
                if (rounded[k] == WIDE) {
                    double r = Math.rint(coeffs[k] * scale);
                    long bits = Double.doubleToRawLongBits(r);
                    int exp = (int) ((bits >>> 52) & 0x7ff) - 1075; // r = mant * 2^exp, exp >= 10 here
                    long mant = (bits & 0xfffffffffffffL) | (1L << 52);
                    for (int i = 0; i < count; i++) {
                        long m = shoupMul(mant, pow2[i][exp], pow2Shoup[i][exp], q[i]);
                        out[i][k] = r < 0 && m != 0 ? q[i] - m : m;
                    }
                }
            }
        }
        return Math.sqrt(sumSq) / scale;
    }

    /**
     * Recomposes the residues {@code res[i][k]} (each in {@code [0, q_i)}) of the first {@code count} moduli into the
     * centered integer {@code x_k} in {@code (-Q/2, Q/2)} and writes {@code x_k / scale} into {@code out[k]}.
     *
     * @throws IllegalArgumentException on a bad count, scale or array shape
     */
    public void crtInto(long[][] res, int count, double scale, double[] out) {
        checkCount(count);
        if (!(scale > 0) || !Double.isFinite(scale)) {
            throw new IllegalArgumentException("scale must be positive and finite, but was " + scale);
        }
        int nCoeffs = out.length;
        for (int i = 0; i < count; i++) {
            if (res[i].length != nCoeffs) {
                throw new IllegalArgumentException("residue row " + i + " length must be " + nCoeffs + ", but was "
                        + res[i].length);
            }
        }
        long q0 = q[0];
        long half0 = q0 >>> 1;
        if (count == 1) {
            long[] r0 = res[0];
            for (int k = 0; k < nCoeffs; k++) {
                long v = r0[k];
                out[k] = (v > half0 ? v - q0 : v) / scale;
            }
            return;
        }
        long[] digits = new long[count];
        for (int k = 0; k < nCoeffs; k++) {
            // fast path: a value below q_0/2 in magnitude (a typical decryption at scale < q_0) is its centered
            // residue mod q_0; it is the answer iff it matches every other residue (CRT uniqueness)
            long v = res[0][k];
            long a0 = v > half0 ? v - q0 : v;
            boolean small = true;
            for (int i = 1; i < count && small; i++) {
                small = reduceSigned(a0, i) == res[i][k];
            }
            out[k] = (small ? (double) a0 : recompose(res, count, k, digits)) / scale;
        }
        for (int k = 0; k < nCoeffs; k++) {
            if (!Double.isFinite(out[k])) {
                out[k] = exact(res, count, k).divide(new BigDecimal(scale), MathContext.DECIMAL64).doubleValue();
            }
        }
    }

    /** {@code x mod q_i} in {@code [0, q_i)} for any {@code |x| < 2^63} (Barrett with {@code floor(2^64 / q_i)}). */
    private long reduceSigned(long x, int i) {
        long qi = q[i];
        long ax = Math.abs(x);
        long r = ax - Math.unsignedMultiplyHigh(ax, barrett[i]) * qi;
        if (r >= qi) {
            r -= qi;
        }
        return x < 0 && r != 0 ? qi - r : r;
    }

    /** Garner's balanced mixed-radix digits of coefficient k, summed in double (may overflow to infinity). */
    private double recompose(long[][] res, int count, int k, long[] digits) {
        for (int i = 0; i < count; i++) {
            long qi = q[i];
            long t = res[i][k];
            long[] invI = inv[i];
            long[] invShoupI = invShoup[i];
            long[] wrapI = wrap[i];
            for (int j = 0; j < i; j++) {
                long u = t - digits[j];          // in (-2^62, 2^62 + 2^61): read as unsigned below
                long m = shoupMul(u, invI[j], invShoupI[j], qi);
                if (u < 0) {                     // u was read as u + 2^64: remove 2^64 * inv mod q_i
                    m -= wrapI[j];
                    if (m < 0) {
                        m += qi;
                    }
                }
                t = m;
            }
            digits[i] = t > (qi >>> 1) ? t - qi : t;
        }
        double sum = 0;
        for (int i = 0; i < count; i++) {
            if (digits[i] != 0) {
                sum += digits[i] * prefix[i];
            }
        }
        return sum;
    }

    /** The exact centered value of coefficient k (slow path, for values beyond the double range). */
    private BigDecimal exact(long[][] res, int count, int k) {
        BigInteger bigQ = prefixExact[count];
        BigInteger x = BigInteger.ZERO;
        for (int i = 0; i < count; i++) {
            BigInteger qi = BigInteger.valueOf(q[i]);
            BigInteger qHat = bigQ.divide(qi);
            BigInteger c = BigInteger.valueOf(res[i][k]).multiply(qHat.modInverse(qi)).mod(qi);
            x = x.add(c.multiply(qHat));
        }
        x = x.mod(bigQ);
        if (x.compareTo(bigQ.shiftRight(1)) > 0) {
            x = x.subtract(bigQ);
        }
        return new BigDecimal(x);
    }

    /** {@code floor(w * 2^64 / q)} for {@code w < q < 2^62}, by binary long division (no BigInteger). */
    static long shoupConstant(long w, long q) {
        long r = w;
        long quotient = 0;
        for (int i = 0; i < 64; i++) {
            r <<= 1;              // r < q < 2^62: no overflow
            quotient <<= 1;
            if (r >= q) {
                r -= q;
                quotient |= 1;
            }
        }
        return quotient;
    }

    /** {@code a * w mod q} for unsigned {@code a < 2^64}, {@code w < q < 2^62}, {@code ws = floor(w 2^64 / q)}. */
    static long shoupMul(long a, long w, long ws, long q) {
        long hi = Math.unsignedMultiplyHigh(a, ws);
        long r = a * w - hi * q;
        return r >= q ? r - q : r;
    }

    private void checkCount(int count) {
        if (count < 1 || count > q.length) {
            throw new IllegalArgumentException("modulus count must be in [1, " + q.length + "], but was " + count);
        }
    }

    private String describeOverflow(int k, double c, double scale, int count) {
        double x = c * scale;
        if (!Double.isFinite(x)) {
            return "coefficient " + k + " times the scale must be finite, but was " + c + " * " + scale;
        }
        return String.format("coefficient %d times the scale must be below Q/2 = 2^%.1f of the %d moduli, but was 2^%.1f"
                + " (%s * %s); use a larger level or a smaller scale", k, log2(halfQ[count]), count, log2(Math.abs(x)),
                c, scale);
    }

    private static double log2(double v) {
        return Math.log(v) / Math.log(2);
    }
}
