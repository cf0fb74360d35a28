package io.henas.ir;

/**
 * A feature-map shape in channels-height-width order. Flattening (for dense layers and for the HE plan) is always
 * C-H-W: index = (c * height + y) * width + x.
 *
 * @param channels number of channels, at least 1
 * @param height   map height, at least 1
 * @param width    map width, at least 1
 */
public record Shape(int channels, int height, int width) {
    public Shape {
        if (channels < 1 || height < 1 || width < 1) {
            throw new ArchitectureException("shape dimensions must be >= 1, but was " + channels + "x" + height + "x" + width);
        }
    }

    /** Number of scalars in a map of this shape. */
    public int size() {
        return Math.multiplyExact(Math.multiplyExact(channels, height), width);
    }

    /** Same spatial size, other channel count. */
    public Shape withChannels(int c) {
        return new Shape(c, height, width);
    }

    @Override
    public String toString() {
        return channels + "x" + height + "x" + width;
    }
}
