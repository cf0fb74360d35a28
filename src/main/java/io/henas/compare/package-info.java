/**
 * Compares fixed architectures under homomorphic encryption: an experiment YAML ({@link io.henas.compare.ExperimentLoader})
 * lists rows (baseline, variants, searched model), each a fixed CIFAR-shaped space file with coefficient merging on or
 * off and optionally its Fashion-MNIST twin. {@link io.henas.compare.CompareRun} costs every row (also in HEMET's
 * one-channel-per-ciphertext layout, and the ring it would need without the 128-bit bound), measures its encrypted
 * latency on real ciphertexts with random weights ({@code infer.LayerwiseRun}, layer by layer when the keys do not fit
 * memory), trains and exports the Fashion-MNIST twin once per file and runs it encrypted for accuracy
 * ({@link io.henas.compare.FashionRun}), and writes {@code results.json}, {@code table.md} and charts
 * ({@link io.henas.compare.Results}). May depend on: {@code json}, {@code space}, {@code ir}, {@code data},
 * {@code train}, {@code export}, {@code he}, {@code cost}, {@code infer}, {@code bench}, {@code ckks}, {@code rlwe},
 * {@code ring}.
 */
package io.henas.compare;
