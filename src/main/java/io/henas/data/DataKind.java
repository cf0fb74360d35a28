package io.henas.data;

import java.util.Arrays;
import java.util.List;

/** The dataset formats henas reads, by their key in a space file's {@code dataset:}. */
public enum DataKind {
    /** Fashion-MNIST IDX files (gzip or plain); {@code --data} optional (Debian package, else the shipped subset). */
    FASHION_MNIST("fashion-mnist"),
    /** MNIST IDX files with the upstream names (gzip or plain); {@code --data} required. */
    MNIST("mnist"),
    /** CIFAR-10 binary version: {@code data_batch_1.bin} ... {@code data_batch_5.bin}, {@code test_batch.bin}. */
    CIFAR10("cifar10"),
    /** A NumPy archive {@code .npz} with {@code x_train}, {@code y_train}, {@code x_test}, {@code y_test}. */
    NPZ("npz"),
    /** An image folder: {@code train/<class>/*.png|jpg} and {@code test/<class>/*.png|jpg}. */
    FOLDER("folder");

    private final String key;

    DataKind(String key) {
        this.key = key;
    }

    /** The key used in YAML and JSON, e.g. {@code cifar10}. */
    public String key() {
        return key;
    }

    /** All keys, in declaration order. */
    public static List<String> keys() {
        return Arrays.stream(values()).map(DataKind::key).toList();
    }

    /**
     * The kind for a key.
     *
     * @throws IllegalArgumentException if the key is unknown
     */
    public static DataKind of(String key) {
        for (DataKind k : values()) {
            if (k.key.equals(key)) {
                return k;
            }
        }
        throw new IllegalArgumentException("dataset must be one of " + keys() + ", but was '" + key + "'");
    }
}
