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
}
