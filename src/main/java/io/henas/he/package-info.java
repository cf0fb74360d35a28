/**
 * A network compiled to an HE plan: packing layout, the exact sequence of CKKS operations, multiplicative depth per
 * layer, coefficient merging, and the selection of the smallest 128-bit-secure CKKS parameters that fit.
 * {@code cost} and {@code infer} both walk the same plan. May depend on: {@code ir}, {@code ckks}, {@code rlwe},
 * {@code ring}.
 */
package io.henas.he;
