package io.henas.ring;

/**
 * Negacyclic number-theoretic transform of size {@code N = 2^logN} modulo one NTT-friendly prime: Harvey butterflies
 * with Shoup-precomputed twiddles and lazy reduction (values kept in {@code [0, 4q)} between stages).
 *
 * <p>{@link #forward} takes coefficients in natural order and returns evaluations in bit-reversed order: output index
 * {@code k} holds the polynomial evaluated at {@code psi^(2 * bitrev(k) + 1)}, where {@code psi} is the minimal
 * primitive {@code 2N}-th root of unity. {@link #inverse} undoes it. Both work in place, allocate nothing, and accept
 * inputs in {@code [0, q)} (forward also accepts {@code [0, 2q)}), returning values in {@code [0, q)}.
 * Immutable and thread-safe (distinct arrays may be transformed concurrently).
 */
public final class NttTables {
    private final int logN;
    private final int n;
    private final Modulus modulus;
    private final long psi;
    private final long[] fw;
    private final long[] fwShoup;
    private final long[] inv;
    private final long[] invShoup;
    private final long nInv;
    private final long nInvShoup;
    /** psiInvRev[1] * nInv, merged into the last inverse stage. */
    private final long lastInv;
    private final long lastInvShoup;
    /** Twiddles over q as doubles for the vector stages, or null when this prime does not use them. */
    private final double[] fwQuot;
    private final double[] invQuot;

    /**
     * Lanes of the vector stages the platform runs well: 8 where 512-bit vectors are its preferred shape (AVX-512:
     * {@link NttVector}, primes below 2^56), 4 where 256-bit ones are (AVX2: {@link NttVector4}, primes below 2^49),
     * else 0 (scalar); 0 too without the {@code jdk.incubator.vector} module or with the system property
     * {@code henas.simd=false}. {@code henas.simd=avx2} asks for the 4-lane stages on an AVX-512 machine (for
     * comparisons and tests). Either way the outputs are identical.
     */
    public static final int SIMD_LANES = simdLanes();

    /** Whether any NTT stages run on vectors ({@link #SIMD_LANES} > 0). */
    public static final boolean SIMD = SIMD_LANES > 0;

    private static int simdLanes() {
        String p = System.getProperty("henas.simd", "true");
        if ("false".equalsIgnoreCase(p) || ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return 0;
        }
        try {
            if (NttVector.supported() && !"avx2".equalsIgnoreCase(p)) {
                return NttVector.LANES;
            }
            return NttVector.supported() || NttVector4.supported() ? NttVector4.LANES : 0;
        } catch (LinkageError e) {
            return 0;
        }
    }

    /** The largest prime (exclusive) the vector stages take. */
    private static final long SIMD_MAX_PRIME = SIMD_LANES == 8 ? 1L << 56 : 1L << 49;

    /**
     * @param modulus an NTT-friendly prime for this size ({@code q = 1 mod 2N})
     * @param logN    ring degree exponent, in [1, 17]
     */
    public NttTables(Modulus modulus, int logN) {
        if (logN < 1 || logN > 17) {
            throw new IllegalArgumentException("logN must be in [1, 17], but was " + logN);
        }
        this.logN = logN;
        this.n = 1 << logN;
        this.modulus = modulus;
        this.psi = Primes.minimalPrimitiveRoot(modulus.value(), logN);
        long psiInv = modulus.inv(psi);
        fw = new long[n];
        fwShoup = new long[n];
        inv = new long[n];
        invShoup = new long[n];
        long p = 1;
        long pi = 1;
        for (int k = 0; k < n; k++) {
            int r = bitReverse(k, logN);
            fw[r] = p;
            inv[r] = pi;
            p = modulus.mul(p, psi);
            pi = modulus.mul(pi, psiInv);
        }
        for (int k = 0; k < n; k++) {
            fwShoup[k] = modulus.shoup(fw[k]);
            invShoup[k] = modulus.shoup(inv[k]);
        }
        nInv = modulus.inv(n);
        nInvShoup = modulus.shoup(nInv);
        lastInv = modulus.mul(inv[1], nInv);
        lastInvShoup = modulus.shoup(lastInv);
        if (SIMD && modulus.value() < SIMD_MAX_PRIME && n >= 4 * NttVector_LANES) {
            fwQuot = new double[n];
            invQuot = new double[n];
            double qd = modulus.value();
            for (int k = 0; k < n; k++) {
                fwQuot[k] = fw[k] / qd;
                invQuot[k] = inv[k] / qd;
            }
        } else {
            fwQuot = null;
            invQuot = null;
        }
    }

    /** Lanes of the vector stages (8 when scalar: the quotient tables are then not built). */
    private static final int NttVector_LANES = SIMD ? SIMD_LANES : 8;

    /**
     * Whether this prime's transforms use the vector stages (SIMD on, the prime below the lanes' bound, N at least 4
     * vectors per butterfly half).
     */
    public boolean vectorized() {
        return SIMD && fwQuot != null;
    }

    /** {@link #forward} on the scalar path whatever {@link #SIMD} says (for A/B comparisons and tests). */
    public void forwardScalar(long[] a) {
        forwardFrom(a, scalarPrefix(a));
    }

    /** {@link #inverse} on the scalar path whatever {@link #SIMD} says (for A/B comparisons and tests). */
    public void inverseScalar(long[] a) {
        inverseImpl(a, false);
    }

    /** Reverses the low {@code bits} bits of {@code k}. */
    public static int bitReverse(int k, int bits) {
        return bits == 0 ? 0 : Integer.reverse(k) >>> (32 - bits);
    }

    /** The modulus. */
    public Modulus modulus() {
        return modulus;
    }

    /** The ring degree N. */
    public int n() {
        return n;
    }

    /** log2 N. */
    public int logN() {
        return logN;
    }

    /** The primitive 2N-th root of unity used. */
    public long psi() {
        return psi;
    }

    /** In-place forward negacyclic NTT of {@code a[0..N)}: natural order in, bit-reversed order out. */
    public void forward(long[] a) {
        if (SIMD && fwQuot != null) {
            int m = SIMD_LANES == 4 ? NttVector4.forward(a, n, modulus.value(), fw, fwQuot)
                    : NttVector.forward(a, n, modulus.value(), fw, fwQuot);
            forwardFrom(a, radix2Forward(a, m, n / 4));
        } else {
            forwardFrom(a, scalarPrefix(a));
        }
    }

    /** Scalar radix-2 forward stages from {@code m} up to (excluding) {@code end}; returns {@code end}. */
    private int radix2Forward(long[] a, int m, int end) {
        final long q = modulus.value();
        final long twoQ = q << 1;
        for (; m < end; m <<= 1) {
            final int h = n / (2 * m);
            for (int i = 0; i < m; i++) {
                final int j1 = 2 * i * h;
                final long w0 = fw[m + i];
                final long ws0 = fwShoup[m + i];
                for (int j = j1; j < j1 + h; j++) {
                    long x = Modulus.csub(a[j], twoQ);
                    long y = a[j + h];
                    long v = y * w0 - Math.unsignedMultiplyHigh(y, ws0) * q;
                    a[j] = x + v;
                    a[j + h] = x - v + twoQ;
                }
            }
        }
        return m;
    }

    /** The scalar stages before the last radix-4 pass; returns the {@code m} of that pass. */
    private int scalarPrefix(long[] a) {
        final long q = modulus.value();
        final long twoQ = q << 1;
        final long[] w = fw;
        final long[] ws = fwShoup;
        int m = 1;
        if ((logN & 1) == 1) {
            // one radix-2 stage (m = 1) so that the rest pairs up
            final int h = n >>> 1;
            final long w0 = w[1];
            final long ws0 = ws[1];
            for (int j = 0; j < h; j++) {
                long x = a[j];
                long y = a[j + h];
                long v = y * w0 - Math.unsignedMultiplyHigh(y, ws0) * q;
                a[j] = x + v;
                a[j + h] = x - v + twoQ;
            }
            m = 2;
        }
        // radix-4 passes: stages m and 2m at once (the last pass, m = N/4, also reduces to [0, q))
        for (; m < n / 4; m <<= 2) {
            final int h = n / (2 * m);
            final int h2 = h >>> 1;
            for (int i = 0; i < m; i++) {
                final int j1 = 2 * i * h;
                final long w1 = w[m + i];
                final long ws1 = ws[m + i];
                final long w2 = w[2 * m + 2 * i];
                final long ws2 = ws[2 * m + 2 * i];
                final long w3 = w[2 * m + 2 * i + 1];
                final long ws3 = ws[2 * m + 2 * i + 1];
                for (int j = j1; j < j1 + h2; j++) {
                    long x0 = a[j];
                    long x1 = a[j + h2];
                    long x2 = a[j + h];
                    long x3 = a[j + h + h2];
                    // stage m: (x0, x2) and (x1, x3) with w1
                    x0 = Modulus.csub(x0, twoQ);
                    x1 = Modulus.csub(x1, twoQ);
                    long v2 = x2 * w1 - Math.unsignedMultiplyHigh(x2, ws1) * q;
                    long v3 = x3 * w1 - Math.unsignedMultiplyHigh(x3, ws1) * q;
                    long y0 = x0 + v2;
                    long y2 = x0 - v2 + twoQ;
                    long y1 = x1 + v3;
                    long y3 = x1 - v3 + twoQ;
                    // stage 2m: (y0, y1) with w2, (y2, y3) with w3
                    y0 = Modulus.csub(y0, twoQ);
                    y2 = Modulus.csub(y2, twoQ);
                    long u1 = y1 * w2 - Math.unsignedMultiplyHigh(y1, ws2) * q;
                    long u3 = y3 * w3 - Math.unsignedMultiplyHigh(y3, ws3) * q;
                    a[j] = y0 + u1;
                    a[j + h2] = y0 - u1 + twoQ;
                    a[j + h] = y2 + u3;
                    a[j + h + h2] = y2 - u3 + twoQ;
                }
            }
        }
        return m;
    }

    /** The last radix-4 pass ({@code m = N/4}, reducing to {@code [0, q)}), or the reduction alone for N = 2. */
    private void forwardFrom(long[] a, int m) {
        final long q = modulus.value();
        final long twoQ = q << 1;
        final long[] w = fw;
        final long[] ws = fwShoup;
        if (m == n / 4) {
            for (int i = 0, j = 0; i < m; i++, j += 4) {
                final long w1 = w[m + i];
                final long ws1 = ws[m + i];
                final long w2 = w[2 * m + 2 * i];
                final long ws2 = ws[2 * m + 2 * i];
                final long w3 = w[2 * m + 2 * i + 1];
                final long ws3 = ws[2 * m + 2 * i + 1];
                long x0 = a[j];
                long x1 = a[j + 1];
                long x2 = a[j + 2];
                long x3 = a[j + 3];
                x0 = Modulus.csub(x0, twoQ);
                x1 = Modulus.csub(x1, twoQ);
                long v2 = x2 * w1 - Math.unsignedMultiplyHigh(x2, ws1) * q;
                long v3 = x3 * w1 - Math.unsignedMultiplyHigh(x3, ws1) * q;
                long y0 = x0 + v2;
                long y2 = x0 - v2 + twoQ;
                long y1 = x1 + v3;
                long y3 = x1 - v3 + twoQ;
                y0 = Modulus.csub(y0, twoQ);
                y2 = Modulus.csub(y2, twoQ);
                long u1 = y1 * w2 - Math.unsignedMultiplyHigh(y1, ws2) * q;
                long u3 = y3 * w3 - Math.unsignedMultiplyHigh(y3, ws3) * q;
                a[j] = reduceFrom4q(y0 + u1, q, twoQ);
                a[j + 1] = reduceFrom4q(y0 - u1 + twoQ, q, twoQ);
                a[j + 2] = reduceFrom4q(y2 + u3, q, twoQ);
                a[j + 3] = reduceFrom4q(y2 - u3 + twoQ, q, twoQ);
            }
        } else {
            // N = 2: only the radix-2 stage ran
            for (int j = 0; j < n; j++) {
                a[j] = reduceFrom4q(a[j], q, twoQ);
            }
        }
    }

    private static long reduceFrom4q(long x, long q, long twoQ) {
        x = Modulus.csub(x, twoQ);
        return Modulus.csub(x, q);
    }

    /** In-place inverse negacyclic NTT of {@code a[0..N)}: bit-reversed order in, natural order out. */
    public void inverse(long[] a) {
        inverseImpl(a, SIMD && invQuot != null);
    }

    private void inverseImpl(long[] a, boolean vector) {
        final long q = modulus.value();
        final long twoQ = q << 1;
        final long[] w = inv;
        final long[] ws = invShoup;
        int t = 1;
        int m = n;
        if (vector && SIMD_LANES == 4) {
            // stages of span 1 and 2 as one scalar radix-4 pass, then the 4-lane stages and the merged last stage
            if (m > 4) {
                inverseFirstRadix4(a, q, twoQ, w, ws);
                NttVector4.inverseFrom(a, n, 4, n >>> 2, q, w, invQuot, nInv, nInv / (double) q, lastInv,
                        lastInv / (double) q);
                return;
            }
        } else if (vector) {
            // scalar radix-2 stages of span 1, 2, 4, then the vector stages and the merged last stage
            for (; t < NttVector_LANES; m >>>= 1, t <<= 1) {
                final int h = m >>> 1;
                for (int i = 0; i < h; i++) {
                    final int j1 = 2 * i * t;
                    final long w0 = w[h + i];
                    final long ws0 = ws[h + i];
                    for (int j = j1; j < j1 + t; j++) {
                        long u = a[j];
                        long v = a[j + t];
                        long d = u - v + twoQ;
                        a[j] = Modulus.csub(u + v, twoQ);
                        a[j + t] = d * w0 - Math.unsignedMultiplyHigh(d, ws0) * q;
                    }
                }
            }
            NttVector.inverseFrom(a, n, t, m, q, w, invQuot, nInv, nInv / (double) q, lastInv, lastInv / (double) q);
            return;
        }
        if (((logN - 1) & 1) == 1) {
            // one radix-2 stage (t = 1) so that the stages before the last pair up
            final int h = n >>> 1;
            for (int i = 0, j = 0; i < h; i++, j += 2) {
                long u = a[j];
                long v = a[j + 1];
                long s = u + v;
                s = Modulus.csub(s, twoQ);
                long d = u - v + twoQ;
                long qh = Math.unsignedMultiplyHigh(d, ws[h + i]);
                a[j] = s;
                a[j + 1] = d * w[h + i] - qh * q;
            }
            t = 2;
            m = h;
        }
        // radix-4 passes: stages (m, t) and (m/2, 2t) at once (the first, of span 1, as a loop over groups of 4)
        if (t == 1 && m > 2) {
            inverseFirstRadix4(a, q, twoQ, w, ws);
            m >>>= 2;
            t = 4;
        }
        for (; m > 2; m >>>= 2, t <<= 2) {
            final int h = m >>> 1;
            final int h2 = m >>> 2;
            for (int i = 0; i < h2; i++) {
                final int j0 = 4 * i * t;
                final long wa0 = w[h + 2 * i];
                final long wsa0 = ws[h + 2 * i];
                final long wa1 = w[h + 2 * i + 1];
                final long wsa1 = ws[h + 2 * i + 1];
                final long wb = w[h2 + i];
                final long wsb = ws[h2 + i];
                for (int j = j0; j < j0 + t; j++) {
                    long x0 = a[j];
                    long x1 = a[j + t];
                    long x2 = a[j + 2 * t];
                    long x3 = a[j + 3 * t];
                    long s0 = x0 + x1;
                    s0 = Modulus.csub(s0, twoQ);
                    long d0 = x0 - x1 + twoQ;
                    d0 = d0 * wa0 - Math.unsignedMultiplyHigh(d0, wsa0) * q;
                    long s1 = x2 + x3;
                    s1 = Modulus.csub(s1, twoQ);
                    long d1 = x2 - x3 + twoQ;
                    d1 = d1 * wa1 - Math.unsignedMultiplyHigh(d1, wsa1) * q;
                    long e0 = s0 + s1;
                    e0 = Modulus.csub(e0, twoQ);
                    long f0 = s0 - s1 + twoQ;
                    long e1 = d0 + d1;
                    e1 = Modulus.csub(e1, twoQ);
                    long f1 = d0 - d1 + twoQ;
                    a[j] = e0;
                    a[j + t] = e1;
                    a[j + 2 * t] = f0 * wb - Math.unsignedMultiplyHigh(f0, wsb) * q;
                    a[j + 3 * t] = f1 * wb - Math.unsignedMultiplyHigh(f1, wsb) * q;
                }
            }
        }
        inverseLast(a, q, twoQ);
    }

    /**
     * The inverse stages of span 1 and 2 as one radix-4 pass over groups of 4 consecutive values (inputs in
     * {@code [0, q)} or {@code [0, 2q)}, outputs in {@code [0, 2q)}); needs {@code N >= 8}.
     */
    private void inverseFirstRadix4(long[] a, long q, long twoQ, long[] w, long[] ws) {
        final int h = n >>> 1;
        final int h2 = n >>> 2;
        for (int i = 0, j = 0; i < h2; i++, j += 4) {
            final long wa0 = w[h + 2 * i];
            final long wsa0 = ws[h + 2 * i];
            final long wa1 = w[h + 2 * i + 1];
            final long wsa1 = ws[h + 2 * i + 1];
            final long wb = w[h2 + i];
            final long wsb = ws[h2 + i];
            long x0 = a[j];
            long x1 = a[j + 1];
            long x2 = a[j + 2];
            long x3 = a[j + 3];
            long s0 = Modulus.csub(x0 + x1, twoQ);
            long d0 = x0 - x1 + twoQ;
            d0 = d0 * wa0 - Math.unsignedMultiplyHigh(d0, wsa0) * q;
            long s1 = Modulus.csub(x2 + x3, twoQ);
            long d1 = x2 - x3 + twoQ;
            d1 = d1 * wa1 - Math.unsignedMultiplyHigh(d1, wsa1) * q;
            long f0 = s0 - s1 + twoQ;
            long f1 = d0 - d1 + twoQ;
            a[j] = Modulus.csub(s0 + s1, twoQ);
            a[j + 1] = Modulus.csub(d0 + d1, twoQ);
            a[j + 2] = f0 * wb - Math.unsignedMultiplyHigh(f0, wsb) * q;
            a[j + 3] = f1 * wb - Math.unsignedMultiplyHigh(f1, wsb) * q;
        }
    }

    /** The last inverse stage ({@code m = 2}) merged with the multiplication by {@code 1/N}; outputs in [0, q). */
    private void inverseLast(long[] a, long q, long twoQ) {
        // last stage (m = 2, h = 1) merged with the multiplication by 1/N
        final int half = n >>> 1;
        final long ni = nInv;
        final long nis = nInvShoup;
        final long li = lastInv;
        final long lis = lastInvShoup;
        for (int j = 0; j < half; j++) {
            long u = a[j];
            long v = a[j + half];
            long s = u + v;
            long d = u - v + twoQ;
            long r0 = s * ni - Math.unsignedMultiplyHigh(s, nis) * q;
            long r1 = d * li - Math.unsignedMultiplyHigh(d, lis) * q;
            a[j] = Modulus.csub(r0, q);
            a[j + half] = Modulus.csub(r1, q);
        }
    }
}
