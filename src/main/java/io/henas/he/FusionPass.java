package io.henas.he;

import java.util.List;

import io.henas.ir.LoweredNet;
import io.henas.ir.Op;

/**
 * Merging decisions around one convolution or dense layer (batch-norms after it were already folded into its weights
 * by {@link io.henas.ir.NetFold}): with merging, a residual add that is the only consumer absorbs the layer when the
 * other branch has a pending affine (the layer's output is expressed relative to it, so no level is spent). Either
 * way, an add partner on the same slot grid gives the layer's output placement, so both branches end up in the same
 * registers' blocks.
 */
final class FusionPass {
    private FusionPass() {
    }

    /**
     * @param fold      affine index folded into the layer's weights (identity when nothing is folded)
     * @param placeLike node whose layout the output must copy (residual partner), or -1 for the canonical packing
     */
    record Fusion(int fold, int placeLike) {
    }

    static Fusion fuse(CompileContext ctx, LoweredNet.Node n, Layout inL) {
        LoweredNet net = ctx.net();
        NodeValues v = ctx.values();
        int fold = v.identity(n.shape().channels());
        int placeLike = -1;
        int cur = n.id();
        List<Integer> cons = net.consumers(cur);
        if (cons.size() == 1 && net.node(cons.getFirst()).op() instanceof Op.Add) {
            LoweredNet.Node addNode = net.node(cons.getFirst());
            int o = addNode.inputs().get(0) == cur ? addNode.inputs().get(1) : addNode.inputs().get(0);
            if (o < n.id() && o != cur && outGrid(n, inL).sameGrid(v.layoutOf(o))) {
                placeLike = o;
                if (ctx.merge() && !v.identityAffine(o)) {
                    v.absorb(addNode.id(), cur);
                    fold = v.affine(new Affine.Relative(v.affineId(o), fold));
                }
            }
        }
        return new Fusion(fold, placeLike);
    }

    /** The slot grid of the layer's output (size and gap). */
    private static Layout outGrid(LoweredNet.Node n, Layout inL) {
        int stride = n.op() instanceof Op.Conv c ? c.stride() : 1;
        int[] z = new int[]{0};
        return new Layout(z, z, n.shape().height(), n.shape().width(), inL.gap() * stride);
    }
}
