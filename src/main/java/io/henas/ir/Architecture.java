package io.henas.ir;

import java.util.List;
import java.util.Objects;

/**
 * A concrete network: input shape, number of classes and a sequence of layers and blocks. The last layer must
 * produce exactly {@code classes} values (e.g. a dense layer, or a 1x1 conv to {@code classes} channels followed by
 * global average pooling). Construction validates the whole network (shape inference), so an instance is always
 * well formed.
 *
 * @param name    a label (from the YAML space or a trial id)
 * @param input   input shape, e.g. 1x28x28 for Fashion-MNIST
 * @param classes number of output classes
 * @param layers  the layers in order; paths in errors are {@code layers[i]}
 */
public record Architecture(String name, Shape input, int classes, List<Layer> layers) {

    public Architecture {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(input, "input");
        layers = List.copyOf(layers);
        if (classes < 2) {
            throw new ArchitectureException("classes must be >= 2, but was " + classes);
        }
        if (layers.isEmpty()) {
            throw new ArchitectureException("an architecture needs at least one layer");
        }
        Shape out = lowerUnchecked(input, layers).outputNode().shape();
        if (out.size() != classes) {
            throw new ArchitectureException("the network must end with " + classes + " outputs (one per class), but its"
                    + " last layer " + path(layers.size() - 1) + " produces " + out);
        }
    }

    /** The primitive DAG both the trainer and the HE compiler consume. */
    public LoweredNet lower() {
        return lowerUnchecked(input, layers);
    }

    /** Output shape after each layer (index i = after {@code layers[i]}). */
    public List<Shape> layerShapes() {
        LoweredNet.Builder g = new LoweredNet.Builder(input);
        int x = 0;
        java.util.ArrayList<Shape> shapes = new java.util.ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            x = layers.get(i).lower(g, x, path(i));
            shapes.add(g.shape(x));
        }
        return List.copyOf(shapes);
    }

    /** Trainable parameters. */
    public long parameterCount() {
        return lower().parameterCount();
    }

    /** The path prefix used for layer {@code i} in node names and error messages. */
    public static String path(int i) {
        return "layers[" + i + "]";
    }

    private static LoweredNet lowerUnchecked(Shape input, List<Layer> layers) {
        LoweredNet.Builder g = new LoweredNet.Builder(input);
        int x = 0;
        for (int i = 0; i < layers.size(); i++) {
            x = layers.get(i).lower(g, x, path(i));
        }
        return g.build(x);
    }
}
