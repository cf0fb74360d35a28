package io.henas.ckks;

import java.util.ArrayList;
import java.util.List;

import io.henas.ring.Primes;
import io.henas.ring.Ring;
import io.henas.rlwe.RlweParameters;
import io.henas.rlwe.Security;

/**
 * Validated, immutable RNS-CKKS parameters: the {@link RlweParameters} (ring degree, data primes, special prime,
 * security) plus a default scale. Build with {@link #of(Literal)}; see {@link CkksPresets} for named sets.
 * {@code N/2} complex slots; levels run from {@link #maxLevel()} (fresh ciphertexts) down to 0.
 */
public final class CkksParameters {

    /**
     * Unchecked parameter description.
     *
     * @param logN         ring degree exponent
     * @param q            data primes {@code q_0..q_L}
     * @param p            special prime for key switching
     * @param defaultScale default encoding scale (e.g. {@code 2^40}), positive and finite
     * @param security     whether the 128-bit bound is enforced
     */
    public record Literal(int logN, List<Long> q, long p, double defaultScale, Security security) {
        /** Copies the list (nulls are rejected later by {@link CkksParameters#of(Literal)}). */
        public Literal {
            q = q == null ? null : java.util.Collections.unmodifiableList(new ArrayList<>(q));
        }

        /**
         * A literal whose primes are generated from bit sizes like SEAL's {@code CoeffModulus.Create}:
         * {@code bits[0..k-2]} are the data primes, the last entry is the special prime.
         *
         * @param logDefaultScale log2 of the default scale
         */
        public static Literal fromBits(int logN, double logDefaultScale, Security security, int... bits) {
            if (bits.length < 2) {
                throw new IllegalArgumentException("need at least 2 bit sizes (data primes and the special prime), "
                        + "but got " + bits.length);
            }
            long[] primes = Primes.chain(logN, bits);
            List<Long> q = new ArrayList<>();
            for (int i = 0; i < primes.length - 1; i++) {
                q.add(primes[i]);
            }
            return new Literal(logN, q, primes[primes.length - 1], Math.pow(2, logDefaultScale), security);
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
        return new CkksParameters(RlweParameters.of(literal.logN(), literal.q(), literal.p(), literal.security()),
                literal.defaultScale());
    }

    /** The literal these parameters were built from. */
    public Literal literal() {
        List<Long> q = new ArrayList<>();
        for (long v : rlwe.qs()) {
            q.add(v);
        }
        return new Literal(rlwe.logN(), q, rlwe.p(), defaultScale, rlwe.security());
    }

    /** The RLWE layer parameters. */
    public RlweParameters rlwe() {
        return rlwe;
    }

    /** The ring over {@code q_0..q_L, P}. */
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
