package io.henas.he;

import io.henas.ir.LoweredNet;
import io.henas.ir.Shape;

/**
 * Everything a compiler pass needs about one compilation: the network, the options, the packing rules, the ring ({@code slots = N/2}),
 * the packing ({@code perCt} channel blocks of {@code blockSize} slots per ciphertext, row pitch {@code w0}), the
 * {@link Emitter} and the {@link NodeValues} table.
 */
record CompileContext(LoweredNet net, CompileOptions opts, Packing packing, int logN, int slots, int blockSize, int perCt, int w0,
                      Emitter em, NodeValues values) {

    boolean merge() {
        return opts.merge();
    }

    /** Shape of node {@code n}'s first input. */
    Shape inShape(LoweredNet.Node n) {
        return net.node(n.inputs().getFirst()).shape();
    }
}
