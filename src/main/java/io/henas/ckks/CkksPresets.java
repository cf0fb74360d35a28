package io.henas.ckks;

import io.henas.rlwe.Security;

/**
 * Named parameter literals. Secure presets respect the 128-bit bound ({@code log(QP)} in the name's comment);
 * presets named {@code INSECURE_...} are for fast tests only. Build with {@link CkksParameters#of}.
 * Primes are the largest NTT-friendly primes of each size (like SEAL's {@code CoeffModulus.Create}).
 */
public final class CkksPresets {
    private CkksPresets() {
    }

    /**
     * N=4096, logQP=109: q0 40 bits (decryption base), q1 29 bits (one rescale at scale 2^29), P 40 bits. Depth 1.
     */
    public static final CkksParameters.Literal N12_DEPTH1 = CkksParameters.Literal.fromBits(12, 29,
            Security.HE_STANDARD_128, 40, 29, 40);

    /**
     * N=8192, logQP=200: q0 60 bits (base), q1..q2 40 bits (scale 2^40), P 60 bits. Depth 2
     * (SEAL's example chain {60, 40, 40, 60}).
     */
    public static final CkksParameters.Literal N13_DEPTH2 = CkksParameters.Literal.fromBits(13, 40,
            Security.HE_STANDARD_128, 60, 40, 40, 60);

    /**
     * N=8192, logQP=218: SEAL's default 128-bit chain {43, 43, 44, 44, 44}: q0..q3 as data primes, the last 44-bit
     * prime as P; scale 2^40 leaves ~3 bits of headroom per rescale. Depth 3.
     */
    public static final CkksParameters.Literal N13_SEAL_DEFAULT = CkksParameters.Literal.fromBits(13, 40,
            Security.HE_STANDARD_128, 43, 43, 44, 44, 44);

    /**
     * N=16384, logQP=400: q0 60 bits (base), q1..q7 40 bits (scale 2^40), P 60 bits. Depth 7.
     */
    public static final CkksParameters.Literal N14_DEPTH7 = CkksParameters.Literal.fromBits(14, 40,
            Security.HE_STANDARD_128, 60, 40, 40, 40, 40, 40, 40, 40, 60);

    /**
     * N=16384, logQP=438: SEAL's default chain, 9 primes of 48-49 bits: q0..q7 data primes, the last as P. Depth 7
     * at scale 2^40.
     */
    public static final CkksParameters.Literal N14_SEAL_DEFAULT = CkksParameters.Literal.fromBits(14, 40,
            Security.HE_STANDARD_128, 48, 48, 48, 49, 49, 49, 49, 49, 49);

    /**
     * N=32768, logQP=880: q0 60 bits (base), q1..q19 40 bits (scale 2^40), P 60 bits. Depth 19.
     */
    public static final CkksParameters.Literal N15_DEPTH19 = CkksParameters.Literal.fromBits(15, 40,
            Security.HE_STANDARD_128, 60, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40,
            40, 60);

    /**
     * N=32768, logQP=881: SEAL's default chain, 16 primes of 55-56 bits (15 data primes of 55 bits, the 56-bit
     * prime as P); default scale 2^50. Depth 14.
     */
    public static final CkksParameters.Literal N15_SEAL_DEFAULT = CkksParameters.Literal.fromBits(15, 50,
            Security.HE_STANDARD_128, 55, 55, 55, 55, 55, 55, 55, 55, 55, 55, 55, 55, 55, 55, 55, 56);

    /** N=1024, q0 50 bits, q1..q2 40 bits, P 50 bits (180 bits, far above the 27-bit bound). INSECURE: tests only. */
    public static final CkksParameters.Literal INSECURE_N10 = CkksParameters.Literal.fromBits(10, 40,
            Security.INSECURE_NO_BOUND, 50, 40, 40, 50);

    /** N=2048, q0 50 bits, q1..q3 40 bits, P 50 bits. INSECURE: tests only. */
    public static final CkksParameters.Literal INSECURE_N11 = CkksParameters.Literal.fromBits(11, 40,
            Security.INSECURE_NO_BOUND, 50, 40, 40, 40, 50);
}
