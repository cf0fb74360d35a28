package io.henas.space;

import java.util.Objects;

/**
 * A training budget ({@code train.proxy}, a rung of {@code train.rungs} or {@code train.full}). Validation images are
 * held out from the end of the training split; test images are the first {@code testImages} of the test split.
 * Accuracy for the search is measured on the validation images when there are any, else on the test images.
 *
 * @param epochs           passes over the training images, at least 1
 * @param trainImages      training images used (the first ones of the training split), at least 1
 * @param validationImages images held out from the training split for accuracy, at least 0
 * @param testImages       test images evaluated, at least 0
 * @param batchSize        minibatch size, at least 1
 * @param learningRate     Adam learning rate, in (0, 1]
 * @param seed             seed for initialisation, shuffling and augmentation
 * @param augment          random transformations of the training images ({@link Augment#NONE}: none)
 * @param weightDecay      decoupled weight decay (AdamW form) of the convolution and dense weights, at least 0
 *                         (0: none)
 */
public record TrainBudget(int epochs, int trainImages, int validationImages, int testImages, int batchSize,
                          double learningRate, long seed, Augment augment, double weightDecay) {
    /** The largest {@code augment.shift}, in pixels. */
    public static final int MAX_SHIFT = 16;
    /** The largest {@code weight_decay}. */
    public static final double MAX_WEIGHT_DECAY = 1.0;

    public TrainBudget {
        check("epochs", epochs, 1);
        check("train_images", trainImages, 1);
        check("validation_images", validationImages, 0);
        check("test_images", testImages, 0);
        check("batch_size", batchSize, 1);
        if (!(learningRate > 0 && learningRate <= 1)) {
            throw new IllegalArgumentException("learning_rate must be in (0, 1], but was " + learningRate);
        }
        if (validationImages == 0 && testImages == 0) {
            throw new IllegalArgumentException("validation_images and test_images must not both be 0");
        }
        Objects.requireNonNull(augment, "augment");
        if (!(weightDecay >= 0 && weightDecay <= MAX_WEIGHT_DECAY)) {
            throw new IllegalArgumentException("weight_decay must be in [0, " + MAX_WEIGHT_DECAY + "], but was "
                    + weightDecay);
        }
    }

    /** A budget without augmentation or weight decay. */
    public TrainBudget(int epochs, int trainImages, int validationImages, int testImages, int batchSize,
                       double learningRate, long seed) {
        this(epochs, trainImages, validationImages, testImages, batchSize, learningRate, seed, Augment.NONE, 0);
    }

    /**
     * Random transformations of each training minibatch ({@code augment:} in a budget); evaluation images are never
     * transformed.
     *
     * @param shift translate each image by a uniform random whole number of pixels in [-shift, shift], independently
     *              in x and y, filling with 0; in [0, {@value #MAX_SHIFT}]
     * @param flip  mirror each image left-right with probability 1/2
     */
    public record Augment(int shift, boolean flip) {
        /** No augmentation. */
        public static final Augment NONE = new Augment(0, false);

        public Augment {
            if (shift < 0 || shift > MAX_SHIFT) {
                throw new IllegalArgumentException("augment.shift must be in [0, " + MAX_SHIFT + "], but was " + shift);
            }
        }

        /** True when this transforms nothing. */
        public boolean isNone() {
            return shift == 0 && !flip;
        }
    }

    /** True when the budget regularises: augmentation or weight decay. */
    public boolean regularises() {
        return !augment.isNone() || weightDecay > 0;
    }

    /** Default proxy budget: 1 epoch on 2,000 images, 1,000 test images. */
    public static TrainBudget defaultProxy() {
        return new TrainBudget(1, 2_000, 0, 1_000, 64, 1e-3, 42);
    }

    /** Default full budget for {@code dataset}: 10 epochs on the whole training split, the whole test split. */
    public static TrainBudget defaultFull(Dataset dataset) {
        return new TrainBudget(10, dataset.trainSize(), 0, dataset.testSize(), 64, 1e-3, 42);
    }

    private static void check(String key, int v, int min) {
        if (v < min) {
            throw new IllegalArgumentException(key + " must be >= " + min + ", but was " + v);
        }
    }
}
