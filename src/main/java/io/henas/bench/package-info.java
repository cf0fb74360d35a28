/**
 * Benchmarks of the CKKS evaluator: {@link io.henas.bench.SideBySide} (the {@code henas bench ckks} suite of
 * {@link io.henas.bench.CkksBench} on SEAL's default chains, alternating rounds with Microsoft SEAL run through the
 * {@code seal-ops} harness by {@link io.henas.bench.SealOps}; stored SEAL figures in
 * {@link io.henas.bench.SealAnchors} are reference only), {@link io.henas.bench.OpTimer} and
 * {@link io.henas.bench.EvaluatorOpMeasurer} (per-op medians at a level, for cost-model calibration), all on
 * {@link io.henas.bench.Timing} (JIT warm-up, medians, wall or thread-CPU clock).
 * May depend on: {@code cost}, {@code he}, {@code ir}, {@code ckks}, {@code rlwe}, {@code ring}, {@code json}.
 */
package io.henas.bench;
