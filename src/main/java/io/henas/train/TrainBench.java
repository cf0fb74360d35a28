package io.henas.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.henas.data.DataSplit;
import io.henas.data.Datasets;
import io.henas.ir.ActivationKind;
import io.henas.ir.Architecture;
import io.henas.ir.Layer;
import io.henas.ir.Shape;

/**
 * Benchmarks (commands, not tests). Usage (after {@code mvn package}; export {@code OMP_WAIT_POLICY=passive}, see
 * {@link Threads}):
 * <pre>
 * OMP_WAIT_POLICY=passive java --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
 *     -cp target/classes:target/lib/* io.henas.train.TrainBench proxy [DATA_DIR]
 * OMP_WAIT_POLICY=passive java ... io.henas.train.TrainBench full EPOCHS OUT_DIR [DATA_DIR]
 * </pre>
 * {@code proxy}: the typical search evaluation (6,000 stratified training images, 1 epoch, 1,000 validation images)
 * of {@link #typical()}. {@code full}: {@link #heFriendly()} on all 60,000 images, test accuracy on all 10,000 after
 * every epoch, output written with {@link TrainOutput}. Results go to standard output.
 */
public final class TrainBench {
    private TrainBench() {
    }

    /** A typical search candidate: conv, poly2, a fire, an inverted residual, a separable block, GAP. */
    public static Architecture typical() {
        return new Architecture("typical", new Shape(1, 28, 28), 10, List.of(
                new Layer.Conv(16, 3, 2), new Layer.BatchNorm(), new Layer.Activation(ActivationKind.POLY2),
                new Layer.Fire(8, 16, 16, ActivationKind.POLY2, true),
                new Layer.InvertedResidual(32, 2, 3, 1, ActivationKind.POLY2, true, true),
                new Layer.SeparableBlock(64, 3, 2, ActivationKind.POLY2, true),
                new Layer.GlobalAvgPool(), new Layer.Dense(10)));
    }

    /**
     * An HE-friendly net (only polynomial activations, multiplicative depth 3 in activations): conv5x5x32 stride 2,
     * bn, poly2, conv3x3x64 stride 2, bn, poly2, dense 128, bn, poly2, dense 10. Batch-norms fold into the
     * convolutions/dense layers.
     */
    public static Architecture heFriendly() {
        return new Architecture("he-friendly", new Shape(1, 28, 28), 10, List.of(
                new Layer.Conv(32, 5, 2), new Layer.BatchNorm(), new Layer.Activation(ActivationKind.POLY2),
                new Layer.Conv(64, 3, 2), new Layer.BatchNorm(), new Layer.Activation(ActivationKind.POLY2),
                new Layer.Dense(128), new Layer.BatchNorm(), new Layer.Activation(ActivationKind.POLY2),
                new Layer.Dense(10)));
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            System.err.println("usage: TrainBench proxy [DATA_DIR] | full EPOCHS OUT_DIR [DATA_DIR]");
            System.exit(2);
        }
        boolean full = args[0].equals("full");
        int dataArg = full ? 3 : 1;
        DataSplit data = Datasets.fashionMnist(args.length > dataArg ? Optional.of(Path.of(args[dataArg]))
                : Optional.empty());
        System.err.println("data: " + data.source());
        TrainResult r;
        if (full) {
            TrainConfig cfg = TrainConfig.full(Integer.parseInt(args[1]), 1L);
            r = Trainer.train(heFriendly(), cfg, data.train(), data.test(), System.err::println);
            TrainOutput.write(Path.of(args[2]), r);
        } else {
            r = Trainer.train(typical(), TrainConfig.proxy(1, 6000, 1000, 1L), data.train(), data.test());
        }
        System.out.println(String.format(Locale.ROOT,
                "%s %s params=%d status=%s %s train=%d eval=%d trainAcc=%.4f evalAcc=%.4f seconds=%.1f trainSeconds=%.1f"
                        + " images/s=%.0f epochAcc=%s", args[0], r.architecture(), r.parameters(), r.status(),
                r.failureReason(), r.trainImages(), r.evalImages(), r.trainAccuracy(), r.evalAccuracy(), r.seconds(),
                r.trainSeconds(), r.imagesPerSecond(), r.epochEvalAccuracy()));
    }
}
