package io.henas.ring;

import java.security.SecureRandom;

/**
 * Cryptographic samplers backed by a {@link SecureRandom}: uniform residues, uniform ternary values and a rounded
 * Gaussian (standard deviation {@value #SIGMA}, clipped at {@value #BOUND}), as used for RLWE secrets and errors.
 * Random bytes are drawn from the CSPRNG in bulk. Not thread-safe (one sampler per thread).
 */
public final class Sampler {
    /** Standard deviation of the error distribution (HomomorphicEncryption.org standard). */
    public static final double SIGMA = 3.2;
    /** Errors are clipped to {@code [-BOUND, BOUND]} (6 sigma, rounded down), like SEAL. */
    public static final int BOUND = 19;

    private final SecureRandom rng;
    private final byte[] buf = new byte[8192];
    private int pos = buf.length;

    /** A sampler drawing from the given CSPRNG. */
    public Sampler(SecureRandom rng) {
        this.rng = rng;
    }

    /** A sampler drawing from a new default {@link SecureRandom}. */
    public Sampler() {
        this(new SecureRandom());
    }

    /** The next 64 uniformly random bits. */
    public long nextLong() {
        if (pos + 8 > buf.length) {
            rng.nextBytes(buf);
            pos = 0;
        }
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (buf[pos + i] & 0xFFL);
        }
        pos += 8;
        return v;
    }

    /** A uniform double in [0, 1) with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Fills {@code out} with uniform residues modulo {@code q} (rejection sampling: exactly uniform). */
    public void uniform(Modulus q, long[] out) {
        long mask = (1L << q.bits()) - 1;
        long m = q.value();
        for (int k = 0; k < out.length; k++) {
            long v;
            do {
                v = nextLong() & mask;
            } while (v >= m);
            out[k] = v;
        }
    }

    /** {@code n} values uniform in {-1, 0, 1}. */
    public int[] ternary(int n) {
        int[] out = new int[n];
        int k = 0;
        while (k < n) {
            long bits = nextLong();
            // 32 two-bit draws; value 3 is rejected to keep the three outcomes uniform
            for (int j = 0; j < 32 && k < n; j++, bits >>>= 2) {
                int t = (int) (bits & 3);
                if (t != 3) {
                    out[k++] = t - 1;
                }
            }
        }
        return out;
    }

    /** {@code n} values from the rounded Gaussian with standard deviation {@link #SIGMA}, clipped to +-{@link #BOUND}. */
    public int[] gaussian(int n) {
        int[] out = new int[n];
        int k = 0;
        while (k < n) {
            // Box-Muller: two independent normals per pair of uniforms
            double u1 = 1.0 - nextDouble(); // (0, 1]
            double u2 = nextDouble();
            double r = Math.sqrt(-2.0 * Math.log(u1)) * SIGMA;
            double z0 = r * Math.cos(2 * Math.PI * u2);
            double z1 = r * Math.sin(2 * Math.PI * u2);
            long a = Math.round(z0);
            if (Math.abs(a) <= BOUND) {
                out[k++] = (int) a;
            }
            long b = Math.round(z1);
            if (k < n && Math.abs(b) <= BOUND) {
                out[k++] = (int) b;
            }
        }
        return out;
    }
}
