package io.henas.rlwe;

/** Whether parameter validation enforces the 128-bit security bound. */
public enum Security {
    /** Enforce logN in [12, 16] and {@code log(QP) <= }{@link SecurityBound#maxLogQP(int)} (the default). */
    HE_STANDARD_128,
    /** Test-only opt-out: accepts logN in [10, 16] and any modulus size. Never use for real data. */
    INSECURE_NO_BOUND
}
