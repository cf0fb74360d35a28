package io.henas.compare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Tiny fixed space files and experiment text shared by the compare tests. */
public final class CompareFixtures {
    private CompareFixtures() {
    }

    /** A CIFAR-shaped net of depth 3 with merging: 128-bit secure at N = 2^13. */
    public static final String TINY_CIFAR = """
            name: tiny-cifar
            dataset: cifar10
            input: [3, 32, 32]
            classes: 10
            defaults: {activation: square, batchnorm: true}
            stages:
              - blocks:
                  - {type: conv, channels: 4, kernel: 3}
                pool: 2
            head:
              type: conv-gap
            """;

    static final String TINY_CIFAR_FIRE = """
            name: tiny-cifar-fire
            dataset: cifar10
            input: [3, 32, 32]
            classes: 10
            defaults: {activation: square, batchnorm: true}
            stages:
              - blocks:
                  - {type: conv, channels: 4, kernel: 3}
                pool: 2
              - blocks:
                  - {type: fire, channels: 4, squeeze: 2}
            head:
              type: conv-gap
            """;

    /** TINY_CIFAR's layers on Fashion-MNIST's 28x28x1 input. */
    static final String TINY_FASHION = TINY_CIFAR.replace("name: tiny-cifar", "name: tiny-fashion")
            .replace("dataset: cifar10", "dataset: fashion-mnist").replace("input: [3, 32, 32]", "input: [1, 28, 28]");


    /** Writes the space files into {@code dir}. */
    static void writeSpaces(Path dir) throws IOException {
        Files.writeString(dir.resolve("tiny-cifar.yaml"), TINY_CIFAR);
        Files.writeString(dir.resolve("tiny-cifar-fire.yaml"), TINY_CIFAR_FIRE);
        Files.writeString(dir.resolve("tiny-fashion.yaml"), TINY_FASHION);
    }

    static final String EXPERIMENT = """
            name: tiny-compare
            measure: {mode: auto, reps: 1, key_memory_gb: 1, seed: 7}
            inference: {images: 2}
            rows:
              - name: fire
                role: baseline
                architecture: tiny-cifar-fire.yaml
                merge: on
              - name: plain
                role: variant
                architecture: tiny-cifar.yaml
                merge: on
                fashion: tiny-fashion.yaml
              - name: plain-off
                role: variant
                architecture: tiny-cifar.yaml
                merge: off
            """;
}
