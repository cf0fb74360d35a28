package io.henas.ir;

import java.util.Arrays;

/**
 * An immutable dense tensor of doubles in row-major order.
 *
 * @param shape dimensions, each >= 1
 * @param data  values, {@code data.length} equals the product of {@code shape}
 */
public record Tensor(int[] shape, double[] data) {
    public Tensor {
        shape = shape.clone();
        data = data.clone();
        long n = 1;
        for (int d : shape) {
            if (d < 1) {
                throw new ArchitectureException("tensor dimensions must be >= 1, but shape was " + Arrays.toString(shape));
            }
            n *= d;
        }
        if (n != data.length) {
            throw new ArchitectureException("tensor of shape " + Arrays.toString(shape) + " needs " + n
                    + " values, but had " + data.length);
        }
    }

    /** A copy of the shape. */
    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** A copy of the values. */
    @Override
    public double[] data() {
        return data.clone();
    }

    /** Value at a flat index (no copy). */
    public double at(int i) {
        return data[i];
    }

    public int size() {
        return data.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape);
    }
}
