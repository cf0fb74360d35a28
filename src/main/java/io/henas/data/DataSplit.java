package io.henas.data;

import java.util.Objects;

/**
 * A training set and a test set, with where they came from.
 *
 * @param train   the training images
 * @param test    the test images
 * @param source  human-readable origin, e.g. {@code /usr/share/datasets/fashion-mnist} or
 *                {@code shipped subset (classpath io/henas/data)}
 * @param shipped true when this is the subset shipped inside henas rather than the full dataset
 */
public record DataSplit(Dataset train, Dataset test, String source, boolean shipped) {
    public DataSplit {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(test, "test");
        Objects.requireNonNull(source, "source");
        if (train.classes() != test.classes() || train.imageSize() != test.imageSize()) {
            throw new IllegalArgumentException("train and test must have the same classes and image size, but train="
                    + train + ", test=" + test);
        }
    }

    /**
     * Training and evaluation images for a budget.
     *
     * @param train the training images
     * @param eval  the images accuracy is measured on
     */
    public record Selection(Dataset train, Dataset eval) {
    }

    /**
     * Selects a training budget's images: {@code validationImages} are held out from the end of the training split,
     * training uses the first {@code trainImages} of the rest, and accuracy is measured on the first
     * {@code testImages} test images, else (when {@code testImages == 0}) on the held-out images. Budgets larger than
     * this split (e.g. the shipped subset) are clamped to what it has.
     *
     * @throws IllegalArgumentException if a count is negative or nothing is left to evaluate on
     */
    public Selection select(int trainImages, int validationImages, int testImages) {
        if (trainImages < 1 || validationImages < 0 || testImages < 0) {
            throw new IllegalArgumentException("budget must have train_images >= 1, validation_images >= 0 and"
                    + " test_images >= 0, but was " + trainImages + ", " + validationImages + ", " + testImages);
        }
        Dataset tr = train;
        Dataset heldOut = null;
        if (validationImages > 0) {
            int v = Math.min(validationImages, tr.size() - 1);
            heldOut = tr.range(tr.size() - v, tr.size());
            tr = tr.range(0, tr.size() - v);
        }
        tr = tr.head(trainImages);
        Dataset eval = testImages > 0 ? test.head(testImages) : heldOut;
        if (eval == null) {
            throw new IllegalArgumentException("budget must evaluate on test_images or validation_images, but both"
                    + " are 0");
        }
        return new Selection(tr, eval);
    }
}
