/**
 * The RLWE layer: validated parameters (modulus chain, special prime, 128-bit security bound), secret/public keys,
 * encryption and decryption of polynomials, key switching, relinearization and Galois keys. Knows nothing of CKKS
 * encoding. May depend on: {@code ring} and the JDK only.
 */
package io.henas.rlwe;
