/**
 * A network compiled to an HE plan. {@link io.henas.he.HePlan#compile} turns an {@code ir.LoweredNet} into an
 * executable program of {@link io.henas.he.OpCode} instructions over virtual ciphertext registers
 * ({@link io.henas.he.HeCompiler} documents the packing and the per-layer algorithms; {@link io.henas.he.Packing} is
 * the plan version: block packing, or multiplexed packing of strided maps lowered by
 * {@link io.henas.he.PackedConvLowering}; exported models record it so they recompile to the same plan), plaintext
 * descriptors
 * ({@link io.henas.he.Plaintext}) built from the weights by {@link io.henas.he.PlanBinding}, pending affine maps left
 * by coefficient merging ({@link io.henas.he.Affine}), exact levels per node, and the smallest 128-bit-secure CKKS
 * parameters that fit ({@link io.henas.he.ParameterSelector}, {@link io.henas.he.HeParameters}).
 * {@link io.henas.he.PlanRunner} executes a plan (whole, or in segments with
 * {@link io.henas.he.PlanRunner#runSegment}) on any {@link io.henas.he.PlanBackend}, counting exactly what
 * {@link io.henas.he.OpCounts} counts: here on plaintext slot vectors ({@link io.henas.he.PlanSimulator}, the
 * plaintext simulation); execution on CKKS ciphertexts (the evaluator, no secret key needed) lives in {@code infer}.
 * {@code cost} and {@code infer} walk the same plan. Every network is compiled folded by {@code ir.NetFold} (the
 * batch-norm fold export uses). {@link io.henas.he.PlanCodec} stores a plan in a versioned binary form and reads it
 * back without the compiler, checked by {@code PlanValidator}. May depend on: {@code ir}, {@code json}, {@code ckks},
 * {@code rlwe}, {@code ring}.
 */
package io.henas.he;
