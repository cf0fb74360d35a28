/**
 * The HE cost model: per-operation latencies calibrated on henas' own CKKS evaluator (cached per CPU, cores, JDK),
 * fitted across levels, and summed over an HE plan; key and ciphertext memory. May depend on: {@code he}, {@code ir},
 * {@code ckks}, {@code rlwe}, {@code ring}.
 */
package io.henas.cost;
