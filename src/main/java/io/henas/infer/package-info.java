/**
 * Plaintext simulation and encrypted inference of exported models: client role (keys, encrypt, decrypt) and server
 * role (executes the HE plan with public evaluation keys only), with operation counting. May depend on:
 * {@code export}, {@code he}, {@code cost}, {@code ir}, {@code data}, {@code train}, {@code ckks}, {@code rlwe},
 * {@code ring}.
 */
package io.henas.infer;
