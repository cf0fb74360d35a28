/**
 * The DL4J trainer: builds a ComputationGraph from the lowered IR (square and learnable poly2 activations), trains in
 * proxy or full mode, and folds batch-norm and activation coefficients into export-ready weights.
 * May depend on: {@code ir}, {@code data}.
 */
package io.henas.train;
