/**
 * Benchmarks of the CKKS evaluator: {@link io.henas.bench.CkksBench} (the {@code henas bench ckks} suite on SEAL's
 * default chain shapes, with ratios to the bundled SEAL anchors of {@link io.henas.bench.SealAnchors}) and
 * {@link io.henas.bench.OpTimer} (per-op medians at a level, for cost-model calibration), both on
 * {@link io.henas.bench.Timing} (JIT warm-up, medians, wall or thread-CPU clock).
 * May depend on: {@code cost}, {@code he}, {@code ir}, {@code ckks}, {@code rlwe}, {@code ring}, {@code json}.
 */
package io.henas.bench;
