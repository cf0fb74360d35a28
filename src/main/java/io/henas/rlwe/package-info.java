/**
 * The RLWE layer, knowing nothing of CKKS encoding: validated parameters ({@link io.henas.rlwe.RlweParameters}: modulus
 * chain, special primes and key-switching digit size, the 128-bit bound of {@link io.henas.rlwe.SecurityBound}), keys
 * (secret, public, relinearization, Galois, optionally restricted to a maximum level;
 * {@link io.henas.rlwe.EvaluationKeys} is the server-side bundle and cannot hold a secret), encryption and decryption
 * of polynomials, and hybrid key switching ({@link io.henas.rlwe.KeySwitcher}: digits of {@code alpha} data primes,
 * {@code k} special primes; SEAL's per-prime scheme is {@code k = alpha = 1}), with a reusable
 * {@link io.henas.rlwe.Decomposition} for hoisting.
 * May depend on: {@code ring} and the JDK only.
 */
package io.henas.rlwe;
