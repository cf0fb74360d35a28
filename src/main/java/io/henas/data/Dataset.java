package io.henas.data;

import java.util.Arrays;
import java.util.Objects;
import java.util.Random;

/**
 * Labelled images, immutable. Values are stored as floats, one image after the other, each in C-H-W order (the order
 * of {@code ir.Shape}). Images read from unsigned bytes (IDX, CIFAR-10, uint8 NumPy, PNG/JPEG) hold the byte divided
 * by 255, so [0, 1]; float32 NumPy images hold the stored values; a {@link Preprocessing} maps either to what the
 * network sees. Labels are class indices in {@code [0, classes)}.
 */
public final class Dataset {
    private final String name;
    private final int channels;
    private final int rows;
    private final int cols;
    private final int classes;
    private final float[] pixels;
    private final byte[] labels;

    private Dataset(String name, int channels, int rows, int cols, int classes, float[] pixels, byte[] labels) {
        this.name = name;
        this.channels = channels;
        this.rows = rows;
        this.cols = cols;
        this.classes = classes;
        this.pixels = pixels;
        this.labels = labels;
    }

    /**
     * Builds a dataset from IDX images and labels.
     *
     * @throws IllegalArgumentException if the counts differ or a label is not in {@code [0, classes)}
     */
    public static Dataset of(String name, Idx.Images images, byte[] labels, int classes) {
        Objects.requireNonNull(name, "name");
        if (images.count() != labels.length) {
            throw new IllegalArgumentException(name + ": images and labels must agree in count, but images="
                    + images.count() + ", labels=" + labels.length);
        }
        if (classes < 2 || classes > 256) {
            throw new IllegalArgumentException("classes must be in [2, 256], but was " + classes);
        }
        for (int i = 0; i < labels.length; i++) {
            int l = labels[i] & 0xff;
            if (l >= classes) {
                throw new IllegalArgumentException(name + ": label " + i + " must be in [0, " + classes + "), but was " + l);
            }
        }
        byte[] px = images.pixels();
        float[] f = new float[px.length];
        for (int i = 0; i < px.length; i++) {
            f[i] = (px[i] & 0xff) / 255f;
        }
        return new Dataset(name, 1, images.rows(), images.cols(), classes, f, labels.clone());
    }

    /**
     * Builds a dataset from values already in C-H-W order (copied).
     *
     * @throws IllegalArgumentException if the sizes disagree, a value is not finite or a label is out of range
     */
    public static Dataset ofValues(String name, int channels, int rows, int cols, int classes, float[] values,
                                   byte[] labels) {
        Objects.requireNonNull(name, "name");
        if (channels < 1 || rows < 1 || cols < 1) {
            throw new IllegalArgumentException(name + ": shape must be positive, but was " + channels + "x" + rows + "x"
                    + cols);
        }
        if (classes < 2 || classes > 256) {
            throw new IllegalArgumentException("classes must be in [2, 256], but was " + classes);
        }
        if ((long) labels.length * channels * rows * cols != values.length) {
            throw new IllegalArgumentException(name + ": values must hold " + labels.length + " images of " + channels
                    + "x" + rows + "x" + cols + ", but had " + values.length + " values");
        }
        for (int i = 0; i < labels.length; i++) {
            if ((labels[i] & 0xff) >= classes) {
                throw new IllegalArgumentException(name + ": label " + i + " must be in [0, " + classes + "), but was "
                        + (labels[i] & 0xff));
            }
        }
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new IllegalArgumentException(name + ": value " + i + " (image " + i / (channels * rows * cols)
                        + ") must be finite, but was " + values[i]);
            }
        }
        return new Dataset(name, channels, rows, cols, classes, values.clone(), labels.clone());
    }

    /** A label such as "fashion-mnist train (shipped subset)". */
    public String name() {
        return name;
    }

    public int size() {
        return labels.length;
    }

    /** Channels of each image. */
    public int channels() {
        return channels;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** Values per image: {@code channels * rows * cols}. */
    public int imageSize() {
        return channels * rows * cols;
    }

    public int classes() {
        return classes;
    }

    /** Label of image {@code i}. */
    public int label(int i) {
        return labels[i] & 0xff;
    }

    /** Image {@code i} as doubles (in [0, 1] for byte sources), C-H-W order. */
    public double[] image(int i) {
        Objects.checkIndex(i, size());
        double[] out = new double[imageSize()];
        int off = i * imageSize();
        for (int j = 0; j < out.length; j++) {
            out[j] = pixels[off + j];
        }
        return out;
    }

    /** The images {@code idx} packed one after another into a new float array (for building batches). */
    public float[] pixels(int[] idx) {
        int n = imageSize();
        float[] out = new float[idx.length * n];
        for (int j = 0; j < idx.length; j++) {
            Objects.checkIndex(idx[j], size());
            System.arraycopy(pixels, idx[j] * n, out, j * n, n);
        }
        return out;
    }

    /** Number of images per class. */
    public int[] classCounts() {
        int[] c = new int[classes];
        for (byte l : labels) {
            c[l & 0xff]++;
        }
        return c;
    }

    /** The images {@code idx}, in that order, as a new dataset. */
    public Dataset select(String newName, int[] idx) {
        byte[] l = new byte[idx.length];
        for (int j = 0; j < idx.length; j++) {
            Objects.checkIndex(idx[j], size());
            l[j] = labels[idx[j]];
        }
        return new Dataset(newName, channels, rows, cols, classes, pixels(idx), l);
    }

    /** The first {@code n} images (all if {@code n >= size()}). */
    public Dataset head(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0, but was " + n);
        }
        if (n >= size()) {
            return this;
        }
        int[] idx = new int[n];
        Arrays.setAll(idx, i -> i);
        return select(name + " [first " + n + "]", idx);
    }

    /** Images {@code [from, to)} in order. */
    public Dataset range(int from, int to) {
        if (from < 0 || to > size() || from > to) {
            throw new IllegalArgumentException("range must satisfy 0 <= from <= to <= " + size() + ", but was [" + from
                    + ", " + to + ")");
        }
        int[] idx = new int[to - from];
        Arrays.setAll(idx, i -> from + i);
        return select(name + " [" + from + ", " + to + ")", idx);
    }

    /**
     * Indices of a stratified sample: {@code perClass} images of every class, drawn without replacement by a seeded
     * shuffle of each class's indices ({@code java.util.Random(seed)}, Fisher-Yates), returned in ascending order
     * (so the sample keeps the source order).
     *
     * @throws IllegalArgumentException if a class has fewer than {@code perClass} images
     */
    public int[] stratifiedIndices(int perClass, long seed) {
        int[] counts = classCounts();
        for (int c = 0; c < classes; c++) {
            if (counts[c] < perClass) {
                throw new IllegalArgumentException(name + ": class " + c + " must have at least " + perClass
                        + " images for the subset, but had " + counts[c]);
            }
        }
        Random rnd = new Random(seed);
        int[] out = new int[perClass * classes];
        int k = 0;
        for (int c = 0; c < classes; c++) {
            int[] members = new int[counts[c]];
            int m = 0;
            for (int i = 0; i < size(); i++) {
                if ((labels[i] & 0xff) == c) {
                    members[m++] = i;
                }
            }
            for (int i = members.length - 1; i > 0; i--) {
                int j = rnd.nextInt(i + 1);
                int t = members[i];
                members[i] = members[j];
                members[j] = t;
            }
            System.arraycopy(members, 0, out, k, perClass);
            k += perClass;
        }
        Arrays.sort(out);
        return out;
    }

    /** A stratified subset ({@link #stratifiedIndices}). */
    public Dataset stratified(String newName, int perClass, long seed) {
        return select(newName, stratifiedIndices(perClass, seed));
    }

    /**
     * The images as IDX unsigned bytes (exact when pixels were bytes / 255; other values are clamped to [0, 1] and
     * rounded). Channels are stacked into rows: an image of C x H x W becomes (C * H) x W.
     */
    public Idx.Images toIdxImages() {
        byte[] b = new byte[pixels.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Math.round(Math.max(0f, Math.min(1f, pixels[i])) * 255f);
        }
        return new Idx.Images(size(), channels * rows, cols, b);
    }

    /** The labels as IDX bytes. */
    public byte[] labelBytes() {
        return labels.clone();
    }

    @Override
    public String toString() {
        return name + " (" + size() + " images " + (channels == 1 ? "" : channels + "x") + rows + "x" + cols + ", "
                + classes + " classes)";
    }
}
