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
 * Validated RLWE parameters: ring degree {@code N = 2^logN}, a data modulus chain {@code q_0, ..., q_L} and one
 * special prime {@code P} for key switching, with precomputed NTT tables and RNS constants. Immutable and thread-safe.
 *
 * <p>Validation rejects primes that are not NTT-friendly ({@code q = 1 mod 2N}), above 61 bits, or repeated, and,
 * unless {@link Security#INSECURE_NO_BOUND}, any {@code logN} outside [12, 16] or a total bit count of {@code QP}
 * above {@link SecurityBound#maxLogQP(int)}.
 */
public final class RlweParameters {
    private final int logN;
    private final long[] q;
    private final long p;
    private final Security security;
    private final Ring ring;
    private final int logQP;
    private final String id;
    /** rescaleInv[l][i] = q_l^{-1} mod q_i for i < l; rescaleInvShoup likewise. */
    private final long[][] rescaleInv;
    private final long[][] rescaleInvShoup;
    /** P^{-1} mod q_i and P mod q_i. */
    private final long[] pInv;
    private final long[] pInvShoup;
    private final long[] pModQ;

    private RlweParameters(int logN, long[] q, long p, Security security) {
        this.logN = logN;
        this.q = q;
        this.p = p;
        this.security = security;
        long[] all = Arrays.copyOf(q, q.length + 1);
        all[q.length] = p;
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
            pModQ[i] = mi.reduce(p);
            pInv[i] = mi.inv(pModQ[i]);
            pInvShoup[i] = mi.shoup(pInv[i]);
        }
        this.id = computeId(logN, all);
    }

    /**
     * Validates and builds parameters.
     *
     * @param logN     ring degree exponent: [12, 16], or [10, 16] with {@link Security#INSECURE_NO_BOUND}
     * @param q        data primes {@code q_0..q_L} (at least one); {@code q_0} is the base prime decryption ends at
     * @param p        the special prime for key switching
     * @param security whether to enforce the 128-bit bound
     * @throws IllegalArgumentException naming the violated rule
     */
    public static RlweParameters of(int logN, List<Long> q, long p, Security security) {
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
        long[] qs = new long[q.size()];
        for (int i = 0; i < qs.length; i++) {
            Long v = q.get(i);
            if (v == null) {
                throw new IllegalArgumentException("q[" + i + "] must not be null");
            }
            qs[i] = v;
            checkPrime("q[" + i + "]", qs[i], logN);
        }
        checkPrime("p", p, logN);
        long[] all = Arrays.copyOf(qs, qs.length + 1);
        all[qs.length] = p;
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
                    + " (use fewer or smaller primes, a larger logN, or Security.INSECURE_NO_BOUND for tests)");
        }
        return new RlweParameters(logN, qs, p, security);
    }

    private static String name(int i, int l) {
        return i == l ? "p" : "q[" + i + "]";
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

    private static String computeId(int logN, long[] all) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update((byte) logN);
            for (long v : all) {
                for (int b = 0; b < 8; b++) {
                    md.update((byte) (v >>> (8 * b)));
                }
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

    /** The special prime P. */
    public long p() {
        return p;
    }

    /** Index of P in {@link #ring()} (= number of data primes). */
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

    /** The ring over {@code q_0, ..., q_L, P}. */
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

    /** {@code P^{-1} mod q_i}. */
    public long pInv(int i) {
        return pInv[i];
    }

    /** Shoup quotient of {@link #pInv(int)}. */
    public long pInvShoup(int i) {
        return pInvShoup[i];
    }

    /** {@code P mod q_i}. */
    public long pModQ(int i) {
        return pModQ[i];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RlweParameters r && r.logN == logN && r.p == p && Arrays.equals(r.q, q)
                && r.security == security;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * logN + Arrays.hashCode(q)) + Long.hashCode(p);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("RlweParameters[logN=").append(logN).append(", q=[");
        for (int i = 0; i < q.length; i++) {
            b.append(i == 0 ? "" : ", ").append(64 - Long.numberOfLeadingZeros(q[i])).append("b");
        }
        return b.append("], p=").append(64 - Long.numberOfLeadingZeros(p)).append("b, logQP=").append(logQP)
                .append(", ").append(security).append(", id=").append(id).append(']').toString();
    }
}
