package io.henas.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

import io.henas.data.Dataset;
import io.henas.data.Datasets;

import io.henas.ir.ActivationKind;
import io.henas.ir.Architecture;
import io.henas.ir.Layer;
import io.henas.ir.Shape;

/** Small architectures covering every layer and block type, shared by the train tests. */
final class TestNets {
    static final long SEED = 42L;
    static final Shape MNIST = new Shape(1, 28, 28);

    private static Dataset small;

    private TestNets() {
    }

    /** 200 images (20 per class) of the shipped subset. */
    static synchronized Dataset small() {
        if (small == null) {
            try {
                small = Datasets.shippedSubset().train().stratified("small", 20, SEED);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return small;
    }

    /** conv, batch-norm, poly2, avgpool, depthwise with stride, square, dense. */
    static Architecture plain() {
        return new Architecture("plain", MNIST, 10, List.of(
                new Layer.Conv(6, 3, 1), new Layer.BatchNorm(), new Layer.Activation(ActivationKind.POLY2),
                new Layer.AvgPool(2), new Layer.DepthwiseConv(3, 2), new Layer.Activation(ActivationKind.SQUARE),
                new Layer.Dense(10)));
    }

    /** fire, inverted residual (with add), separable, pointwise and global average pooling. */
    static Architecture blocks() {
        return new Architecture("blocks", MNIST, 10, List.of(
                new Layer.Conv(8, 3, 2), new Layer.Activation(ActivationKind.POLY2),
                new Layer.Fire(4, 4, 4, ActivationKind.POLY2, true),
                new Layer.InvertedResidual(8, 2, 3, 1, ActivationKind.POLY2, true, true),
                new Layer.SeparableBlock(12, 3, 2, ActivationKind.SQUARE, true),
                new Layer.PointwiseConv(10), new Layer.GlobalAvgPool()));
    }

    /** dense layers with feed-forward batch-norm and poly2, and a batch-norm that follows an activation. */
    static Architecture dense() {
        return new Architecture("dense", MNIST, 10, List.of(
                new Layer.Conv(4, 5, 2), new Layer.Activation(ActivationKind.SQUARE), new Layer.BatchNorm(),
                new Layer.Dense(24), new Layer.BatchNorm(), new Layer.Activation(ActivationKind.POLY2),
                new Layer.Dense(10)));
    }

    /** maps after global pooling and dense layers (1x1 maps): pointwise conv, depthwise 1x1 and a mixed residual. */
    static Architecture vectors() {
        return new Architecture("vectors", MNIST, 10, List.of(
                new Layer.Conv(8, 3, 2), new Layer.GlobalAvgPool(), new Layer.PointwiseConv(12), new Layer.Dense(16),
                new Layer.InvertedResidual(16, 1, 1, 1, ActivationKind.POLY2, true, true), new Layer.Dense(10)));
    }

    static List<Architecture> all() {
        return List.of(plain(), blocks(), dense(), vectors());
    }
}
