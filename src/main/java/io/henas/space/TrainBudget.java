package io.henas.space;

/**
 * A training budget ({@code train.proxy} or {@code train.full}). Validation images are held out from the end of the
 * training split; test images are the first {@code testImages} of the test split. Accuracy for the search is
 * measured on the validation images when there are any, else on the test images.
 *
 * @param epochs           passes over the training images, at least 1
 * @param trainImages      training images used (the first ones of the training split), at least 1
 * @param validationImages images held out from the training split for accuracy, at least 0
 * @param testImages       test images evaluated, at least 0
 * @param batchSize        minibatch size, at least 1
 * @param learningRate     Adam learning rate, in (0, 1]
 * @param seed             seed for initialisation and shuffling
 */
public record TrainBudget(int epochs, int trainImages, int validationImages, int testImages, int batchSize,
                          double learningRate, long seed) {
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
