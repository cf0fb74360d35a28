/**
 * Number theory for RLWE: word-size moduli and NTT-friendly primes, Shoup/Barrett modular arithmetic, negacyclic
 * NTTs, RNS polynomials (flat {@code long[]} limbs), RNS basis extension and samplers. Knows nothing of encryption.
 * May depend on: the JDK only.
 */
package io.henas.ring;
