package io.henas.space;

import io.henas.ir.Shape;

/** The datasets a space may name, with their input shape, classes and split sizes. */
public enum Dataset {
    /** Fashion-MNIST: 28x28 grey images, 10 classes, 60,000 train and 10,000 test images. */
    FASHION_MNIST("fashion-mnist", new Shape(1, 28, 28), 10, 60_000, 10_000),
    /** CIFAR-10: 32x32 colour images, 10 classes, 50,000 train and 10,000 test images. */
    CIFAR10("cifar10", new Shape(3, 32, 32), 10, 50_000, 10_000);

    private final String key;
    private final Shape input;
    private final int classes;
    private final int trainSize;
    private final int testSize;

    Dataset(String key, Shape input, int classes, int trainSize, int testSize) {
        this.key = key;
        this.input = input;
        this.classes = classes;
        this.trainSize = trainSize;
        this.testSize = testSize;
    }

    /** The YAML key, e.g. {@code fashion-mnist}. */
    public String key() {
        return key;
    }

    /** Image shape, channels x height x width. */
    public Shape input() {
        return input;
    }

    public int classes() {
        return classes;
    }

    /** Images in the training split (validation images are held out from it). */
    public int trainSize() {
        return trainSize;
    }

    /** Images in the test split. */
    public int testSize() {
        return testSize;
    }

    /** The dataset for a YAML key, or null. */
    static Dataset byKey(String key) {
        for (Dataset d : values()) {
            if (d.key.equals(key)) {
                return d;
            }
        }
        return null;
    }
}
