/**
 * A network compiled to an HE plan. {@link io.henas.he.HePlan#compile} turns an {@code ir.LoweredNet} into an
 * executable program of {@link io.henas.he.OpCode} instructions over virtual ciphertext registers
 * ({@link io.henas.he.HeCompiler} documents the packing and the per-layer algorithms), plaintext descriptors
 * ({@link io.henas.he.Plaintext}) built from the weights by {@link io.henas.he.PlanBinding}, pending affine maps left
 * by coefficient merging ({@link io.henas.he.Affine}), exact levels per node, and the smallest 128-bit-secure CKKS
 * parameters that fit ({@link io.henas.he.ParameterSelector}, {@link io.henas.he.HeParameters}).
 * {@link io.henas.he.PlanSimulator} executes a plan on plaintext slot vectors (the plaintext simulation) and
 * {@link io.henas.he.OpCounts} counts it; {@code cost} and {@code infer} walk the same plan. May depend on:
 * {@code ir}, {@code json}, {@code ckks}, {@code rlwe}, {@code ring} (uses only {@code rlwe.SecurityBound}).
 */
package io.henas.he;
