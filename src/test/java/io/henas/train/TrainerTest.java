package io.henas.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.henas.data.Dataset;
import io.henas.ir.ActivationKind;
import io.henas.ir.Architecture;
import io.henas.ir.Layer;
import io.henas.ir.Shape;

class TrainerTest {
    static Architecture tiny() {
        return new Architecture("tiny", TestNets.MNIST, 10, List.of(new Layer.Conv(4, 3, 2), new Layer.BatchNorm(),
                new Layer.Activation(ActivationKind.POLY2), new Layer.AvgPool(2), new Layer.Dense(10)));
    }

    static TrainConfig quick(long seed) {
        return TrainConfig.proxy(2, 0, 0, seed).withBatchSize(25).withLearningRate(5e-3);
    }

    @Test
    void learnsAndReportsEverything() {
        Dataset d = TestNets.small();
        List<String> lines = new java.util.ArrayList<>();
        TrainResult r = Trainer.train(tiny(), quick(1), d, d.head(100), lines::add);
        assertEquals(TrainResult.Status.OK, r.status(), r.failureReason());
        assertEquals("", r.failureReason());
        assertEquals(200, r.trainImages());
        assertEquals(100, r.evalImages());
        assertEquals(2, r.epochLoss().size());
        assertEquals(2, lines.size());
        assertTrue(lines.getFirst().startsWith("epoch 1/2  loss="), lines.getFirst());
        assertTrue(r.epochLoss().get(1) < r.epochLoss().get(0), r.epochLoss().toString());
        assertTrue(r.trainAccuracy() > 0.4, "train accuracy " + r.trainAccuracy());
        assertTrue(r.evalAccuracy() > 0.3, "eval accuracy " + r.evalAccuracy());
        assertTrue(r.imagesPerSecond() > 0 && r.trainSeconds() > 0 && r.seconds() >= r.trainSeconds());
        assertEquals(16, r.lossCurve().size());
        assertNotNull(r.graph());
        r.weights().validateFor(r.net());
        assertTrue(r.folded().remaining().getFirst().startsWith("poly2 layers[2]"), r.folded().remaining().toString());
        assertEquals(tiny().parameterCount(), r.parameters());
    }

    @Test
    void closeReleasesTheNetworkButKeepsTheWeights() {
        Dataset d = TestNets.small().head(100);
        TrainResult r = Trainer.train(tiny(), quick(3).withEpochs(1), d, d);
        assertTrue(r.ok(), r.failureReason());
        org.nd4j.linalg.api.ndarray.INDArray params = r.graph().params();
        assertTrue(!params.wasClosed());
        r.close();
        assertTrue(params.wasClosed(), "the network's parameters are released");
        assertTrue(r.weights() != null && r.folded() != null);
        r.close(); // idempotent
    }

    @Test
    void sameSeedSameRunOtherSeedOtherRun() {
        Dataset d = TestNets.small().head(100);
        TrainResult a = Trainer.train(tiny(), quick(7).withEpochs(1), d, d);
        TrainResult b = Trainer.train(tiny(), quick(7).withEpochs(1), d, d);
        TrainResult c = Trainer.train(tiny(), quick(8).withEpochs(1), d, d);
        assertEquals(a.lossCurve(), b.lossCurve());
        assertEquals(a.weights(), b.weights());
        assertNotEquals(a.lossCurve(), c.lossCurve());
    }

    @Test
    void divergenceIsAFailedResultWithItsReason() {
        Dataset d = TestNets.small().head(50);
        TrainResult r = Trainer.train(tiny(), quick(1).withMaxLoss(1e-6), d, d);
        assertEquals(TrainResult.Status.FAILED, r.status());
        assertTrue(r.failureReason().matches("loss diverged to .* \\(> maxLoss 1.0E-6\\) at epoch 1, iteration 1"),
                r.failureReason());
        assertNull(r.graph());
        assertNull(r.weights());
        assertTrue(Double.isNaN(r.evalAccuracy()));
    }

    @Test
    void nanLossIsAFailedResult() {
        // a = 1e30 in two stacked poly2 layers overflows float32 in the first forward pass
        Architecture boom = new Architecture("boom", TestNets.MNIST, 10, List.of(new Layer.Conv(4, 3, 2),
                new Layer.Activation(ActivationKind.POLY2), new Layer.Conv(4, 3, 1),
                new Layer.Activation(ActivationKind.POLY2), new Layer.Dense(10)));
        Dataset d = TestNets.small().head(100);
        TrainResult r = Trainer.train(boom, quick(1).withPoly2InitA(1e30).withMaxLoss(Double.MAX_VALUE), d, d);
        assertEquals(TrainResult.Status.FAILED, r.status());
        assertTrue(r.failureReason().matches("loss became (NaN|Infinity) at epoch 1, iteration 1"),
                r.failureReason());
    }

    @Test
    void dataThatDoesNotFitIsRejected() {
        Architecture small = new Architecture("s", new Shape(1, 14, 14), 10, List.of(new Layer.Dense(10)));
        Dataset d = TestNets.small();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Trainer.train(small, quick(1), d, d));
        assertTrue(e.getMessage().contains("must be 1x14x14, but were 1x28x28"), e.getMessage());
    }

    @Test
    void proxySubsetsAreStratified() {
        Dataset d = TestNets.small();
        Dataset s = Trainer.subset(d, 50, 3, "train");
        assertEquals(50, s.size());
        for (int c : s.classCounts()) {
            assertEquals(5, c);
        }
        assertEquals(d, Trainer.subset(d, 0, 3, "train"));
    }

    @Test
    void augmentationTransformsTrainingBatchesOnlyAndFollowsTheSeed() {
        Dataset d = TestNets.small().head(100);
        Dataset eval = TestNets.small().range(100, 200);
        float[] pixelsBefore = d.pixels(java.util.stream.IntStream.range(0, d.size()).toArray());
        int[] labelsBefore = java.util.stream.IntStream.range(0, d.size()).map(d::label).toArray();
        TrainConfig aug = quick(7).withEpochs(1).withAugment(2, true);
        TrainResult a = Trainer.train(tiny(), aug, d, eval);
        TrainResult b = Trainer.train(tiny(), aug, d, eval);
        TrainResult plain = Trainer.train(tiny(), quick(7).withEpochs(1), d, eval);
        assertTrue(a.ok() && b.ok() && plain.ok(), a.failureReason());
        assertEquals(a.lossCurve(), b.lossCurve(), "same seed, same augmentation");
        assertEquals(a.weights(), b.weights());
        assertNotEquals(a.lossCurve(), plain.lossCurve(), "augmentation changes the training");
        // accuracy is measured on the images as they are
        assertEquals(Predict.accuracy(a.graph(), eval, 256), a.evalAccuracy());
        assertEquals(Predict.accuracy(a.graph(), Trainer.subset(d, aug.trainAccuracyImages(), aug.seed() + 2,
                "accuracy"), 256), a.trainAccuracy());
        // the data (pixels and labels) are untouched
        assertArrayEquals(pixelsBefore, d.pixels(java.util.stream.IntStream.range(0, d.size()).toArray()));
        assertArrayEquals(labelsBefore, java.util.stream.IntStream.range(0, d.size()).map(d::label).toArray());
        TrainResult other = Trainer.train(tiny(), quick(8).withEpochs(1).withAugment(2, true), d, eval);
        assertNotEquals(a.lossCurve(), other.lossCurve());
    }

    @Test
    void noAugmentationIsTheOldTraining() {
        Dataset d = TestNets.small().head(100);
        TrainResult a = Trainer.train(tiny(), quick(7).withEpochs(1), d, d);
        TrainResult b = Trainer.train(tiny(), quick(7).withEpochs(1).withAugment(0, false).withWeightDecay(0), d, d);
        assertEquals(a.lossCurve(), b.lossCurve());
        assertEquals(a.weights(), b.weights());
    }

    @Test
    void trainingBatchesAreTheAugmentedPixels() {
        Dataset d = TestNets.small();
        int[] idx = {3, 50, 199, 7};
        assertEquals(Predict.batch(d, idx, org.nd4j.linalg.api.buffer.DataType.FLOAT),
                Trainer.trainingBatch(d, idx, null));
        org.nd4j.linalg.api.ndarray.INDArray got = Trainer.trainingBatch(d, idx,
                new Augmenter(3, true, new java.util.SplittableRandom(9)));
        float[] want = d.pixels(idx);
        new Augmenter(3, true, new java.util.SplittableRandom(9)).apply(want, idx.length, 1, 28, 28);
        assertArrayEquals(new long[]{4, 1, 28, 28}, got.shape());
        assertArrayEquals(want, got.data().asFloat());
        assertFalse(java.util.Arrays.equals(d.pixels(idx), want), "the batch was transformed");
    }

    @Test
    void weightDecayShrinksTheWeights() {
        Dataset d = TestNets.small().head(100);
        TrainResult plain = Trainer.train(tiny(), quick(7).withEpochs(2), d, d);
        TrainResult decayed = Trainer.train(tiny(), quick(7).withEpochs(2).withWeightDecay(1.0), d, d);
        assertTrue(plain.ok() && decayed.ok(), decayed.failureReason());
        String dense = GraphBuilder.vertexName(plain.net().outputNode());
        double wPlain = plain.graph().getLayer(dense).getParam("W").norm2Number().doubleValue();
        double wDecayed = decayed.graph().getLayer(dense).getParam("W").norm2Number().doubleValue();
        assertTrue(wDecayed < wPlain, "dense weights' norm with decay " + wDecayed + ", without " + wPlain);
        double bPlain = plain.graph().getLayer(dense).getParam("b").norm2Number().doubleValue();
        assertTrue(bPlain > 0);
    }

    @Test
    void configRecordsTheRegularisation() {
        TrainConfig c = TrainConfig.ofBudget(TrainConfig.Mode.FULL, 3, 64, 2e-3, 5, 2, true, 0.01);
        assertEquals(2, c.augmentShift());
        assertTrue(c.augmentFlip() && c.augments());
        assertEquals(0.01, c.weightDecay());
        assertEquals(2, c.toMap().get("augment_shift"));
        assertEquals(true, c.toMap().get("augment_flip"));
        assertEquals(0.01, c.toMap().get("weight_decay"));
        TrainConfig none = TrainConfig.ofBudget(TrainConfig.Mode.FULL, 3, 64, 2e-3, 5);
        assertEquals(none, TrainConfig.ofBudget(TrainConfig.Mode.FULL, 3, 64, 2e-3, 5, 0, false, 0));
        assertFalse(none.augments());
        assertEquals("augmentShift must be in [0, 16], but was -1", assertThrows(IllegalArgumentException.class,
                () -> none.withAugment(-1, false)).getMessage());
        assertEquals("weightDecay must be in [0, 1], but was -0.1", assertThrows(IllegalArgumentException.class,
                () -> none.withWeightDecay(-0.1)).getMessage());
    }
}
