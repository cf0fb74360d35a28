package io.henas.ring;

import java.security.SecureRandom;

/**
 * Cryptographic samplers backed by a {@link SecureRandom}: uniform residues, uniform ternary values and a discrete
 * Gaussian (standard deviation {@value #SIGMA}, clipped at {@value #BOUND}), as used for RLWE secrets and errors.
 * Random bytes are drawn from the CSPRNG in bulk. Not thread-safe (one sampler per thread).
 */
public final class Sampler {
    /** Standard deviation of the error distribution (HomomorphicEncryption.org standard). */
    public static final double SIGMA = 3.2;
    /** Errors are clipped to {@code [-BOUND, BOUND]} (6 sigma, rounded down), like SEAL. */
    public static final int BOUND = 19;

    private static final java.lang.invoke.VarHandle LONGS = java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
            long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    private final SecureRandom rng;
    private final byte[] buf = new byte[16384];
    private int pos = buf.length;

    /** A sampler drawing from the given CSPRNG. */
    public Sampler(SecureRandom rng) {
        this.rng = rng;
    }

    /**
     * A sampler drawing from a new {@code DRBG} {@link SecureRandom} (NIST SP 800-90A, seeded by the platform's
     * entropy source; several times faster in bulk than the default {@code NativePRNG}).
     */
    public Sampler() {
        this(newDrbg());
    }

    private static SecureRandom newDrbg() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (java.security.NoSuchAlgorithmException e) {
            return new SecureRandom();
        }
    }

    /** CDT[i] = floor(2^32 * P(X <= i - BOUND)) for the discrete Gaussian on [-BOUND, BOUND], unsigned. */
    private static final long[] CDT = buildCdt();

    private static long[] buildCdt() {
        double[] w = new double[2 * BOUND + 1];
        double total = 0;
        for (int i = 0; i < w.length; i++) {
            int x = i - BOUND;
            w[i] = Math.exp(-(double) x * x / (2 * SIGMA * SIGMA));
            total += w[i];
        }
        long[] cdt = new long[w.length];
        double acc = 0;
        for (int i = 0; i < w.length; i++) {
            acc += w[i];
            cdt[i] = Math.min(1L << 32, Math.round(acc / total * 0x1p32));
        }
        cdt[w.length - 1] = 1L << 32;
        return cdt;
    }

    /** The next 64 uniformly random bits. */
    public long nextLong() {
        if (pos + 8 > buf.length) {
            rng.nextBytes(buf);
            pos = 0;
        }
        long v = (long) LONGS.get(buf, pos);
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

    /**
     * {@code n} values from the discrete Gaussian with standard deviation {@link #SIGMA} on
     * {@code [-BOUND, BOUND]}, by inversion of a 32-bit cumulative table (two samples per 64 random bits).
     */
    public int[] gaussian(int n) {
        int[] out = new int[n];
        final long[] cdt = CDT;
        for (int k = 0; k < n; k += 2) {
            long bits = nextLong();
            out[k] = cdtSample(cdt, bits >>> 32);
            if (k + 1 < n) {
                out[k + 1] = cdtSample(cdt, bits & 0xFFFFFFFFL);
            }
        }
        return out;
    }

    private static int cdtSample(long[] cdt, long u) {
        // smallest i with u < cdt[i] (binary search over 39 entries)
        int lo = 0;
        int hi = cdt.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (u < cdt[mid]) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo - BOUND;
    }
}
