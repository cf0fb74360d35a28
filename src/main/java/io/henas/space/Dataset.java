package io.henas.space;

import java.util.List;
import java.util.Objects;

import io.henas.ir.Shape;

/**
 * The dataset a space names ({@code dataset:}), with its input shape, classes, split sizes and the preprocessing the
 * space declares ({@code preprocessing:}). Fashion-MNIST, MNIST and CIFAR-10 have fixed shapes and split sizes;
 * {@code npz} and {@code folder} data take the declared {@code input:} and {@code classes:}, and their split sizes are
 * unknown until loaded (budgets are clamped to what the data has).
 *
 * @param key           the YAML key, e.g. {@code cifar10}
 * @param input         image shape, channels x height x width
 * @param classes       number of classes
 * @param trainSize     images in the training split (an upper bound for npz and folder data)
 * @param testSize      images in the test split (an upper bound for npz and folder data)
 * @param preprocessing what is applied to loaded values before the network sees them
 */
public record Dataset(String key, Shape input, int classes, int trainSize, int testSize, Preprocessing preprocessing) {
    /** Fashion-MNIST: 28x28 grey images, 10 classes, 60,000 train and 10,000 test images. */
    public static final Dataset FASHION_MNIST = new Dataset("fashion-mnist", new Shape(1, 28, 28), 10, 60_000, 10_000,
            Preprocessing.NONE);
    /** MNIST: 28x28 grey digits, 10 classes, 60,000 train and 10,000 test images. */
    public static final Dataset MNIST = new Dataset("mnist", new Shape(1, 28, 28), 10, 60_000, 10_000,
            Preprocessing.NONE);
    /** CIFAR-10: 32x32 colour images, 10 classes, 50,000 train and 10,000 test images. */
    public static final Dataset CIFAR10 = new Dataset("cifar10", new Shape(3, 32, 32), 10, 50_000, 10_000,
            Preprocessing.NONE);
    /** Upper bound on split sizes of npz and folder data (their real size is known only when loaded). */
    public static final int DECLARED_MAX_IMAGES = 1_000_000;
    /** Keys of the kinds whose shape and classes the space declares. */
    public static final List<String> DECLARED = List.of("npz", "folder");
    /** Every key a space may name. */
    public static final List<String> KEYS = List.of("fashion-mnist", "mnist", "cifar10", "npz", "folder");

    public Dataset {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(preprocessing, "preprocessing");
    }

    /**
     * Preprocessing declared in a space: {@code y = (x * scale - mean[c]) / std[c]} on loaded values (bytes / 255, or
     * float32 as stored), and whether folder images of another size are resized instead of rejected.
     *
     * @param scale  multiplier applied first
     * @param mean   per-channel means (empty: none)
     * @param std    per-channel standard deviations (empty: none)
     * @param resize resize folder images to the declared size
     */
    public record Preprocessing(double scale, List<Double> mean, List<Double> std, boolean resize) {
        /** Scale 1, no mean/std, no resizing. */
        public static final Preprocessing NONE = new Preprocessing(1, List.of(), List.of(), false);

        public Preprocessing {
            mean = List.copyOf(mean);
            std = List.copyOf(std);
        }

        /** Whether nothing is declared. */
        public boolean isNone() {
            return equals(NONE);
        }
    }

    /** This dataset with {@code p} as its preprocessing. */
    public Dataset withPreprocessing(Preprocessing p) {
        return new Dataset(key, input, classes, trainSize, testSize, p);
    }

    /** The dataset for a key with a fixed shape (not npz or folder), or null. */
    static Dataset byKey(String key) {
        for (Dataset d : List.of(FASHION_MNIST, MNIST, CIFAR10)) {
            if (d.key.equals(key)) {
                return d;
            }
        }
        return null;
    }

    /** An npz or folder dataset with the declared shape and classes. */
    static Dataset declared(String key, Shape input, int classes) {
        return new Dataset(key, input, classes, DECLARED_MAX_IMAGES, DECLARED_MAX_IMAGES, Preprocessing.NONE);
    }
}
