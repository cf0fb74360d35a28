package io.henas.ring;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/** NTT-friendly primes ({@code q = 1 mod 2N}): primality, generation of modulus chains and primitive roots. */
public final class Primes {
    private Primes() {
    }

    private static final long[] WITNESSES = {2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37};

    /** Deterministic Miller-Rabin primality test for any positive {@code long} (witnesses up to 37). */
    public static boolean isPrime(long n) {
        if (n < 2) {
            return false;
        }
        for (long p : WITNESSES) {
            if (n % p == 0) {
                return n == p;
            }
        }
        BigInteger bn = BigInteger.valueOf(n);
        BigInteger nm1 = bn.subtract(BigInteger.ONE);
        int s = nm1.getLowestSetBit();
        BigInteger d = nm1.shiftRight(s);
        for (long a : WITNESSES) {
            BigInteger x = BigInteger.valueOf(a).modPow(d, bn);
            if (x.equals(BigInteger.ONE) || x.equals(nm1)) {
                continue;
            }
            boolean composite = true;
            for (int r = 1; r < s; r++) {
                x = x.multiply(x).mod(bn);
                if (x.equals(nm1)) {
                    composite = false;
                    break;
                }
            }
            if (composite) {
                return false;
            }
        }
        return true;
    }

    /** True if {@code q} is a prime with {@code q = 1 mod 2^(logN+1)}, so that a negacyclic NTT of size 2^logN exists. */
    public static boolean isNttFriendly(long q, int logN) {
        long twoN = 1L << (logN + 1);
        return q > 2 && (q & (twoN - 1)) == 1 && isPrime(q);
    }

    /**
     * A chain of distinct NTT-friendly primes, one per requested bit size, like SEAL's {@code CoeffModulus.Create}:
     * for each size, the largest unused prime {@code q = 1 mod 2N} below {@code 2^bits}.
     *
     * @param logN ring degree exponent, in [1, 17]
     * @param bits bit size of each prime, each in [10, 61] (and above logN + 1)
     * @throws IllegalArgumentException if a size is out of range or no prime of that size remains
     */
    public static long[] chain(int logN, int... bits) {
        if (logN < 1 || logN > 17) {
            throw new IllegalArgumentException("logN must be in [1, 17], but was " + logN);
        }
        long[] out = new long[bits.length];
        Set<Long> used = new HashSet<>();
        for (int i = 0; i < bits.length; i++) {
            out[i] = largestBelow(logN, bits[i], used);
            used.add(out[i]);
        }
        return out;
    }

    /**
     * The largest NTT-friendly prime of exactly {@code bits} bits not in {@code exclude}.
     *
     * @throws IllegalArgumentException if bits is out of range or no such prime exists
     */
    public static long largestBelow(int logN, int bits, Set<Long> exclude) {
        if (bits < 10 || bits > Modulus.MAX_BITS || bits <= logN + 1) {
            throw new IllegalArgumentException("prime bit size must be in [" + Math.max(10, logN + 2) + ", "
                    + Modulus.MAX_BITS + "], but was " + bits);
        }
        long twoN = 1L << (logN + 1);
        long lower = 1L << (bits - 1);
        // largest value = 1 mod 2N below 2^bits
        long c = ((1L << bits) - 1) / twoN * twoN + 1;
        if (c >= (1L << bits)) {
            c -= twoN;
        }
        for (; c > lower; c -= twoN) {
            if (!exclude.contains(c) && isPrime(c)) {
                return c;
            }
        }
        throw new IllegalArgumentException("no unused NTT-friendly prime of " + bits + " bits for logN=" + logN
                + " (used: " + exclude.size() + ")");
    }

    /**
     * The smallest primitive {@code 2N}-th root of unity modulo the NTT-friendly prime {@code q}
     * (a {@code psi} with {@code psi^N = -1}).
     */
    public static long minimalPrimitiveRoot(long q, int logN) {
        if (!isNttFriendly(q, logN)) {
            throw new IllegalArgumentException("q must be a prime = 1 mod 2^" + (logN + 1) + ", but was " + q);
        }
        Modulus m = new Modulus(q);
        long twoN = 1L << (logN + 1);
        long cofactor = (q - 1) / twoN;
        long best = -1;
        // find any generator of the 2N-th roots, then take the minimal odd power
        for (long g = 2; g < q; g++) {
            long psi = m.pow(g, cofactor);
            if (m.pow(psi, twoN >>> 1) == q - 1) {
                long gen = psi;
                long p2 = m.mul(gen, gen);
                long cur = gen;
                best = gen;
                for (long k = 3; k < twoN; k += 2) {
                    cur = m.mul(cur, p2);
                    if (cur < best) {
                        best = cur;
                    }
                }
                break;
            }
        }
        return best;
    }

    /** True if the values are pairwise distinct. */
    public static boolean distinct(long... values) {
        long[] s = values.clone();
        Arrays.sort(s);
        for (int i = 1; i < s.length; i++) {
            if (s[i] == s[i - 1]) {
                return false;
            }
        }
        return true;
    }
}
