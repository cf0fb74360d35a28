package io.henas.he;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.henas.ir.ActivationKind;
import io.henas.ir.LoweredNet;
import io.henas.ir.Op;
import io.henas.ir.Shape;

/**
 * Lowers the nodes that act slot-wise or per channel: the input packing, batch-norm (merged: pending; unmerged: one
 * level), activations (square, POLY2 merged or not), average and global average pooling (rotate-and-sum), concat
 * (levels aligned) and residual add (scales and levels aligned); and materializes pending affines where a consumer
 * needs plain values.
 */
final class ElementwiseLowering {
    private final CompileContext ctx;
    private final Emitter em;
    private final NodeValues v;
    private final int perCt;

    ElementwiseLowering(CompileContext ctx) {
        this.ctx = ctx;
        this.em = ctx.em();
        this.v = ctx.values();
        this.perCt = ctx.perCt();
    }

    void input(LoweredNet.Node n) {
        Shape s = n.shape();
        int first = em.registerCount();
        for (int i = 0; i < (s.channels() + perCt - 1) / perCt; i++) {
            em.newReg(0);
        }
        v.set(n.id(), v.layout(Layout.canonical(s.channels(), perCt, first, s.height(), s.width(), 1)),
                v.identity(s.channels()));
    }

    void batchNorm(LoweredNet.Node n) {
        int in = n.inputs().getFirst();
        if (ctx.merge()) {
            v.set(n.id(), v.layoutId(in), v.affine(new Affine.Bn(v.affineId(in), n.id())));
        } else {
            int aff = v.affine(new Affine.Bn(v.affineId(in), n.id()));
            int lid = v.layout(materialize(v.layoutId(in), aff));
            v.set(n.id(), lid, v.identity(n.shape().channels()));
        }
    }

    /** New registers holding {@code a * stored + c} of affine {@code aff} (one level). */
    Layout materialize(int lid, int aff) {
        Layout l = v.layout(lid);
        Map<Integer, Integer> rename = new HashMap<>();
        boolean offset = !v.affine(aff).offsetFree(v.affines());
        for (int ri = 0; ri < l.regCount(); ri++) {
            int r = l.regAt(ri);
            int y = em.newReg(em.depth(r));
            em.emit(perCt == 1 ? OpCode.MUL_CONST : OpCode.MUL_PLAIN, y, r,
                    em.pt(new Plaintext.AffineScale(lid, aff, ri)), em.depth(r));
            em.rescale(y);
            if (offset) {
                em.emit(OpCode.ADD_PLAIN, y, y, em.pt(new Plaintext.AffineShift(lid, aff, ri)), em.depth(y));
            }
            rename.put(r, y);
        }
        return l.renamed(rename);
    }

    void act(LoweredNet.Node n, ActivationKind kind) {
        int in = n.inputs().getFirst();
        int lid = v.layoutId(in);
        Layout l = v.layout(lid);
        int inAff = v.affineId(in);
        boolean poly2 = kind == ActivationKind.POLY2;
        Map<Integer, Integer> rename = new HashMap<>();
        if (!ctx.merge() && poly2) {
            for (int ri = 0; ri < l.regCount(); ri++) {
                int x = l.regAt(ri);
                int x2 = em.square(x, x);
                OpCode mul = perCt == 1 ? OpCode.MUL_CONST : OpCode.MUL_PLAIN;
                int t = em.newReg(em.depth(x2));
                em.emit(mul, t, x2, em.pt(new Plaintext.PolyCoef(n.id(), lid, ri, 'a')), em.depth(x2));
                em.rescale(t);
                int u = em.newReg(em.depth(x));
                em.emit(mul, u, x, em.pt(new Plaintext.PolyCoef(n.id(), lid, ri, 'b')), em.depth(x));
                em.rescale(u);
                int ud = em.dropTo(u, em.depth(t));
                em.emit(OpCode.ADD, t, t, ud, em.depth(t));
                em.emit(OpCode.ADD_PLAIN, t, t, em.pt(new Plaintext.PolyCoef(n.id(), lid, ri, 'c')), em.depth(t));
                rename.put(x, t);
            }
            v.set(n.id(), v.layout(l.renamed(rename)), v.identity(n.shape().channels()));
            return;
        }
        boolean plainSquare = !poly2 && v.affine(inAff).offsetFree(v.affines());
        for (int ri = 0; ri < l.regCount(); ri++) {
            int x = l.regAt(ri);
            int y;
            if (plainSquare) {
                y = em.square(x, x);
            } else {
                int sh = em.newReg(em.depth(x));
                em.emit(OpCode.ADD_PLAIN, sh, x, em.pt(new Plaintext.ActShift(n.id(), lid, inAff, ri)), em.depth(x));
                y = em.square(x, sh);
            }
            rename.put(x, y);
        }
        int outLid = v.layout(l.renamed(rename));
        boolean identityOut = !poly2 && v.affine(inAff) instanceof Affine.Identity;
        v.set(n.id(), outLid, identityOut ? v.identity(n.shape().channels())
                : v.affine(new Affine.ActOut(inAff, n.id(), poly2)));
    }

    void pool(LoweredNet.Node n, int ph, int pw) {
        int in = n.inputs().getFirst();
        Layout l = v.layoutOf(in);
        Map<Integer, Integer> rename = new HashMap<>();
        double factor = 1.0 / (ph * pw);
        for (int ri = 0; ri < l.regCount(); ri++) {
            int x = l.regAt(ri);
            int h = em.strideSum(x, pw, l.gap());
            int s = em.strideSum(h, ph, l.gap() * ctx.w0());
            if (!ctx.merge()) {
                int y = em.newReg(em.depth(s));
                em.emit(OpCode.MUL_CONST, y, s, em.scalar(factor), em.depth(s));
                em.rescale(y);
                s = y;
            }
            rename.put(x, s);
        }
        Layout r = l.renamed(rename);
        boolean global = n.op() instanceof Op.GlobalAvgPool;
        int gap = global ? l.gap() : l.gap() * ph;
        int[] reg = new int[r.channels()];
        int[] blk = new int[r.channels()];
        for (int c = 0; c < reg.length; c++) {
            reg[c] = r.reg(c);
            blk[c] = r.block(c);
        }
        int lid = v.layout(new Layout(reg, blk, n.shape().height(), n.shape().width(), gap));
        v.set(n.id(), lid, ctx.merge() ? v.affine(new Affine.ScaleA(v.affineId(in), factor)) : v.affineId(in));
    }

    void concat(LoweredNet.Node n) {
        int depthTarget = 0;
        for (int i : n.inputs()) {
            depthTarget = Math.max(depthTarget, v.valueDepth(i));
        }
        int total = n.shape().channels();
        int[] reg = new int[total];
        int[] blk = new int[total];
        int off = 0;
        Layout first = v.layoutOf(n.inputs().getFirst());
        List<Integer> parts = new ArrayList<>();
        boolean allIdentity = true;
        Set<Long> used = new HashSet<>();
        for (int i : n.inputs()) {
            Layout l = v.layoutOf(i);
            if (!l.sameGrid(first)) {
                throw new HeCompileException(n.name() + ": concat needs its inputs on the same slot grid, but had " + first
                        + " and " + l);
            }
            Map<Integer, Integer> rename = new HashMap<>();
            for (int ri = 0; ri < l.regCount(); ri++) {
                int r = l.regAt(ri);
                rename.put(r, em.dropTo(r, depthTarget));
            }
            Layout d = l.renamed(rename);
            for (int c = 0; c < d.channels(); c++) {
                reg[off + c] = d.reg(c);
                blk[off + c] = d.block(c);
                if (!used.add(((long) d.reg(c) << 32) | d.block(c))) {
                    throw new HeCompileException(n.name() + ": concat inputs share a ciphertext block (the same input"
                            + " twice?), which this packing cannot express");
                }
            }
            off += d.channels();
            parts.add(v.affineId(i));
            allIdentity &= v.identityAffine(i);
        }
        int lid = v.layout(new Layout(reg, blk, first.height(), first.width(), first.gap()));
        v.set(n.id(), lid, allIdentity ? v.identity(total) : v.affine(new Affine.Concat(parts)));
    }

    void add(LoweredNet.Node n) {
        int x = n.inputs().get(0);
        int y = n.inputs().get(1);
        int resultAffine;
        Layout lx;
        Layout ly;
        if (v.absorbedFrom(n.id()) >= 0) {
            int lin = v.absorbedFrom(n.id());
            int other = lin == x ? y : x;
            lx = v.layoutOf(other);
            ly = v.layoutOf(lin);
            resultAffine = v.affineId(other);
        } else {
            lx = v.layoutOf(x);
            ly = v.layoutOf(y);
            if (!v.identityAffine(x)) {
                lx = materialize(v.layoutId(x), v.affineId(x));
            }
            if (!v.identityAffine(y)) {
                ly = materialize(v.layoutId(y), v.affineId(y));
            }
            resultAffine = v.identity(n.shape().channels());
        }
        if (!lx.sameGrid(ly)) {
            throw new HeCompileException(n.name() + ": residual add needs both branches on the same slot grid, but had "
                    + lx + " and " + ly);
        }
        Map<Integer, Integer> pair = new HashMap<>();
        for (int c = 0; c < lx.channels(); c++) {
            Integer prev = pair.putIfAbsent(lx.reg(c), ly.reg(c));
            if (lx.block(c) != ly.block(c) || (prev != null && prev != ly.reg(c))) {
                throw new HeCompileException(n.name() + ": residual add needs both branches in the same packing, but"
                        + " channel " + c + " is at block " + lx.block(c) + " vs " + ly.block(c));
            }
        }
        Map<Integer, Integer> rename = new HashMap<>();
        for (int ri = 0; ri < lx.regCount(); ri++) {
            int a = lx.regAt(ri);
            rename.put(a, em.addAligned(a, pair.get(a)));
        }
        v.set(n.id(), v.layout(lx.renamed(rename)), resultAffine);
    }
}
