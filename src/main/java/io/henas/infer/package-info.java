/**
 * Plaintext simulation and encrypted inference of exported models. {@link io.henas.infer.InferenceClient} is the
 * client role (secret key derived from a persisted seed, evaluation keys, packing + encryption of an image as the
 * plan's input layout says, decryption + unpacking of the logits); {@link io.henas.infer.InferenceServer} is the
 * server role: it executes the HE plan through {@code he.PlanRunner} (which counts every operation) on a CKKS
 * backend built from evaluation keys only (no type on the server side can reach a secret key).
 * {@link io.henas.infer.InferenceRun} runs both roles over test images and compares with the plaintext simulation;
 * {@link io.henas.infer.CiphertextFiles} holds the files the roles exchange when they run on different machines;
 * every length field in them is checked against the parameters and the bytes left before anything is allocated,
 * and the server accepts only inputs at the parameters' scale and the plan's level.
 * {@link io.henas.infer.LayerwiseRun} measures a plan's encrypted latency on real ciphertexts segment by segment
 * (per-layer Galois keys, inputs encrypted from the plaintext simulation), for plans whose keys do not all fit in
 * memory; {@link io.henas.infer.RandomWeights} gives seeded weights for timing untrained networks.
 * May depend on: {@code export}, {@code he}, {@code cost}, {@code ir}, {@code data}, {@code train}, {@code ckks},
 * {@code rlwe}, {@code ring}.
 */
package io.henas.infer;
