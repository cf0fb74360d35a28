package io.henas.ring;

import java.math.BigInteger;

/**
 * A word-size odd modulus {@code q < 2^61} with precomputed constants for fast modular arithmetic: Barrett reduction
 * of 64- and 128-bit values (via {@link Math#unsignedMultiplyHigh}) and Shoup multiplication by a fixed operand.
 * Immutable and thread-safe.
 *
 * <p>All methods taking residues expect them in {@code [0, q)} unless their javadoc says otherwise, and return
 * residues in {@code [0, q)}.
 */
public final class Modulus {
    /** The largest supported modulus bit size (lazy NTT reduction keeps values below {@code 4q < 2^63}). */
    public static final int MAX_BITS = 61;

    private final long q;
    private final int bits;
    /** floor(2^64 / q), for single-word Barrett reduction. */
    private final long ratio64;
    /** 2^64 mod q, used to fold the high word of a 128-bit value. */
    private final long twoTo64;
    private final long twoTo64Shoup;
    /** Barrett shift s = bits - 1 and constant floor(2^(s + 64) / q), for products below 2^(2 bits + 1). */
    private final int shift;
    private final long mu;

    /**
     * @param q an odd modulus in {@code [3, 2^61)}
     * @throws IllegalArgumentException if {@code q} is out of range or even
     */
    public Modulus(long q) {
        if (q < 3 || q >= (1L << MAX_BITS) || (q & 1) == 0) {
            throw new IllegalArgumentException("modulus must be odd and in [3, 2^61), but was " + q);
        }
        this.q = q;
        this.bits = 64 - Long.numberOfLeadingZeros(q);
        this.ratio64 = BigInteger.ONE.shiftLeft(64).divide(BigInteger.valueOf(q)).longValue();
        this.twoTo64 = BigInteger.ONE.shiftLeft(64).mod(BigInteger.valueOf(q)).longValue();
        this.twoTo64Shoup = shoup(twoTo64);
        this.shift = bits - 1;
        this.mu = BigInteger.ONE.shiftLeft(shift + 64).divide(BigInteger.valueOf(q)).longValue();
    }

    /** The modulus value. */
    public long value() {
        return q;
    }

    /** Bit length of the modulus. */
    public int bits() {
        return bits;
    }

    /**
     * {@code x - m} if {@code x >= m}, else {@code x}, without a branch: for {@code x} in {@code [0, 2^63)} and
     * {@code m} in {@code (0, 2^62]}. Hot loops use it instead of {@code x >= m ? x - m : x}, which the JIT may
     * compile to a branch that random residues mispredict half of the time (measured: twice slower products).
     */
    public static long csub(long x, long m) {
        long t = x - m;
        return t + ((t >> 63) & m);
    }

    /** {@code x + m} if {@code x < 0}, else {@code x}, without a branch. */
    public static long cadd(long x, long m) {
        return x + ((x >> 63) & m);
    }

    /** {@code (a + b) mod q}. */
    public long add(long a, long b) {
        return csub(a + b, q);
    }

    /** {@code (a - b) mod q}. */
    public long sub(long a, long b) {
        return cadd(a - b, q);
    }

    /** {@code -a mod q}. */
    public long neg(long a) {
        return a == 0 ? 0 : q - a;
    }

    /** Reduces any non-negative or negative {@code long} to {@code [0, q)}. */
    public long reduceSigned(long x) {
        if (x >= 0) {
            return reduce(x);
        }
        long r = reduce(-x); // -Long.MIN_VALUE overflows: handled by unsigned reduce
        return r == 0 ? 0 : q - r;
    }

    /** Reduces a 64-bit value read as unsigned to {@code [0, q)} (single-word Barrett). */
    public long reduce(long x) {
        long qh = Math.unsignedMultiplyHigh(x, ratio64);
        return csub(x - qh * q, q); // the remainder is below 2q < 2^62
    }

    /** Reduces the unsigned 128-bit value {@code hi * 2^64 + lo} to {@code [0, q)}; requires {@code hi < 2^63}. */
    public long reduce128(long hi, long lo) {
        long h = reduce(hi);
        long a = mulShoupLazy(h, twoTo64, twoTo64Shoup); // [0, 2q)
        long b = reduce(lo);
        return csub(csub(a + b, q), q); // a + b < 3q
    }

    /**
     * Reduces {@code z = hi * 2^64 + lo} with one Barrett step (two high multiplications) when
     * {@code hi < 2^(bits-1)}, which holds for {@code z < 2q^2} (a product of two residues or the sum of two).
     * See {@link #reduceWide} for longer sums.
     */
    public long reduceProduct(long hi, long lo) {
        long x = (hi << (64 - shift)) | (lo >>> shift);
        long r = lo - Math.unsignedMultiplyHigh(x, mu) * q; // in [0, 3q)
        return csub(csub(r, q), q);
    }

    /**
     * Reduces any {@code z = hi * 2^64 + lo} with {@code hi < 2^63} (e.g. a sum of many products of residues):
     * the Barrett step of {@link #reduceProduct} when {@code hi < 2^(bits-1)}, else {@link #reduce128}.
     */
    public long reduceWide(long hi, long lo) {
        return (hi >>> shift) == 0 ? reduceProduct(hi, lo) : reduce128(hi, lo);
    }

    /** {@code (a * b) mod q} for residues {@code a, b}. */
    public long mul(long a, long b) {
        return reduceProduct(Math.unsignedMultiplyHigh(a, b), a * b);
    }

    /** The Shoup quotient {@code floor(w * 2^64 / q)} of a fixed operand {@code w < q}. */
    public long shoup(long w) {
        return BigInteger.valueOf(w).shiftLeft(64).divide(BigInteger.valueOf(q)).longValue();
    }

    /** {@code (x * w) mod q} in {@code [0, 2q)} for any {@code x < 2^64} and {@code w < q} with its Shoup quotient. */
    public long mulShoupLazy(long x, long w, long wShoup) {
        long qh = Math.unsignedMultiplyHigh(x, wShoup);
        return x * w - qh * q;
    }

    /** {@code (x * w) mod q} in {@code [0, q)} with a Shoup-precomputed {@code w}. */
    public long mulShoup(long x, long w, long wShoup) {
        return csub(mulShoupLazy(x, w, wShoup), q);
    }

    /** {@code a^e mod q} for {@code e >= 0}. */
    public long pow(long a, long e) {
        long r = 1 % q;
        long b = a % q;
        while (e > 0) {
            if ((e & 1) != 0) {
                r = mul(r, b);
            }
            b = mul(b, b);
            e >>>= 1;
        }
        return r;
    }

    /**
     * The inverse of {@code a} modulo {@code q}.
     *
     * @throws ArithmeticException if {@code a} is not invertible
     */
    public long inv(long a) {
        return BigInteger.valueOf(Math.floorMod(a, q)).modInverse(BigInteger.valueOf(q)).longValue();
    }

    /** Maps a residue to its centered representative in {@code (-q/2, q/2]}. */
    public long center(long a) {
        return a > (q >>> 1) ? a - q : a;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Modulus m && m.q == q;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(q);
    }

    @Override
    public String toString() {
        return "Modulus[" + q + " (" + bits + " bits)]";
    }
}
