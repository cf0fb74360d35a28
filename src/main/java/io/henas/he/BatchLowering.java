package io.henas.he;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.henas.ir.ActivationKind;
import io.henas.ir.LoweredNet;
import io.henas.ir.Op;
import io.henas.ir.Shape;

/**
 * Lowers a network for the batch packing ({@link Packing#BATCH}, CryptoNets-style): every value of every feature map
 * (C-H-W order) is one register holding that value for {@code N/2} images, one image per slot. A node's
 * {@link Layout} lists one register per value ("channel" {@code i} of the layout is the flat value index,
 * {@code 1 x 1} map, block 0); pending per-channel {@link Affine}s work as in the single-image packing.
 *
 * <ul>
 *   <li>convolution and dense: per output value, {@code MUL_CONST} then {@code MUL_CONST_ACC} over its inputs
 *       (weights with the input's pending affine and the fold as constants, {@link Plaintext.BatchWeight}), one
 *       rescale and an {@code ADD_PLAIN} of the bias constant: one level, no rotation;</li>
 *   <li>activations: a square per value ({@code MUL_CT}, relinearize, rescale), with the merged shift added first
 *       when the pending input affine has an offset; unmerged POLY2 as in the single packing. A square whose only
 *       reader is a pooling is left unsettled (no relinearization, no rescale): the pooling adds the three-polynomial
 *       products and settles each sum once, so a 2x2 pool pays a quarter of the relinearizations and rescales;</li>
 *   <li>average and global average pooling: additions (the factor pending when merging, else one level);</li>
 *   <li>batch-norm: pending when merging, else one level; concat aligns levels; residual add materializes pending
 *       affines and aligns scales and levels.</li>
 * </ul>
 * Values are emitted output channel by output channel, so consumers can free their inputs early. The squares use
 * structural scale classes ({@link Emitter#structuralSquares()}): two squares of equal-scale operands at one level
 * have equal scales, so pooling adds them without a fix.
 */
final class BatchLowering {
    private final CompileContext ctx;
    private final LoweredNet net;
    private final Emitter em;
    private final NodeValues v;
    private final Map<Plaintext, Integer> pool = new HashMap<>();
    /** Activation nodes whose squares were left unsettled for the pooling that reads them. */
    private final java.util.Set<Integer> unsettled = new java.util.HashSet<>();

    BatchLowering(CompileContext ctx) {
        this.ctx = ctx;
        this.net = ctx.net();
        this.em = ctx.em();
        this.v = ctx.values();
    }

    HePlan run() {
        em.structuralSquares();
        for (LoweredNet.Node n : net.nodes()) {
            em.node(n.id());
            switch (n.op()) {
                case Op.Input i -> input(n);
                case Op.Conv c -> conv(n, c);
                case Op.Dense d -> dense(n);
                case Op.BatchNorm b -> batchNorm(n);
                case Op.Act a -> act(n, a.kind());
                case Op.AvgPool p -> pool(n, p.size(), p.size());
                case Op.GlobalAvgPool g -> pool(n, ctx.inShape(n).height(), ctx.inShape(n).width());
                case Op.Concat c -> concat(n);
                case Op.Add a -> add(n);
            }
            v.finish(n.id(), n.inputs());
        }
        return new HePlan(net, ctx.opts(), ctx.packing(), ctx.logN(), ctx.blockSize(), ctx.w0(), em.program(),
                v.tables());
    }

    private int pt(Plaintext p) {
        return pool.computeIfAbsent(p, em::pt);
    }

    /** A layout holding one register per value, in flat C-H-W order. */
    private int values(int[] regs) {
        return v.layout(new Layout(regs, new int[regs.length], 1, 1, 1));
    }

    /** The registers of node {@code node}'s values, all brought to the node's deepest level. */
    private int[] regs(int node) {
        Layout l = v.layoutOf(node);
        int depth = v.valueDepth(node);
        int[] r = new int[l.channels()];
        Map<Integer, Integer> dropped = new HashMap<>();
        for (int i = 0; i < r.length; i++) {
            r[i] = dropped.computeIfAbsent(l.reg(i), x -> em.dropTo(x, depth));
        }
        return r;
    }

    private static int hw(Shape s) {
        return s.height() * s.width();
    }

    private void input(LoweredNet.Node n) {
        int[] r = new int[n.shape().size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = em.newReg(0);
        }
        v.set(n.id(), values(r), v.identity(n.shape().channels()));
    }

    private void conv(LoweredNet.Node n, Op.Conv c) {
        int in = n.inputs().getFirst();
        int[] x = regs(in);
        int inAff = v.affineId(in);
        int fold = v.identity(n.shape().channels());
        boolean offsets = !v.affine(inAff).offsetFree(v.affines());
        Shape is = ctx.inShape(n);
        Shape os = n.shape();
        int k = c.kernel();
        int pad = (k - 1) / 2;
        int inPer = c.depthwise() ? 1 : is.channels();
        int depth = v.valueDepth(in);
        int[] out = new int[os.size()];
        for (int o = 0; o < os.channels(); o++) {
            for (int oy = 0; oy < os.height(); oy++) {
                for (int ox = 0; ox < os.width(); ox++) {
                    int acc = em.newReg(depth);
                    boolean first = true;
                    for (int j = 0; j < inPer; j++) {
                        int ic = c.depthwise() ? o : j;
                        for (int ky = 0; ky < k; ky++) {
                            int iy = oy * c.stride() + ky - pad;
                            for (int kx = 0; kx < k; kx++) {
                                int ix = ox * c.stride() + kx - pad;
                                if (iy < 0 || iy >= is.height() || ix < 0 || ix >= is.width()) {
                                    continue;
                                }
                                int w = pt(new Plaintext.BatchWeight(n.id(), inAff, fold, o, j, ky, kx));
                                em.emit(first ? OpCode.MUL_CONST : OpCode.MUL_CONST_ACC, acc,
                                        x[(ic * is.height() + iy) * is.width() + ix], w, depth);
                                first = false;
                            }
                        }
                    }
                    out[(o * os.height() + oy) * os.width() + ox] = finishLinear(n, acc, inAff, fold, o,
                            offsets ? oy : 0, offsets ? ox : 0);
                }
            }
        }
        v.set(n.id(), values(out), fold);
    }

    private void dense(LoweredNet.Node n) {
        int in = n.inputs().getFirst();
        int[] x = regs(in);
        int inAff = v.affineId(in);
        int units = n.shape().channels();
        int fold = v.identity(units);
        int depth = v.valueDepth(in);
        int[] out = new int[units];
        for (int u = 0; u < units; u++) {
            int acc = em.newReg(depth);
            for (int i = 0; i < x.length; i++) {
                em.emit(i == 0 ? OpCode.MUL_CONST : OpCode.MUL_CONST_ACC, acc, x[i],
                        pt(new Plaintext.BatchWeight(n.id(), inAff, fold, u, i, 0, 0)), depth);
            }
            out[u] = finishLinear(n, acc, inAff, fold, u, 0, 0);
        }
        v.set(n.id(), values(out), fold);
    }

    /** Rescales an accumulated linear output and adds its bias constant. */
    private int finishLinear(LoweredNet.Node n, int acc, int inAff, int fold, int o, int y, int x) {
        em.rescale(acc);
        em.emit(OpCode.ADD_PLAIN, acc, acc, pt(new Plaintext.BatchBias(n.id(), inAff, fold, o, y, x)), em.depth(acc));
        return acc;
    }

    private void batchNorm(LoweredNet.Node n) {
        int in = n.inputs().getFirst();
        int aff = v.affine(new Affine.Bn(v.affineId(in), n.id()));
        if (ctx.merge()) {
            v.set(n.id(), v.layoutId(in), aff);
        } else {
            v.set(n.id(), materialize(in, aff), v.identity(n.shape().channels()));
        }
    }

    /** New registers holding {@code a * stored + c} of affine {@code aff} for node {@code node}'s values (one level). */
    private int materialize(int node, int aff) {
        int[] x = regs(node);
        int per = hw(net.node(node).shape());
        boolean offset = !v.affine(aff).offsetFree(v.affines());
        int[] out = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            int y = em.newReg(em.depth(x[i]));
            em.emit(OpCode.MUL_CONST, y, x[i], pt(new Plaintext.BatchAffine(aff, i / per, 'a')), em.depth(x[i]));
            em.rescale(y);
            if (offset) {
                em.emit(OpCode.ADD_PLAIN, y, y, pt(new Plaintext.BatchAffine(aff, i / per, 'c')), em.depth(y));
            }
            out[i] = y;
        }
        return values(out);
    }

    private void act(LoweredNet.Node n, ActivationKind kind) {
        int in = n.inputs().getFirst();
        int[] x = regs(in);
        int per = hw(n.shape());
        int inAff = v.affineId(in);
        boolean poly2 = kind == ActivationKind.POLY2;
        int[] out = new int[x.length];
        if (!ctx.merge() && poly2) {
            for (int i = 0; i < x.length; i++) {
                int ch = i / per;
                int x2 = em.square(x[i], x[i]);
                int t = em.newReg(em.depth(x2));
                em.emit(OpCode.MUL_CONST, t, x2, pt(new Plaintext.BatchPoly(n.id(), ch, 'a')), em.depth(x2));
                em.rescale(t);
                int u = em.newReg(em.depth(x[i]));
                em.emit(OpCode.MUL_CONST, u, x[i], pt(new Plaintext.BatchPoly(n.id(), ch, 'b')), em.depth(x[i]));
                em.rescale(u);
                int ud = em.dropTo(u, em.depth(t));
                em.emit(OpCode.ADD, t, t, ud, em.depth(t));
                em.emit(OpCode.ADD_PLAIN, t, t, pt(new Plaintext.BatchPoly(n.id(), ch, 'c')), em.depth(t));
                out[i] = t;
            }
            v.set(n.id(), values(out), v.identity(n.shape().channels()));
            return;
        }
        boolean plainSquare = !poly2 && v.affine(inAff).offsetFree(v.affines());
        // the input's registers are this activation's alone: shift them in place and square (s + k/2)^2 rather than
        // multiply s by a shifted copy s + k (no copy of every value; the constant -k^2/4 joins the pending map)
        boolean centered = !plainSquare && ownsRegisters(in, n.id());
        boolean defer = readOnlyByPooling(n.id());
        if (defer) {
            unsettled.add(n.id());
        }
        for (int i = 0; i < x.length; i++) {
            int a = x[i];
            int b = x[i];
            if (centered) {
                em.emit(OpCode.ADD_PLAIN, a, a, pt(new Plaintext.BatchCenterShift(n.id(), inAff, i / per)),
                        em.depth(a));
            } else if (!plainSquare) {
                b = em.newReg(em.depth(x[i]));
                em.emit(OpCode.ADD_PLAIN, b, x[i], pt(new Plaintext.BatchActShift(n.id(), inAff, i / per)),
                        em.depth(x[i]));
            }
            out[i] = defer ? em.squareUnsettled(a, b) : em.square(a, b);
        }
        boolean identityOut = !poly2 && v.affine(inAff) instanceof Affine.Identity;
        v.set(n.id(), values(out), identityOut ? v.identity(n.shape().channels())
                : v.affine(centered ? new Affine.ActOutCentered(inAff, n.id(), poly2)
                : new Affine.ActOut(inAff, n.id(), poly2)));
    }

    /**
     * Whether the registers holding node {@code node}'s values are read by {@code reader} alone, so that it may update
     * them in place: {@code reader} is the node's only reader, and the node owns its registers (a convolution, dense
     * layer or pooling writes new ones) or shares those of an input it is in turn the only reader of (a merged
     * batch-norm keeps its input's registers).
     */
    private boolean ownsRegisters(int node, int reader) {
        if (!net.consumers(node).equals(List.of(reader))) {
            return false;
        }
        LoweredNet.Node n = net.node(node);
        return switch (n.op()) {
            case Op.Conv c -> true;
            case Op.Dense d -> true;
            case Op.AvgPool p -> true;
            case Op.GlobalAvgPool g -> hw(ctx.inShape(n)) > 1; // a 1x1 map passes its input's registers on
            case Op.BatchNorm b -> v.layoutId(node) == v.layoutId(n.inputs().getFirst())
                    ? ownsRegisters(n.inputs().getFirst(), node) : true;
            default -> false;
        };
    }

    /** Whether node {@code id}'s only reader is an average or global average pooling. */
    private boolean readOnlyByPooling(int id) {
        List<Integer> readers = net.consumers(id);
        if (readers.size() != 1) {
            return false;
        }
        Op op = net.node(readers.getFirst()).op();
        return op instanceof Op.AvgPool || op instanceof Op.GlobalAvgPool;
    }

    private void pool(LoweredNet.Node n, int ph, int pw) {
        int in = n.inputs().getFirst();
        int[] x = regs(in);
        Shape is = ctx.inShape(n);
        Shape os = n.shape();
        double factor = 1.0 / (ph * pw);
        int[] out = new int[os.size()];
        for (int c = 0; c < os.channels(); c++) {
            for (int oy = 0; oy < os.height(); oy++) {
                for (int ox = 0; ox < os.width(); ox++) {
                    int s = -1;
                    boolean owned = false; // s is a new sum register (else an input value, never overwritten)
                    for (int dy = 0; dy < ph; dy++) {
                        for (int dx = 0; dx < pw; dx++) {
                            int r = x[(c * is.height() + oy * ph + dy) * is.width() + ox * pw + dx];
                            if (s < 0) {
                                s = r;
                            } else {
                                int sum = owned ? s : em.newReg(em.depth(r));
                                em.emit(OpCode.ADD, sum, s, r, em.depth(r));
                                s = sum;
                                owned = true;
                            }
                        }
                    }
                    if (unsettled.contains(in)) {
                        em.settle(s); // the sum of squares: one relinearization and rescale for the window
                    }
                    if (!ctx.merge()) {
                        int y = em.newReg(em.depth(s));
                        em.emit(OpCode.MUL_CONST, y, s, em.scalar(factor), em.depth(s));
                        em.rescale(y);
                        s = y;
                    }
                    out[(c * os.height() + oy) * os.width() + ox] = s;
                }
            }
        }
        v.set(n.id(), values(out), ctx.merge() ? v.affine(new Affine.ScaleA(v.affineId(in), factor))
                : v.affineId(in));
    }

    private void concat(LoweredNet.Node n) {
        int depthTarget = 0;
        for (int i : n.inputs()) {
            depthTarget = Math.max(depthTarget, v.valueDepth(i));
        }
        int[] out = new int[n.shape().size()];
        int off = 0;
        List<Integer> parts = new java.util.ArrayList<>();
        boolean allIdentity = true;
        for (int i : n.inputs()) {
            int[] x = regs(i);
            for (int k = 0; k < x.length; k++) {
                out[off + k] = em.dropTo(x[k], depthTarget);
            }
            off += x.length;
            parts.add(v.affineId(i));
            allIdentity &= v.identityAffine(i);
        }
        int total = n.shape().channels();
        v.set(n.id(), values(out), allIdentity ? v.identity(total) : v.affine(new Affine.Concat(parts)));
    }

    private void add(LoweredNet.Node n) {
        int[] a = side(n.inputs().get(0));
        int[] b = side(n.inputs().get(1));
        int[] out = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = em.addAligned(a[i], b[i]);
        }
        v.set(n.id(), values(out), v.identity(n.shape().channels()));
    }

    /** One branch of a residual add as plain values (its pending affine materialized). */
    private int[] side(int node) {
        if (v.identityAffine(node)) {
            return regs(node);
        }
        int lid = materialize(node, v.affineId(node));
        Layout l = v.layout(lid);
        int[] r = new int[l.channels()];
        for (int i = 0; i < r.length; i++) {
            r[i] = l.reg(i);
        }
        return r;
    }
}
