package io.henas.ckks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import io.henas.ring.Primes;
import io.henas.ring.Ring;
import io.henas.rlwe.RlweParameters;
import io.henas.rlwe.Security;

/**
 * Validated, immutable RNS-CKKS parameters: the {@link RlweParameters} (ring degree, data primes, special primes and
 * key-switching digit size, security) plus a default scale. Build with {@link #of(Literal)}; see {@link CkksPresets}
 * for named sets. {@code N/2} complex slots; levels run from {@link #maxLevel()} (fresh ciphertexts) down to 0.
 */
public final class CkksParameters {

    /**
     * Unchecked parameter description.
     *
     * @param logN          ring degree exponent
     * @param q             data primes {@code q_0..q_L}
     * @param specialPrimes special primes {@code p_0..p_{k-1}} for key switching
     * @param digitSize     data primes per key-switching digit ({@code alpha}, 1 to L + 1)
     * @param defaultScale  default encoding scale (e.g. {@code 2^40}), positive and finite
     * @param security      whether the 128-bit bound is enforced
     */
    public record Literal(int logN, List<Long> q, List<Long> specialPrimes, int digitSize, double defaultScale,
                          Security security) {
        /** Copies the lists (nulls are rejected later by {@link CkksParameters#of(Literal)}). */
        public Literal {
            q = q == null ? null : Collections.unmodifiableList(new ArrayList<>(q));
            specialPrimes = specialPrimes == null ? null
                    : Collections.unmodifiableList(new ArrayList<>(specialPrimes));
        }

        /** SEAL's scheme: one special prime {@code p}, one digit per data prime. */
        public Literal(int logN, List<Long> q, long p, double defaultScale, Security security) {
            this(logN, q, List.of(p), 1, defaultScale, security);
        }

        /** The first special prime (the only one in SEAL's scheme). */
        public long p() {
            if (specialPrimes == null || specialPrimes.isEmpty() || specialPrimes.get(0) == null) {
                throw new IllegalStateException("the literal has no special prime: " + specialPrimes);
            }
            return specialPrimes.get(0);
        }

        /**
         * A literal whose primes are generated from bit sizes like SEAL's {@code CoeffModulus.Create}:
         * {@code bits[0..k-2]} are the data primes, the last entry is the (single) special prime; SEAL's scheme.
         *
         * @param logDefaultScale log2 of the default scale
         */
        public static Literal fromBits(int logN, double logDefaultScale, Security security, int... bits) {
            if (bits.length < 2) {
                throw new IllegalArgumentException("need at least 2 bit sizes (data primes and the special prime), "
                        + "but got " + bits.length);
            }
            return fromBits(logN, logDefaultScale, security, Arrays.copyOf(bits, bits.length - 1),
                    new int[]{bits[bits.length - 1]}, 1);
        }

        /**
         * A literal for hybrid key switching with primes generated from bit sizes (data primes first, then the
         * special primes, each the largest unused NTT-friendly prime of its size).
         *
         * @param logDefaultScale log2 of the default scale
         * @param qBits           bit sizes of the data primes {@code q_0..q_L} (at least one)
         * @param pBits           bit sizes of the special primes (at least one)
         * @param digitSize       data primes per key-switching digit, in {@code [1, L + 1]}
         */
        public static Literal fromBits(int logN, double logDefaultScale, Security security, int[] qBits, int[] pBits,
                                       int digitSize) {
            if (qBits == null || qBits.length < 1) {
                throw new IllegalArgumentException("qBits must hold at least one data prime size, but was "
                        + Arrays.toString(qBits));
            }
            if (pBits == null || pBits.length < 1) {
                throw new IllegalArgumentException("pBits must hold at least one special prime size, but was "
                        + Arrays.toString(pBits));
            }
            int[] all = Arrays.copyOf(qBits, qBits.length + pBits.length);
            System.arraycopy(pBits, 0, all, qBits.length, pBits.length);
            long[] primes = Primes.chain(logN, all);
            List<Long> q = new ArrayList<>();
            List<Long> p = new ArrayList<>();
            for (int i = 0; i < primes.length; i++) {
                (i < qBits.length ? q : p).add(primes[i]);
            }
            return new Literal(logN, q, p, digitSize, Math.pow(2, logDefaultScale), security);
        }
    }

    private final RlweParameters rlwe;
    private final double defaultScale;

    private CkksParameters(RlweParameters rlwe, double defaultScale) {
        this.rlwe = rlwe;
        this.defaultScale = defaultScale;
    }

    /**
     * Validates a literal.
     *
     * @throws IllegalArgumentException naming the violated rule (see {@link RlweParameters#of})
     */
    public static CkksParameters of(Literal literal) {
        if (literal == null) {
            throw new IllegalArgumentException("literal must not be null");
        }
        if (!(literal.defaultScale() >= 2) || Double.isInfinite(literal.defaultScale())) {
            throw new IllegalArgumentException("defaultScale must be finite and >= 2, but was " + literal.defaultScale());
        }
        return new CkksParameters(RlweParameters.of(literal.logN(), literal.q(), literal.specialPrimes(),
                literal.digitSize(), literal.security()), literal.defaultScale());
    }

    /** The literal these parameters were built from. */
    public Literal literal() {
        List<Long> q = new ArrayList<>();
        for (long v : rlwe.qs()) {
            q.add(v);
        }
        List<Long> p = new ArrayList<>();
        for (long v : rlwe.ps()) {
            p.add(v);
        }
        return new Literal(rlwe.logN(), q, p, rlwe.digitSize(), defaultScale, rlwe.security());
    }

    /** The RLWE layer parameters. */
    public RlweParameters rlwe() {
        return rlwe;
    }

    /** The ring over {@code q_0..q_L, p_0..p_{k-1}}. */
    public Ring ring() {
        return rlwe.ring();
    }

    /** log2 N. */
    public int logN() {
        return rlwe.logN();
    }

    /** Ring degree N. */
    public int n() {
        return rlwe.n();
    }

    /** Number of complex slots, N/2. */
    public int slots() {
        return rlwe.n() / 2;
    }

    /** The top level L (fresh ciphertexts). */
    public int maxLevel() {
        return rlwe.maxLevel();
    }

    /** The default scale. */
    public double defaultScale() {
        return defaultScale;
    }

    /** Identifier of the modulus chain (see {@link RlweParameters#id()}). */
    public String id() {
        return rlwe.id();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CkksParameters c && c.rlwe.equals(rlwe) && c.defaultScale == defaultScale;
    }

    @Override
    public int hashCode() {
        return rlwe.hashCode() * 31 + Double.hashCode(defaultScale);
    }

    @Override
    public String toString() {
        return "CkksParameters[" + rlwe + ", scale=2^" + Math.log(defaultScale) / Math.log(2) + "]";
    }
}
