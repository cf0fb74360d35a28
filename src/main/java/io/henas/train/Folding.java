package io.henas.train;

import java.util.ArrayList;
import java.util.List;

import io.henas.ir.ActivationKind;
import io.henas.ir.LoweredNet;
import io.henas.ir.NetFold;
import io.henas.ir.NetWeights;
import io.henas.ir.Op;

/**
 * Folds a trained network for export with the one batch-norm fold, {@link NetFold}: the structure the HE compiler
 * compiles every network with (so the exported plan is the plan the search ranked) and the trained numbers folded by
 * the same rule. Batch-norms that follow a linear layer (or a Concat of linear layers) disappear into it exactly;
 * the others stay batch-norm nodes, listed in {@link FoldedNet#remaining()} with the POLY2 coefficients, for the HE
 * plan compiler to merge.
 */
public final class Folding {
    private Folding() {
    }

    /** Folds {@code weights} (which must fit {@code net}) into an export-ready network. */
    public static FoldedNet fold(LoweredNet net, NetWeights weights) {
        NetFold f = NetFold.of(net);
        NetWeights w = f.weights(weights);
        List<String> remaining = new ArrayList<>();
        for (LoweredNet.Node node : f.net().nodes()) {
            if (node.op() instanceof Op.Act a && a.kind() == ActivationKind.POLY2) {
                remaining.add("poly2 " + node.name() + ": a*x^2 + b*x + c per channel (" + node.shape().channels()
                        + " channels) for the HE plan to merge");
            } else if (node.op() instanceof Op.BatchNorm) {
                LoweredNet.Node src = f.net().node(node.inputs().getFirst());
                remaining.add("batchnorm " + node.name() + " after " + src.op().getClass().getSimpleName() + " "
                        + src.name() + ": kept for the HE plan (pending affine when merging, else one level)");
            }
        }
        return new FoldedNet(f.net(), w, remaining);
    }
}
