package io.henas.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Preprocessing from loaded values (bytes / 255, or float32 as stored; see {@link Dataset}) to network inputs:
 * {@code y = (x * scale - mean[c]) / std[c]} for channel {@code c}, with {@code mean = 0, std = 1} when none are
 * given. {@code resize} says whether an image folder's images of another size are resized (bilinear) to the declared
 * size instead of rejected. Declared in a space file ({@code preprocessing:}), applied before training, stored in the
 * exported model and applied by the client before encryption.
 */
public final class Preprocessing {
    /** No change: scale 1, no mean/std, no resizing. */
    public static final Preprocessing IDENTITY = new Preprocessing(1, new double[0], new double[0], false);

    private final double scale;
    private final double[] mean;
    private final double[] std;
    private final boolean resize;

    /**
     * @param scale  multiplier applied first, finite and non-zero
     * @param mean   per-channel mean subtracted after scaling (empty: none)
     * @param std    per-channel standard deviation divided by (empty: none; same length as {@code mean}), each > 0
     * @param resize resize folder images of another size instead of rejecting them
     * @throws IllegalArgumentException if a value is out of range
     */
    public Preprocessing(double scale, double[] mean, double[] std, boolean resize) {
        if (!Double.isFinite(scale) || scale == 0) {
            throw new IllegalArgumentException("preprocessing scale must be finite and non-zero, but was " + scale);
        }
        if (mean.length != std.length) {
            throw new IllegalArgumentException("preprocessing mean and std must have the same length (one per"
                    + " channel), but had " + mean.length + " and " + std.length);
        }
        for (int c = 0; c < mean.length; c++) {
            if (!Double.isFinite(mean[c])) {
                throw new IllegalArgumentException("preprocessing mean[" + c + "] must be finite, but was " + mean[c]);
            }
            if (!(std[c] > 0) || !Double.isFinite(std[c])) {
                throw new IllegalArgumentException("preprocessing std[" + c + "] must be finite and > 0, but was "
                        + std[c]);
            }
        }
        this.scale = scale;
        this.mean = mean.clone();
        this.std = std.clone();
        this.resize = resize;
    }

    public double scale() {
        return scale;
    }

    public double[] mean() {
        return mean.clone();
    }

    public double[] std() {
        return std.clone();
    }

    public boolean resize() {
        return resize;
    }

    /** Channels the mean/std are for (0 when there are none). */
    public int channels() {
        return mean.length;
    }

    /** Whether applying this changes no value. */
    public boolean isIdentity() {
        return scale == 1 && mean.length == 0;
    }

    /**
     * One image (C-H-W, {@code channels} planes), preprocessed into a new array.
     *
     * @throws IllegalArgumentException if the image does not split into {@code channels} planes matching the mean/std
     */
    public double[] apply(double[] image, int channels) {
        if (channels < 1 || image.length % channels != 0 || (mean.length != 0 && mean.length != channels)) {
            throw new IllegalArgumentException("preprocessing for " + (mean.length == 0 ? "any" : mean.length)
                    + " channel(s) needs an image of " + channels + " planes, but had " + image.length + " values");
        }
        int plane = image.length / channels;
        double[] out = new double[image.length];
        for (int i = 0; i < image.length; i++) {
            int c = i / plane;
            double m = mean.length == 0 ? 0 : mean[c];
            double s = std.length == 0 ? 1 : std[c];
            out[i] = (image[i] * scale - m) / s;
        }
        return out;
    }

    /** The dataset with every image preprocessed (the same dataset when this is the identity). */
    public Dataset apply(Dataset d) {
        if (isIdentity()) {
            return d;
        }
        int n = d.imageSize();
        float[] out = new float[d.size() * n];
        byte[] labels = d.labelBytes();
        for (int i = 0; i < d.size(); i++) {
            double[] y = apply(d.image(i), d.channels());
            for (int j = 0; j < n; j++) {
                out[i * n + j] = (float) y[j];
            }
        }
        return Dataset.ofValues(d.name() + " (preprocessed)", d.channels(), d.rows(), d.cols(), d.classes(), out,
                labels);
    }

    /** As JSON-ready maps and lists. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scale", scale);
        m.put("mean", Arrays.stream(mean).boxed().toList());
        m.put("std", Arrays.stream(std).boxed().toList());
        m.put("resize", resize);
        return m;
    }

    /**
     * Reads {@link #toJson()}'s form (missing keys take the identity's values).
     *
     * @throws IllegalArgumentException naming {@code where} if a value is malformed
     */
    public static Preprocessing fromJson(Object o, String where) {
        if (o == null) {
            return IDENTITY;
        }
        if (!(o instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException(where + " must be an object, but was " + o);
        }
        double scale = m.containsKey("scale") ? number(m.get("scale"), where + ".scale") : 1;
        double[] mean = numbers(m.get("mean"), where + ".mean");
        double[] std = numbers(m.get("std"), where + ".std");
        Object r = m.get("resize");
        if (r != null && !(r instanceof Boolean)) {
            throw new IllegalArgumentException(where + ".resize must be true or false, but was " + r);
        }
        try {
            return new Preprocessing(scale, mean, std, Boolean.TRUE.equals(r));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    private static double number(Object o, String where) {
        if (!(o instanceof Number n)) {
            throw new IllegalArgumentException(where + " must be a number, but was " + o);
        }
        return n.doubleValue();
    }

    private static double[] numbers(Object o, String where) {
        if (o == null) {
            return new double[0];
        }
        if (!(o instanceof List<?> l) || l.size() > 4096) {
            throw new IllegalArgumentException(where + " must be a list of at most 4096 numbers, but was " + o);
        }
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < l.size(); i++) {
            out.add(number(l.get(i), where + "[" + i + "]"));
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    static int intIn(Object o, int min, int max, String where) {
        if (!(o instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.doubleValue() < min
                || n.doubleValue() > max) {
            throw new IllegalArgumentException(where + " must be an integer in [" + min + ", " + max + "], but was "
                    + o);
        }
        return n.intValue();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Preprocessing p && Double.compare(scale, p.scale) == 0 && Arrays.equals(mean, p.mean)
                && Arrays.equals(std, p.std) && resize == p.resize;
    }

    @Override
    public int hashCode() {
        return Double.hashCode(scale) * 31 + Arrays.hashCode(mean) * 17 + Arrays.hashCode(std) + (resize ? 1 : 0);
    }

    @Override
    public String toString() {
        return "Preprocessing[scale=" + scale + ", mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std)
                + ", resize=" + resize + "]";
    }
}
