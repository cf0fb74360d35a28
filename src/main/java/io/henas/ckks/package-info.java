/**
 * RNS-CKKS: the canonical-embedding encoder (special FFT), plaintexts and ciphertexts with level and scale, and the
 * homomorphic evaluator (add, multiply, relinearize, rescale, rotate, conjugate, hoisted rotations), plus
 * serialization of parameters, keys, plaintexts and ciphertexts. Knows nothing of neural networks.
 * May depend on: {@code ring}, {@code rlwe} and the JDK only.
 */
package io.henas.ckks;
