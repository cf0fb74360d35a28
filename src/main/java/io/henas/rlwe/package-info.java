/**
 * The RLWE layer, knowing nothing of CKKS encoding: validated parameters ({@link io.henas.rlwe.RlweParameters}: modulus
 * chain, one special prime, the 128-bit bound of {@link io.henas.rlwe.SecurityBound}), keys (secret, public,
 * relinearization, Galois; {@link io.henas.rlwe.EvaluationKeys} is the server-side bundle and cannot hold a secret),
 * encryption and decryption of polynomials, and SEAL-style key switching with per-prime digits
 * ({@link io.henas.rlwe.KeySwitcher}, with a reusable {@link io.henas.rlwe.Decomposition} for hoisting).
 * May depend on: {@code ring} and the JDK only.
 */
package io.henas.rlwe;
