package io.henas.ir;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A network as a DAG of primitive {@link Op}s in topological order. Node 0 is the input; {@link #output()} is the
 * logits node (shape {@code classes x 1 x 1}). Node names are unique dotted paths (e.g. {@code layers[2].squeeze.bn})
 * and key the weights in trained and exported models.
 *
 * @param nodes  the nodes, in topological order, {@code nodes.get(i).id() == i}
 * @param output id of the output node
 */
public record LoweredNet(List<Node> nodes, int output) {

    /**
     * One primitive operation.
     *
     * @param id     index in {@link LoweredNet#nodes()}
     * @param name   unique dotted path
     * @param op     the operation
     * @param inputs ids of the input nodes (all smaller than {@code id})
     * @param shape  the output shape
     */
    public record Node(int id, String name, Op op, List<Integer> inputs, Shape shape) {
        public Node {
            inputs = List.copyOf(inputs);
        }
    }

    public LoweredNet {
        nodes = List.copyOf(nodes);
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            if (n.id() != i) {
                throw new ArchitectureException("node " + n.name() + " has id " + n.id() + " at position " + i);
            }
            for (int in : n.inputs()) {
                if (in < 0 || in >= i) {
                    throw new ArchitectureException("node " + n.name() + " reads node " + in + ", not before it");
                }
            }
        }
        if (output < 0 || output >= nodes.size()) {
            throw new ArchitectureException("output node " + output + " out of range");
        }
    }

    public Node node(int id) {
        return nodes.get(id);
    }

    public Node outputNode() {
        return nodes.get(output);
    }

    /** Input shapes of a node. */
    public List<Shape> inputShapes(Node n) {
        return n.inputs().stream().map(i -> nodes.get(i).shape()).toList();
    }

    /** Ids of the nodes that read node {@code id}. */
    public List<Integer> consumers(int id) {
        List<Integer> out = new ArrayList<>();
        for (Node n : nodes) {
            if (n.inputs().contains(id)) {
                out.add(n.id());
            }
        }
        return out;
    }

    /** Total trainable parameters. */
    public long parameterCount() {
        long p = 0;
        for (Node n : nodes) {
            p += n.op().parameters(inputShapes(n));
        }
        return p;
    }

    /** Builds a lowered net node by node, inferring and checking shapes. Not thread-safe. */
    public static final class Builder {
        private final List<Node> nodes = new ArrayList<>();
        private final Set<String> names = new HashSet<>();

        public Builder(Shape input) {
            nodes.add(new Node(0, "input", new Op.Input(input), List.of(), input));
            names.add("input");
        }

        /** Adds a node and returns its id. */
        public int add(String name, Op op, int... inputs) {
            if (!names.add(name)) {
                throw new ArchitectureException("duplicate node name " + name);
            }
            List<Integer> ins = new ArrayList<>();
            List<Shape> shapes = new ArrayList<>();
            for (int i : inputs) {
                ins.add(i);
                shapes.add(shape(i));
            }
            Shape out = op.outputShape(shapes, name);
            int id = nodes.size();
            nodes.add(new Node(id, name, op, ins, out));
            return id;
        }

        /** Optional batch-norm then the activation (if not NONE) after node {@code x}; returns the last node. */
        public int normAct(String path, int x, boolean batchNorm, ActivationKind act) {
            if (batchNorm) {
                x = add(path + ".bn", new Op.BatchNorm(), x);
            }
            if (act != ActivationKind.NONE) {
                x = add(path + ".act", new Op.Act(act), x);
            }
            return x;
        }

        public Shape shape(int id) {
            return nodes.get(id).shape();
        }

        public LoweredNet build(int output) {
            return new LoweredNet(nodes, output);
        }
    }
}
