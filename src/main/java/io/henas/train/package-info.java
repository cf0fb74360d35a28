/**
 * The DL4J trainer. {@link io.henas.train.GraphBuilder} maps a lowered IR network to a DL4J ComputationGraph (one
 * vertex per IR node; native layers {@link io.henas.train.Poly2Layer} for learnable a*x^2+b*x+c,
 * {@link io.henas.train.DepthwiseLayer} for depthwise convolution, and {@link io.henas.train.SquareActivation});
 * {@link io.henas.train.Trainer} trains it in proxy or full mode from a {@link io.henas.train.TrainConfig} and returns
 * a {@link io.henas.train.TrainResult} (failures such as NaN loss are results, not exceptions);
 * {@link io.henas.train.WeightExtractor} reads the weights back as {@code ir.NetWeights};
 * {@link io.henas.train.Folding} folds batch-norm exactly into the linear layers by the one rule of
 * {@code ir.NetFold}, the structure the HE compiler compiles ({@link io.henas.train.FoldedNet});
 * {@link io.henas.train.TrainOutput} and {@link io.henas.train.WeightsJson} write and read the results.
 * May depend on: {@code ir}, {@code data}, {@code json}.
 */
package io.henas.train;
