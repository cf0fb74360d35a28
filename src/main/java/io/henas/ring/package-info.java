/**
 * Number theory for RLWE, knowing nothing of encryption: word-size moduli with Barrett and Shoup arithmetic
 * ({@link io.henas.ring.Modulus}), NTT-friendly primes and chains ({@link io.henas.ring.Primes}), radix-4 Harvey
 * negacyclic NTTs ({@link io.henas.ring.NttTables}; on AVX-512 machines their wide stages (primes below 2^56) and the
 * limb products run on 512-bit vectors of the Vector API, on AVX2 machines the wide NTT stages of primes below 2^49 on
 * 256-bit vectors computing in doubles; bit-identical to the scalar path, {@code -Dhenas.simd=false} forces scalar,
 * {@code -Dhenas.simd=avx2} the 4-lane stages), RNS polynomials with flat {@code long[]} limbs
 * ({@link io.henas.ring.RnsPoly}, not thread-safe) over a {@link io.henas.ring.Ring}, ring automorphisms
 * ({@link io.henas.ring.Automorphism}), fast RNS basis extension ({@link io.henas.ring.BasisExtension}), CSPRNG samplers ({@link io.henas.ring.Sampler}), and the limb thread pool and
 * scratch arrays used by hot loops ({@link io.henas.ring.Parallel}, {@link io.henas.ring.ScratchPool}).
 * May depend on: the JDK only (including the {@code jdk.incubator.vector} module).
 */
package io.henas.ring;
