package io.henas.rlwe;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import io.henas.ring.Modulus;
import io.henas.ring.Primes;
import io.henas.ring.Ring;

/**
 * Validated RLWE parameters: ring degree {@code N = 2^logN}, a data modulus chain {@code q_0, ..., q_L}, special
 * primes {@code P = p_0 ... p_{k-1}} for key switching and a digit size {@code alpha} (data primes per key-switching
 * digit), with precomputed NTT tables and RNS constants. Immutable and thread-safe.
 *
 * <p>Key switching is hybrid (Han-Ki; Lattigo's and OpenFHE's): at level {@code l} a polynomial is split into
 * {@code dnum = ceil((l + 1) / alpha)} digits, each the residue modulo {@code alpha} consecutive data primes.
 * {@code k = 1, alpha = 1} is SEAL's scheme (one digit per data prime, one special prime). For a small key-switching
 * noise, {@code P} should exceed the largest digit product (see {@link #maxDigitBits()}).
 *
 * <p>Validation rejects primes that are not NTT-friendly ({@code q = 1 mod 2N}), above 61 bits, or repeated, a digit
 * size outside {@code [1, L + 1]}, and, unless {@link Security#INSECURE_NO_BOUND}, any {@code logN} outside
 * [12, 16] or a total bit count of {@code QP} (all data and special primes) above {@link SecurityBound#maxLogQP(int)}.
 */
public final class RlweParameters {
    /** Most special primes a parameter set may have. */
    public static final int MAX_SPECIAL_PRIMES = 16;

    private final int logN;
    private final long[] q;
    private final long[] p;
    private final int alpha;
    private final Security security;
    private final Ring ring;
    private final int logQP;
    private final String id;
    /** rescaleInv[l][i] = q_l^{-1} mod q_i for i < l; rescaleInvShoup likewise. */
    private final long[][] rescaleInv;
    private final long[][] rescaleInvShoup;
    /** P^{-1} mod q_i and P mod q_i (P the product of the special primes). */
    private final long[] pInv;
    private final long[] pInvShoup;
    private final long[] pModQ;
    private volatile KeySwitchTables keySwitchTables;

    private RlweParameters(int logN, long[] q, long[] p, int alpha, Security security) {
        this.logN = logN;
        this.q = q;
        this.p = p;
        this.alpha = alpha;
        this.security = security;
        long[] all = Arrays.copyOf(q, q.length + p.length);
        System.arraycopy(p, 0, all, q.length, p.length);
        this.ring = new Ring(logN, all);
        int bits = 0;
        for (long v : all) {
            bits += 64 - Long.numberOfLeadingZeros(v);
        }
        this.logQP = bits;
        int l = q.length;
        rescaleInv = new long[l][];
        rescaleInvShoup = new long[l][];
        for (int top = 0; top < l; top++) {
            rescaleInv[top] = new long[top];
            rescaleInvShoup[top] = new long[top];
            for (int i = 0; i < top; i++) {
                Modulus mi = ring.modulus(i);
                rescaleInv[top][i] = mi.inv(mi.reduce(q[top]));
                rescaleInvShoup[top][i] = mi.shoup(rescaleInv[top][i]);
            }
        }
        pInv = new long[l];
        pInvShoup = new long[l];
        pModQ = new long[l];
        for (int i = 0; i < l; i++) {
            Modulus mi = ring.modulus(i);
            long prod = 1;
            for (long pj : p) {
                prod = mi.mul(prod, mi.reduce(pj));
            }
            pModQ[i] = prod;
            pInv[i] = mi.inv(pModQ[i]);
            pInvShoup[i] = mi.shoup(pInv[i]);
        }
        this.id = computeId(logN, all, p.length, alpha);
    }

    /**
     * SEAL's scheme: one special prime, one digit per data prime ({@code of(logN, q, List.of(p), 1, security)}).
     *
     * @param logN     ring degree exponent: [12, 16], or [10, 16] with {@link Security#INSECURE_NO_BOUND}
     * @param q        data primes {@code q_0..q_L} (at least one); {@code q_0} is the base prime decryption ends at
     * @param p        the special prime for key switching
     * @param security whether to enforce the 128-bit bound
     * @throws IllegalArgumentException naming the violated rule
     */
    public static RlweParameters of(int logN, List<Long> q, long p, Security security) {
        return of(logN, q, List.of(p), 1, security);
    }

    /**
     * Validates and builds parameters for hybrid key switching.
     *
     * @param logN      ring degree exponent: [12, 16], or [10, 16] with {@link Security#INSECURE_NO_BOUND}
     * @param q         data primes {@code q_0..q_L} (at least one); {@code q_0} is the base prime decryption ends at
     * @param p         the special primes {@code p_0..p_{k-1}} (1 to {@link #MAX_SPECIAL_PRIMES})
     * @param digitSize data primes per key-switching digit, in {@code [1, L + 1]}
     * @param security  whether to enforce the 128-bit bound
     * @throws IllegalArgumentException naming the violated rule
     */
    public static RlweParameters of(int logN, List<Long> q, List<Long> p, int digitSize, Security security) {
        if (security == null) {
            throw new IllegalArgumentException("security must not be null");
        }
        int min = security == Security.INSECURE_NO_BOUND ? 10 : 12;
        if (logN < min || logN > 16) {
            throw new IllegalArgumentException("logN must be in [" + min + ", 16]"
                    + (min == 12 ? " (10..11 only with Security.INSECURE_NO_BOUND)" : "") + ", but was " + logN);
        }
        if (q == null || q.isEmpty()) {
            throw new IllegalArgumentException("the modulus chain q must hold at least one prime, but was " + q);
        }
        if (p == null || p.isEmpty() || p.size() > MAX_SPECIAL_PRIMES) {
            throw new IllegalArgumentException("the special primes p must be 1 to " + MAX_SPECIAL_PRIMES
                    + " primes, but were " + (p == null ? "null" : p.size() + " " + p));
        }
        long[] qs = primes(q, "q", logN);
        long[] ps = primes(p, "p", logN);
        if (digitSize < 1 || digitSize > qs.length) {
            throw new IllegalArgumentException("digitSize (data primes per key-switching digit) must be in [1, "
                    + qs.length + "] (1 to the number of data primes), but was " + digitSize);
        }
        long[] all = Arrays.copyOf(qs, qs.length + ps.length);
        System.arraycopy(ps, 0, all, qs.length, ps.length);
        for (int i = 0; i < all.length; i++) {
            for (int j = 0; j < i; j++) {
                if (all[i] == all[j]) {
                    throw new IllegalArgumentException("primes must be distinct, but " + name(i, qs.length) + " = "
                            + name(j, qs.length) + " = " + all[i]);
                }
            }
        }
        int bits = 0;
        for (long v : all) {
            bits += 64 - Long.numberOfLeadingZeros(v);
        }
        if (security == Security.HE_STANDARD_128 && bits > SecurityBound.maxLogQP(logN)) {
            throw new IllegalArgumentException("log2(QP) must be at most " + SecurityBound.maxLogQP(logN)
                    + " bits for 128-bit security at logN=" + logN + ", but was " + bits
                    + " (data and special primes; use fewer or smaller primes, a larger logN, or "
                    + "Security.INSECURE_NO_BOUND for tests)");
        }
        return new RlweParameters(logN, qs, ps, digitSize, security);
    }

    private static long[] primes(List<Long> list, String what, int logN) {
        long[] out = new long[list.size()];
        for (int i = 0; i < out.length; i++) {
            Long v = list.get(i);
            if (v == null) {
                throw new IllegalArgumentException(what + "[" + i + "] must not be null");
            }
            out[i] = v;
            checkPrime(what + "[" + i + "]", out[i], logN);
        }
        return out;
    }

    private static String name(int i, int l) {
        return i >= l ? "p[" + (i - l) + "]" : "q[" + i + "]";
    }

    private static void checkPrime(String what, long v, int logN) {
        if (v <= 0 || v >= (1L << Modulus.MAX_BITS)) {
            throw new IllegalArgumentException(what + " must be a prime of at most " + Modulus.MAX_BITS
                    + " bits, but was " + v + (v > 0 ? " (" + (64 - Long.numberOfLeadingZeros(v)) + " bits)" : ""));
        }
        if (!Primes.isNttFriendly(v, logN)) {
            throw new IllegalArgumentException(what + " must be an NTT-friendly prime (prime and = 1 mod 2N = "
                    + (1L << (logN + 1)) + "), but was " + v + (Primes.isPrime(v) ? " (prime, but " + v + " mod "
                    + (1L << (logN + 1)) + " = " + (v % (1L << (logN + 1))) + ")" : " (not prime)"));
        }
    }

    /** SEAL's scheme (k = 1, alpha = 1) keeps the id of earlier versions; others also hash k and alpha. */
    private static String computeId(int logN, long[] all, int k, int alpha) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update((byte) logN);
            for (long v : all) {
                for (int b = 0; b < 8; b++) {
                    md.update((byte) (v >>> (8 * b)));
                }
            }
            if (k != 1 || alpha != 1) {
                md.update((byte) 0xD1);
                md.update((byte) k);
                md.update((byte) alpha);
            }
            return HexFormat.of().formatHex(md.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    /** log2 N. */
    public int logN() {
        return logN;
    }

    /** Ring degree N. */
    public int n() {
        return 1 << logN;
    }

    /** The top data level L (number of data primes minus one). */
    public int maxLevel() {
        return q.length - 1;
    }

    /** Data prime {@code q_i}. */
    public long q(int i) {
        return q[i];
    }

    /** All data primes (copy). */
    public long[] qs() {
        return q.clone();
    }

    /** The first special prime {@code p_0} (the only one in SEAL's scheme). */
    public long p() {
        return p[0];
    }

    /** Special prime {@code p_i}, {@code 0 <= i < k}. */
    public long p(int i) {
        return p[i];
    }

    /** All special primes (copy). */
    public long[] ps() {
        return p.clone();
    }

    /** The number {@code k} of special primes. */
    public int specialPrimeCount() {
        return p.length;
    }

    /** Data primes per key-switching digit ({@code alpha}). */
    public int digitSize() {
        return alpha;
    }

    /** Key-switching digits at {@code level}: {@code ceil((level + 1) / alpha)}. */
    public int digitCount(int level) {
        if (level < 0 || level > maxLevel()) {
            throw new IllegalArgumentException("level must be in [0, " + maxLevel() + "], but was " + level);
        }
        return (level + alpha) / alpha;
    }

    /** True for SEAL's scheme: one special prime and one digit per data prime. */
    public boolean isSealScheme() {
        return p.length == 1 && alpha == 1;
    }

    /** Bit length of the largest digit product (the product of {@code alpha} consecutive data primes). */
    public int maxDigitBits() {
        int best = 0;
        for (int j = 0; j < q.length; j += alpha) {
            java.math.BigInteger prod = java.math.BigInteger.ONE;
            for (int i = j; i < Math.min(q.length, j + alpha); i++) {
                prod = prod.multiply(java.math.BigInteger.valueOf(q[i]));
            }
            best = Math.max(best, prod.bitLength());
        }
        return best;
    }

    /** Bit length of the product {@code P} of the special primes. */
    public int specialBits() {
        java.math.BigInteger prod = java.math.BigInteger.ONE;
        for (long v : p) {
            prod = prod.multiply(java.math.BigInteger.valueOf(v));
        }
        return prod.bitLength();
    }

    /** Index of {@code p_0} in {@link #ring()} (= number of data primes); {@code p_i} is at {@code pIndex() + i}. */
    public int pIndex() {
        return q.length;
    }

    /** The security setting these parameters were validated under. */
    public Security security() {
        return security;
    }

    /** Total bit count of QP (sum of the primes' bit lengths). */
    public int logQP() {
        return logQP;
    }

    /** The ring over {@code q_0, ..., q_L, p_0, ..., p_{k-1}}. */
    public Ring ring() {
        return ring;
    }

    /** A short identifier (16 hex digits of SHA-256 over logN and the primes) used to match serialized objects. */
    public String id() {
        return id;
    }

    /** {@code q_top^{-1} mod q_i} (for rescaling from level {@code top}), {@code i < top}. */
    public long rescaleInv(int top, int i) {
        return rescaleInv[top][i];
    }

    /** Shoup quotient of {@link #rescaleInv(int, int)}. */
    public long rescaleInvShoup(int top, int i) {
        return rescaleInvShoup[top][i];
    }

    /** {@code P^{-1} mod q_i} ({@code P} the product of the special primes). */
    public long pInv(int i) {
        return pInv[i];
    }

    /** Shoup quotient of {@link #pInv(int)}. */
    public long pInvShoup(int i) {
        return pInvShoup[i];
    }

    /** The basis-extension tables of key switching, built on first use. */
    KeySwitchTables keySwitchTables() {
        KeySwitchTables t = keySwitchTables;
        if (t == null) {
            synchronized (this) {
                t = keySwitchTables;
                if (t == null) {
                    t = new KeySwitchTables(this);
                    keySwitchTables = t;
                }
            }
        }
        return t;
    }

    /** {@code P mod q_i}. */
    public long pModQ(int i) {
        return pModQ[i];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RlweParameters r && r.logN == logN && Arrays.equals(r.p, p) && Arrays.equals(r.q, q)
                && r.alpha == alpha && r.security == security;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * logN + Arrays.hashCode(q)) + Arrays.hashCode(p)) + alpha;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("RlweParameters[logN=").append(logN).append(", q=[");
        for (int i = 0; i < q.length; i++) {
            b.append(i == 0 ? "" : ", ").append(64 - Long.numberOfLeadingZeros(q[i])).append("b");
        }
        b.append("], p=[");
        for (int i = 0; i < p.length; i++) {
            b.append(i == 0 ? "" : ", ").append(64 - Long.numberOfLeadingZeros(p[i])).append("b");
        }
        return b.append("], digitSize=").append(alpha).append(", logQP=").append(logQP)
                .append(", ").append(security).append(", id=").append(id).append(']').toString();
    }
}
