/**
 * Benchmarks of the CKKS evaluator (JIT warm-up, medians, ratios to the SEAL anchors) and cost-model calibration.
 * May depend on: {@code cost}, {@code he}, {@code ir}, {@code ckks}, {@code rlwe}, {@code ring}.
 */
package io.henas.bench;
