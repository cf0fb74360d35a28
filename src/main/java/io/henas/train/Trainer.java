package io.henas.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Consumer;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import io.henas.data.Dataset;
import io.henas.ir.Architecture;
import io.henas.ir.LoweredNet;
import io.henas.ir.NetWeights;

/**
 * Trains an {@link Architecture} on labelled images with DL4J (Adam, softmax cross-entropy, float32), reproducibly:
 * ND4J's RNG and the weight initialisation take {@code config.seed()}, and the shuffle of epoch {@code e} uses
 * {@code SplittableRandom(seed).split()} in order; with augmentation ({@link TrainConfig#augments()}) an
 * {@link Augmenter} on {@code SplittableRandom(seed ^ }{@value #AUGMENT_SEED_MIX}{@code )} transforms each training
 * minibatch (evaluation and train-accuracy images are never transformed). Weight decay is
 * {@link GraphBuilder.Options#weightDecay()}. One Java thread drives ND4J, which uses {@link Threads} cores.
 * The learning rate follows {@link GraphBuilder.Options#updater()}'s step schedule over all iterations.
 *
 * <p>Never throws for a bad network: NaN, infinite or diverging loss (above {@code config.maxLoss()}) and DL4J
 * failures (including running out of memory) produce a FAILED {@link TrainResult} with the reason. Memory: the
 * datasets as floats (188 MB for the 60,000 training images) plus one batch and the network's activations.
 */
public final class Trainer {
    /** Target number of points of the loss curve. */
    static final int LOSS_POINTS = 100;
    /**
     * The augmentation generator is {@code SplittableRandom(seed ^ AUGMENT_SEED_MIX)}, independent of the shuffle's
     * {@code SplittableRandom(seed)}.
     */
    static final long AUGMENT_SEED_MIX = 0x6A09E667F3BCC909L;

    private Trainer() {
    }

    /**
     * Trains {@code arch} on {@code train} and measures accuracy on {@code eval} (in proxy mode, stratified subsets
     * of both, as {@code config} says). Training problems give a FAILED result, never an exception.
     *
     * @throws IllegalArgumentException if the data do not fit the architecture (image shape, classes) or are empty
     */
    public static TrainResult train(Architecture arch, TrainConfig config, Dataset train, Dataset eval) {
        return train(arch, config, train, eval, line -> { });
    }

    /**
     * As {@link #train(Architecture, TrainConfig, Dataset, Dataset)}, reporting one line per epoch (loss, accuracy
     * if measured, images/s) to {@code progress}.
     */
    public static TrainResult train(Architecture arch, TrainConfig config, Dataset train, Dataset eval,
                                    Consumer<String> progress) {
        Objects.requireNonNull(arch, "arch");
        Objects.requireNonNull(config, "config");
        check(arch, train, "training");
        check(arch, eval, "evaluation");
        long t0 = System.nanoTime();
        Run run = new Run(arch, config, progress);
        try {
            run.go(subset(train, config.trainImages(), config.seed(), "train"),
                    subset(eval, config.evalImages(), config.seed() + 1, "eval"));
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
            run.fail("DL4J error at epoch " + run.epoch + ", iteration " + run.iteration + ": " + e);
        }
        return run.result((System.nanoTime() - t0) / 1e9);
    }

    private static void check(Architecture arch, Dataset d, String what) {
        var in = arch.input();
        if (d.channels() != in.channels() || d.rows() != in.height() || d.cols() != in.width()) {
            throw new IllegalArgumentException(what + " images must be " + in + ", but were " + d.channels() + "x"
                    + d.rows() + "x" + d.cols());
        }
        if (d.classes() != arch.classes()) {
            throw new IllegalArgumentException(what + " data must have " + arch.classes() + " classes, but had "
                    + d.classes());
        }
        if (d.size() == 0) {
            throw new IllegalArgumentException(what + " data must not be empty");
        }
    }

    /** A stratified subset of about {@code n} images ({@code n / classes} per class), or all when n is 0 or large. */
    static Dataset subset(Dataset d, int n, long seed, String what) {
        if (n == 0 || n >= d.size()) {
            return d;
        }
        int perClass = Math.max(1, n / d.classes());
        int min = java.util.Arrays.stream(d.classCounts()).min().orElse(0);
        return d.stratified(d.name() + " [" + what + " subset " + perClass * d.classes() + ", seed " + seed + "]",
                Math.min(perClass, min), seed);
    }

    /** The mutable state of one training run. Not thread-safe. */
    private static final class Run {
        final Architecture arch;
        final TrainConfig cfg;
        final LoweredNet net;
        int epoch;
        int iteration;
        String failure = "";
        String trainName = "";
        String evalName = "";
        int trainN;
        int evalN;
        double trainAcc = Double.NaN;
        double evalAcc = Double.NaN;
        final List<Double> epochLoss = new ArrayList<>();
        final List<Double> lossCurve = new ArrayList<>();
        final List<Double> epochEval = new ArrayList<>();
        int curveEvery = 1;
        double trainSeconds;
        long imagesSeen;
        ComputationGraph graph;
        NetWeights weights;
        FoldedNet folded;

        final Consumer<String> progress;

        Run(Architecture arch, TrainConfig cfg, Consumer<String> progress) {
            this.progress = progress;
            this.arch = arch;
            this.cfg = cfg;
            this.net = arch.lower();
        }

        void fail(String reason) {
            if (failure.isEmpty()) {
                failure = reason;
            }
        }

        void go(Dataset train, Dataset eval) {
            trainName = train.name();
            evalName = eval.name();
            trainN = train.size();
            evalN = eval.size();
            Threads.configure(Threads.defaultCount());
            Nd4j.getRandom().setSeed(cfg.seed());
            int batches = (train.size() + cfg.batchSize() - 1) / cfg.batchSize();
            graph = GraphBuilder.build(net, new GraphBuilder.Options(cfg.seed(), cfg.learningRate(), cfg.poly2InitA(),
                    DataType.FLOAT, batches * cfg.epochs(), cfg.weightDecay()));
            // its own generator: a training without augmentation shuffles exactly as before augmentation existed
            Augmenter augmenter = cfg.augments() ? new Augmenter(cfg.augmentShift(), cfg.augmentFlip(),
                    new SplittableRandom(cfg.seed() ^ AUGMENT_SEED_MIX)) : null;
            curveEvery = Math.max(1, batches * cfg.epochs() / LOSS_POINTS);
            SplittableRandom shuffles = new SplittableRandom(cfg.seed());
            double window = 0;
            int inWindow = 0;
            for (epoch = 1; epoch <= cfg.epochs(); epoch++) {
                int[] order = permutation(train.size(), shuffles.split());
                double sum = 0;
                long tEpoch = System.nanoTime();
                for (int b = 0; b < batches; b++) {
                    iteration = b + 1;
                    int from = b * cfg.batchSize();
                    int[] idx = java.util.Arrays.copyOfRange(order, from, Math.min(train.size(), from + cfg.batchSize()));
                    graph.fit(new DataSet(trainingBatch(train, idx, augmenter), oneHot(train, idx)));
                    double loss = graph.score();
                    if (!Double.isFinite(loss)) {
                        fail("loss became " + loss + " at epoch " + epoch + ", iteration " + iteration);
                        trainSeconds += (System.nanoTime() - tEpoch) / 1e9;
                        return;
                    }
                    if (loss > cfg.maxLoss()) {
                        fail("loss diverged to " + loss + " (> maxLoss " + cfg.maxLoss() + ") at epoch " + epoch
                                + ", iteration " + iteration);
                        trainSeconds += (System.nanoTime() - tEpoch) / 1e9;
                        return;
                    }
                    imagesSeen += idx.length;
                    sum += loss;
                    window += loss;
                    if (++inWindow == curveEvery) {
                        lossCurve.add(window / inWindow);
                        window = 0;
                        inWindow = 0;
                    }
                }
                trainSeconds += (System.nanoTime() - tEpoch) / 1e9;
                epochLoss.add(sum / batches);
                if (cfg.evalEachEpoch()) {
                    epochEval.add(Predict.accuracy(graph, eval, 256));
                }
                progress.accept(String.format(java.util.Locale.ROOT, "epoch %d/%d  loss=%.4f%s  %.0f images/s",
                        epoch, cfg.epochs(), sum / batches,
                        cfg.evalEachEpoch() ? String.format(java.util.Locale.ROOT, "  acc=%.4f", epochEval.getLast())
                                : "", imagesSeen / trainSeconds));
            }
            epoch = cfg.epochs();
            if (inWindow > 0) {
                lossCurve.add(window / inWindow);
            }
            evalAcc = cfg.evalEachEpoch() ? epochEval.getLast() : Predict.accuracy(graph, eval, 256);
            trainAcc = Predict.accuracy(graph, subset(train, cfg.trainAccuracyImages(), cfg.seed() + 2, "accuracy"), 256);
            weights = WeightExtractor.extract(net, graph);
            folded = Folding.fold(net, weights);
        }

        TrainResult result(double seconds) {
            boolean ok = failure.isEmpty();
            if (!ok && graph != null) {
                graph.close(); // not handed out: release its native memory now
            }
            return new TrainResult(ok ? TrainResult.Status.OK : TrainResult.Status.FAILED, failure, arch.name(), net, cfg,
                    trainName, evalName, trainN, evalN, arch.parameterCount(), trainAcc, evalAcc, epochLoss,
                    lossCurve, curveEvery, epochEval, seconds, trainSeconds,
                    trainSeconds > 0 ? imagesSeen / trainSeconds : 0, ok ? graph : null, ok ? weights : null,
                    ok ? folded : null);
        }
    }

    /** The training images {@code idx} as a float NCHW batch, transformed by {@code augmenter} unless it is null. */
    static INDArray trainingBatch(Dataset d, int[] idx, Augmenter augmenter) {
        float[] px = d.pixels(idx);
        if (augmenter != null) {
            augmenter.apply(px, idx.length, d.channels(), d.rows(), d.cols());
        }
        return Predict.floatBatch(d, px, idx.length);
    }

    private static int[] permutation(int n, SplittableRandom rnd) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    private static INDArray oneHot(Dataset d, int[] idx) {
        float[] y = new float[idx.length * d.classes()];
        for (int j = 0; j < idx.length; j++) {
            y[j * d.classes() + d.label(idx[j])] = 1f;
        }
        return Nd4j.create(y, new long[]{idx.length, d.classes()}, 'c');
    }
}
