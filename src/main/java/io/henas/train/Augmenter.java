package io.henas.train;

import java.util.SplittableRandom;

/**
 * Random translation and horizontal flip of training minibatches ({@link TrainConfig#augmentShift()},
 * {@link TrainConfig#augmentFlip()}). For each image, in order, it draws the flip first (when enabled:
 * {@code nextBoolean()}), then the shifts {@code dx} and {@code dy} (when shift > 0: {@code nextInt(-s, s + 1)}
 * each), and writes {@code out[c][y][x] = m[c][y - dy][x - dx]}, where {@code m} is the image mirrored left-right
 * ({@code m[c][y][x] = in[c][y][W - 1 - x]}) when flipped and the image itself otherwise, and 0 where
 * {@code y - dy} or {@code x - dx} falls outside the image: a positive {@code dx} moves the content right, a positive
 * {@code dy} down, and the pixels moved in are 0 (after preprocessing: for images scaled to [0, 1] without a mean,
 * black). The same generator state gives the same transformations, so a training stays a
 * function of its seed. Evaluation and train-accuracy images are never transformed: only {@link Trainer}'s minibatch
 * loop calls this.
 */
public final class Augmenter {
    private final int shift;
    private final boolean flip;
    private final SplittableRandom random;

    /**
     * @param shift  largest translation in pixels, in [0, {@value TrainConfig#MAX_AUGMENT_SHIFT}]
     * @param flip   mirror left-right with probability 1/2
     * @param random the generator the transformations are drawn from
     */
    public Augmenter(int shift, boolean flip, SplittableRandom random) {
        if (shift < 0 || shift > TrainConfig.MAX_AUGMENT_SHIFT) {
            throw new IllegalArgumentException("shift must be in [0, " + TrainConfig.MAX_AUGMENT_SHIFT + "], but was "
                    + shift);
        }
        this.shift = shift;
        this.flip = flip;
        this.random = java.util.Objects.requireNonNull(random, "random");
    }

    /**
     * Transforms {@code n} images of {@code channels x rows x cols} floats stored one after another (NCHW) in
     * {@code px}, in place.
     *
     * @throws IllegalArgumentException if {@code px} does not hold exactly that many floats
     */
    public void apply(float[] px, int n, int channels, int rows, int cols) {
        int plane = rows * cols;
        if (n < 0 || channels < 1 || rows < 1 || cols < 1 || px.length != (long) n * channels * plane) {
            throw new IllegalArgumentException("px must hold " + n + " x " + channels + " x " + rows + " x " + cols
                    + " floats, but holds " + px.length);
        }
        float[] tmp = new float[plane];
        for (int i = 0; i < n; i++) {
            boolean mirror = flip && random.nextBoolean();
            int dx = shift > 0 ? random.nextInt(-shift, shift + 1) : 0;
            int dy = shift > 0 ? random.nextInt(-shift, shift + 1) : 0;
            if (!mirror && dx == 0 && dy == 0) {
                continue;
            }
            for (int c = 0; c < channels; c++) {
                int base = (i * channels + c) * plane;
                System.arraycopy(px, base, tmp, 0, plane);
                for (int y = 0; y < rows; y++) {
                    int sy = y - dy;
                    for (int x = 0; x < cols; x++) {
                        int sx = x - dx;
                        float v = 0f;
                        if (sy >= 0 && sy < rows && sx >= 0 && sx < cols) {
                            v = tmp[sy * cols + (mirror ? cols - 1 - sx : sx)];
                        }
                        px[base + y * cols + x] = v;
                    }
                }
            }
        }
    }
}
