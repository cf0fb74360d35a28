/**
 * The HE cost model. {@link io.henas.cost.CostModel#estimate} compiles an architecture to an {@code he.HePlan} and
 * returns a {@link io.henas.cost.CostReport}: depth, parameters, operation counts per layer and level, predicted
 * latency and key/ciphertext memory ({@link io.henas.cost.MemoryModel}). Per-operation latencies come from a
 * {@link io.henas.cost.Calibration}: measured through the {@link io.henas.cost.OpMeasurer} seam (implemented on the
 * real evaluator by {@code bench.EvaluatorOpMeasurer}), fitted across levels with Commons Math
 * ({@link io.henas.cost.Calibrator}) and cached as JSON keyed by CPU model, cores and JDK
 * ({@link io.henas.cost.CalibrationCache}), with one set of fits per {@link io.henas.cost.ChainShape} (ring degree and
 * key-switching shape {@code k}, {@code alpha}: a plan is priced only with its own shape's timings). Key memory is
 * exact per key at the level the plan needs it. Without a calibration the latency is reported absent, never guessed.
 * May depend on: {@code he}, {@code ir}, {@code json}, {@code ckks}, {@code rlwe}, {@code ring}.
 */
package io.henas.cost;
