package io.henas.train;

/**
 * How to train. Proxy mode (the search's cheap evaluation) trains on a stratified subset of the training images and
 * evaluates on a stratified subset of the evaluation images; full mode uses everything. Create with
 * {@link #proxy} or {@link #full} and adjust with the {@code with*} methods.
 *
 * @param mode                PROXY or FULL (a label; the limits below decide what is used)
 * @param epochs              passes over the training images, >= 1
 * @param batchSize           images per step, >= 1
 * @param learningRate        Adam's learning rate, in (0, 1]
 * @param seed                seeds ND4J (weight init) and the shuffle
 * @param trainImages         train on a stratified subset of this many images (0 = all)
 * @param evalImages          evaluate on a stratified subset of this many images (0 = all)
 * @param trainAccuracyImages measure train accuracy (after training) on a stratified subset of this many training
 *                            images (0 = all)
 * @param poly2InitA          initial {@code a} of poly2 activations (b = 1, c = 0)
 * @param maxLoss             a batch loss above this (or NaN/infinite) fails the run as diverged
 * @param evalEachEpoch       also measure evaluation accuracy after every epoch (for learning curves)
 * @param augmentShift        translate each training image by up to this many pixels in x and y (zero fill), in
 *                            [0, {@value #MAX_AUGMENT_SHIFT}]; 0 = no translation (see {@link Augmenter})
 * @param augmentFlip         mirror each training image left-right with probability 1/2
 * @param weightDecay         decoupled weight decay of the convolution and dense weights (not biases, batch-norm or
 *                            poly2 parameters): each step multiplies them by {@code 1 - lr * weightDecay}, with the
 *                            step's scheduled learning rate (AdamW); in [0, 1], 0 = none. With decay, the batch
 *                            loss DL4J reports (epoch losses, loss curve, the {@code maxLoss} check) includes its
 *                            term {@code 0.5 * weightDecay * sum(w^2)} over the decayed weights
 */
public record TrainConfig(Mode mode, int epochs, int batchSize, double learningRate, long seed, int trainImages,
                          int evalImages, int trainAccuracyImages, double poly2InitA, double maxLoss,
                          boolean evalEachEpoch, int augmentShift, boolean augmentFlip, double weightDecay) {

    /** Training mode. */
    public enum Mode { PROXY, FULL }

    /** Initial {@code a} of poly2 activations unless a caller sets another ({@link #withPoly2InitA}). */
    public static final double DEFAULT_POLY2_INIT_A = 0.05;
    /** A batch loss above this fails the run as diverged. */
    public static final double DEFAULT_MAX_LOSS = 1e3;
    /** Training images the train accuracy is measured on after a full training. */
    public static final int FULL_TRAIN_ACCURACY_IMAGES = 10_000;
    /** Training images the train accuracy is measured on after a budgeted proxy training (a search candidate). */
    public static final int BUDGET_PROXY_TRAIN_ACCURACY_IMAGES = 1_000;
    /** The largest translation of {@link #augmentShift()}, in pixels. */
    public static final int MAX_AUGMENT_SHIFT = 16;

    public TrainConfig {
        java.util.Objects.requireNonNull(mode, "mode");
        if (epochs < 1 || epochs > 1000) {
            throw new IllegalArgumentException("epochs must be in [1, 1000], but was " + epochs);
        }
        if (batchSize < 1 || batchSize > 8192) {
            throw new IllegalArgumentException("batchSize must be in [1, 8192], but was " + batchSize);
        }
        if (!(learningRate > 0 && learningRate <= 1)) {
            throw new IllegalArgumentException("learningRate must be in (0, 1], but was " + learningRate);
        }
        if (trainImages < 0 || evalImages < 0 || trainAccuracyImages < 0) {
            throw new IllegalArgumentException("image limits must be >= 0 (0 = all), but were train=" + trainImages
                    + ", eval=" + evalImages + ", trainAccuracy=" + trainAccuracyImages);
        }
        if (!Double.isFinite(poly2InitA)) {
            throw new IllegalArgumentException("poly2InitA must be finite, but was " + poly2InitA);
        }
        if (!(maxLoss > 0)) {
            throw new IllegalArgumentException("maxLoss must be > 0, but was " + maxLoss);
        }
        if (augmentShift < 0 || augmentShift > MAX_AUGMENT_SHIFT) {
            throw new IllegalArgumentException("augmentShift must be in [0, " + MAX_AUGMENT_SHIFT + "], but was "
                    + augmentShift);
        }
        if (!(weightDecay >= 0 && weightDecay <= 1)) {
            throw new IllegalArgumentException("weightDecay must be in [0, 1], but was " + weightDecay);
        }
    }

    /** A configuration without augmentation or weight decay. */
    public TrainConfig(Mode mode, int epochs, int batchSize, double learningRate, long seed, int trainImages,
                       int evalImages, int trainAccuracyImages, double poly2InitA, double maxLoss,
                       boolean evalEachEpoch) {
        this(mode, epochs, batchSize, learningRate, seed, trainImages, evalImages, trainAccuracyImages, poly2InitA,
                maxLoss, evalEachEpoch, 0, false, 0);
    }

    /** True when training images are transformed ({@link #augmentShift()} > 0 or {@link #augmentFlip()}). */
    public boolean augments() {
        return augmentShift > 0 || augmentFlip;
    }

    /**
     * The search's proxy: {@code trainImages} training images for {@code epochs}, accuracy on {@code evalImages};
     * batch 64, Adam 2e-3, train accuracy on 2,000 images.
     */
    public static TrainConfig proxy(int epochs, int trainImages, int evalImages, long seed) {
        return new TrainConfig(Mode.PROXY, epochs, 64, 2e-3, seed, trainImages, evalImages, 2000, DEFAULT_POLY2_INIT_A,
                DEFAULT_MAX_LOSS, false);
    }

    /** Full training: all images, batch 64, Adam 1e-3, accuracy measured after every epoch. */
    public static TrainConfig full(int epochs, long seed) {
        return new TrainConfig(Mode.FULL, epochs, 64, 1e-3, seed, 0, 0, FULL_TRAIN_ACCURACY_IMAGES,
                DEFAULT_POLY2_INIT_A, DEFAULT_MAX_LOSS, true);
    }

    /**
     * The one translation of a space file's training budget (the space package's {@code TrainBudget}: epochs, batch
     * size, learning rate; the images are selected by the caller) into a config: a proxy (search candidate) measures
     * train accuracy on {@value #BUDGET_PROXY_TRAIN_ACCURACY_IMAGES} images and no per-epoch curve; a full training on
     * {@value #FULL_TRAIN_ACCURACY_IMAGES} images with evaluation after every epoch.
     */
    public static TrainConfig ofBudget(Mode mode, int epochs, int batchSize, double learningRate, long seed) {
        boolean full = mode == Mode.FULL;
        return new TrainConfig(mode, epochs, batchSize, learningRate, seed, 0, 0,
                full ? FULL_TRAIN_ACCURACY_IMAGES : BUDGET_PROXY_TRAIN_ACCURACY_IMAGES, DEFAULT_POLY2_INIT_A,
                DEFAULT_MAX_LOSS, full);
    }

    /**
     * As {@link #ofBudget(Mode, int, int, double, long)}, with the budget's regularisation: augmentation
     * ({@code augment.shift}, {@code augment.flip}) and {@code weight_decay}.
     */
    public static TrainConfig ofBudget(Mode mode, int epochs, int batchSize, double learningRate, long seed,
                                       int augmentShift, boolean augmentFlip, double weightDecay) {
        return ofBudget(mode, epochs, batchSize, learningRate, seed).withAugment(augmentShift, augmentFlip)
                .withWeightDecay(weightDecay);
    }

    public TrainConfig withEpochs(int e) {
        return new TrainConfig(mode, e, batchSize, learningRate, seed, trainImages, evalImages, trainAccuracyImages,
                poly2InitA, maxLoss, evalEachEpoch, augmentShift, augmentFlip, weightDecay);
    }

    public TrainConfig withBatchSize(int b) {
        return new TrainConfig(mode, epochs, b, learningRate, seed, trainImages, evalImages, trainAccuracyImages,
                poly2InitA, maxLoss, evalEachEpoch, augmentShift, augmentFlip, weightDecay);
    }

    public TrainConfig withLearningRate(double lr) {
        return new TrainConfig(mode, epochs, batchSize, lr, seed, trainImages, evalImages, trainAccuracyImages,
                poly2InitA, maxLoss, evalEachEpoch, augmentShift, augmentFlip, weightDecay);
    }

    public TrainConfig withSeed(long s) {
        return new TrainConfig(mode, epochs, batchSize, learningRate, s, trainImages, evalImages, trainAccuracyImages,
                poly2InitA, maxLoss, evalEachEpoch, augmentShift, augmentFlip, weightDecay);
    }

    public TrainConfig withPoly2InitA(double a) {
        return new TrainConfig(mode, epochs, batchSize, learningRate, seed, trainImages, evalImages, trainAccuracyImages,
                a, maxLoss, evalEachEpoch, augmentShift, augmentFlip, weightDecay);
    }

    public TrainConfig withMaxLoss(double m) {
        return new TrainConfig(mode, epochs, batchSize, learningRate, seed, trainImages, evalImages, trainAccuracyImages,
                poly2InitA, m, evalEachEpoch, augmentShift, augmentFlip, weightDecay);
    }

    public TrainConfig withEvalEachEpoch(boolean e) {
        return new TrainConfig(mode, epochs, batchSize, learningRate, seed, trainImages, evalImages, trainAccuracyImages,
                poly2InitA, maxLoss, e, augmentShift, augmentFlip, weightDecay);
    }

    /** This configuration with the given augmentation of the training images. */
    public TrainConfig withAugment(int shift, boolean flip) {
        return new TrainConfig(mode, epochs, batchSize, learningRate, seed, trainImages, evalImages, trainAccuracyImages,
                poly2InitA, maxLoss, evalEachEpoch, shift, flip, weightDecay);
    }

    /** This configuration with the given decoupled weight decay. */
    public TrainConfig withWeightDecay(double wd) {
        return new TrainConfig(mode, epochs, batchSize, learningRate, seed, trainImages, evalImages, trainAccuracyImages,
                poly2InitA, maxLoss, evalEachEpoch, augmentShift, augmentFlip, wd);
    }

    /** The configuration as a JSON-ready map. */
    public java.util.Map<String, Object> toMap() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("mode", mode.name().toLowerCase(java.util.Locale.ROOT));
        m.put("epochs", epochs);
        m.put("batch_size", batchSize);
        m.put("learning_rate", learningRate);
        m.put("seed", seed);
        m.put("train_images", trainImages);
        m.put("eval_images", evalImages);
        m.put("train_accuracy_images", trainAccuracyImages);
        m.put("poly2_init_a", poly2InitA);
        m.put("max_loss", maxLoss);
        m.put("eval_each_epoch", evalEachEpoch);
        m.put("augment_shift", augmentShift);
        m.put("augment_flip", augmentFlip);
        m.put("weight_decay", weightDecay);
        return m;
    }
}
