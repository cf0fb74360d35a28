package io.henas.compare;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.henas.space.SearchSpace;
import io.henas.space.TrainBudget;

/**
 * A loaded, validated comparison experiment ({@link ExperimentLoader}).
 *
 * @param name        experiment name
 * @param description free text
 * @param source      the experiment file
 * @param rows        the rows, in file order (names distinct, exactly one or more baselines, at most one searched)
 * @param measure     how encrypted latency is measured
 * @param train       overrides of each Fashion-MNIST file's {@code train.full} budget (absent keys: the file's)
 * @param images      Fashion-MNIST test images run under encryption per trained row
 * @param sha256      hash of the experiment file's text
 */
public record Experiment(String name, String description, Path source, List<Row> rows, Measure measure,
                         TrainOverride train, int images, String sha256) {
    public Experiment {
        rows = List.copyOf(rows);
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("an experiment needs at least one row, but had none");
        }
        if (images < 1) {
            throw new IllegalArgumentException("images must be >= 1, but was " + images);
        }
    }

    /** The role of a row in the comparison. */
    public enum Role {
        BASELINE, VARIANT, SEARCHED;

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One row.
     *
     * @param name         row name
     * @param role         baseline, variant or searched
     * @param architecture the CIFAR-shaped fixed space (cost and measured latency)
     * @param merge        coefficient merging
     * @param fashion      the Fashion-MNIST fixed space of the same architecture, if it is to be trained
     * @param line         line of the row in the experiment file (for messages)
     */
    public record Row(String name, Role role, SearchSpace architecture, boolean merge, Optional<SearchSpace> fashion,
                      int line) {
    }

    /**
     * Measurement settings.
     *
     * @param mode           null = auto (end-to-end when all keys fit {@code keyMemoryBytes}), else the forced mode
     * @param reps           timed runs per segment, the median counts
     * @param keyMemoryBytes memory for the keys of one segment
     * @param seed           seed of the random weights and input
     */
    public record Measure(io.henas.infer.LayerwiseRun.Mode mode, int reps, long keyMemoryBytes, long seed) {
        public Measure {
            if (reps < 1) {
                throw new IllegalArgumentException("reps must be >= 1, but was " + reps);
            }
            if (keyMemoryBytes < 1) {
                throw new IllegalArgumentException("key memory must be >= 1 byte, but was " + keyMemoryBytes);
            }
        }

        public static Measure defaults() {
            return new Measure(null, 1, 8L << 30, 1);
        }
    }

    /** Overrides of a {@link TrainBudget}; empty fields keep the file's value. */
    public record TrainOverride(Optional<Integer> epochs, Optional<Integer> trainImages,
                                Optional<Integer> validationImages, Optional<Integer> testImages,
                                Optional<Integer> batchSize, Optional<Double> learningRate, Optional<Long> seed,
                                Optional<TrainBudget.Augment> augment, Optional<Double> weightDecay) {
        public static TrainOverride none() {
            return new TrainOverride(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
        }

        /** {@code base} with these overrides applied. */
        public TrainBudget apply(TrainBudget base) {
            return new TrainBudget(epochs.orElse(base.epochs()), trainImages.orElse(base.trainImages()),
                    validationImages.orElse(base.validationImages()), testImages.orElse(base.testImages()),
                    batchSize.orElse(base.batchSize()), learningRate.orElse(base.learningRate()),
                    seed.orElse(base.seed()), augment.orElse(base.augment()), weightDecay.orElse(base.weightDecay()));
        }
    }
}
