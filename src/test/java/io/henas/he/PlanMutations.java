package io.henas.he;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Damaged stored plans for the hostile-input tests: each entry is a {@link PlanCodec} encoding of {@code plan} with
 * one field made invalid (an operand, an index, a count, a table entry, a record field, the magic or version, the
 * kind schema, the length).
 */
public final class PlanMutations {
    private PlanMutations() {
    }

    private static HePlan.Stored with(HePlan.Stored s, UnaryOperator<int[]> code, UnaryOperator<int[]> nodeOf,
                                      UnaryOperator<int[]> opDepth, UnaryOperator<int[]> scaleRef) {
        return new HePlan.Stored(s.net(), s.options(), s.packing(), s.logN(), s.blockSize(), s.gridWidth(),
                code.apply(s.code().clone()), nodeOf.apply(s.nodeOf().clone()), opDepth.apply(s.opDepth().clone()),
                scaleRef.apply(s.scaleRef().clone()), s.plaintexts(), s.affines(), s.layouts(), s.nodeLayout(),
                s.nodeAffine(), s.nodeDepth(), s.nodeLevels(), s.registerCount(), s.depth(), s.galoisSteps());
    }

    private static HePlan.Stored header(HePlan.Stored s, int logN, int blockSize, int gridWidth, int registers,
                                        int depth) {
        return new HePlan.Stored(s.net(), s.options(), s.packing(), logN, blockSize, gridWidth, s.code(), s.nodeOf(), s.opDepth(),
                s.scaleRef(), s.plaintexts(), s.affines(), s.layouts(), s.nodeLayout(), s.nodeAffine(),
                s.nodeDepth(), s.nodeLevels(), registers, depth, s.galoisSteps());
    }

    private static HePlan.Stored pools(HePlan.Stored s, List<Plaintext> pts, List<Affine> affs, List<Layout> lays) {
        return new HePlan.Stored(s.net(), s.options(), s.packing(), s.logN(), s.blockSize(), s.gridWidth(), s.code(), s.nodeOf(),
                s.opDepth(), s.scaleRef(), pts, affs, lays, s.nodeLayout(), s.nodeAffine(), s.nodeDepth(),
                s.nodeLevels(), s.registerCount(), s.depth(), s.galoisSteps());
    }

    private static HePlan.Stored tables(HePlan.Stored s, int[] layout, int[] affine, int[] depth, int[] steps) {
        return new HePlan.Stored(s.net(), s.options(), s.packing(), s.logN(), s.blockSize(), s.gridWidth(), s.code(), s.nodeOf(),
                s.opDepth(), s.scaleRef(), s.plaintexts(), s.affines(), s.layouts(), layout, affine, depth,
                s.nodeLevels(), s.registerCount(), s.depth(), steps);
    }

    private static int first(HePlan.Stored s, OpCode op) {
        for (int i = 0; i < s.nodeOf().length; i++) {
            if (s.code()[4 * i] == op.ordinal()) {
                return i;
            }
        }
        throw new IllegalArgumentException("the plan has no " + op);
    }

    private static UnaryOperator<int[]> set(int index, int value) {
        return a -> {
            a[index] = value;
            return a;
        };
    }

    /** Named damaged encodings of {@code plan} (which must rotate, hoist, multiply by plaintexts and rescale). */
    public static Map<String, byte[]> of(HePlan plan) {
        HePlan.Stored s = plan.stored();
        UnaryOperator<int[]> id = UnaryOperator.identity();
        int regs = s.registerCount();
        Map<String, HePlan.Stored> m = new LinkedHashMap<>();
        m.put("op code out of range", with(s, set(0, 99), id, id, id));
        int last = s.nodeOf().length - 1;
        m.put("dst register out of range", with(s, set(4 * last + 1, regs + 5), id, id, id));
        m.put("reads a register before it is written", with(s, set(2, s.code()[4 * last + 1]), id, id, id));
        int rot = first(s, OpCode.ROTATE_HOISTED);
        m.put("rotation step not a Galois step", with(s, set(4 * rot + 3, 12345), id, id, id));
        int mp = first(s, OpCode.MUL_PLAIN);
        m.put("plaintext index out of range", with(s, set(4 * mp + 3, s.plaintexts().size() + 1), id, id, id));
        m.put("negative plaintext index", with(s, set(4 * mp + 3, -1), id, id, id));
        int hoist = first(s, OpCode.HOIST);
        m.put("hoist with a destination", with(s, set(4 * hoist + 1, 0), id, id, id));
        m.put("hoisted rotation without hoist", with(s, set(4 * hoist, OpCode.ADD_PLAIN.ordinal()), id, id, id));
        int rs = first(s, OpCode.RESCALE);
        m.put("rescale not in place", with(s, set(4 * rs + 1, (s.code()[4 * rs + 2] + 1) % regs), id, id, id));
        m.put("instruction node out of range", with(s, id, set(0, 9999), id, id));
        m.put("instruction depth inconsistent", with(s, id, id, set(0, s.depth()), id));
        m.put("scale target out of range", with(s, id, id, id, set(mp, regs + 1)));
        m.put("logN 40", header(s, 40, s.blockSize(), s.gridWidth(), regs, s.depth()));
        m.put("block size not a power of two", header(s, s.logN(), s.blockSize() - 1, s.gridWidth(), regs,
                s.depth()));
        m.put("grid width wrong", header(s, s.logN(), s.blockSize(), s.gridWidth() + 1, regs, s.depth()));
        m.put("depth beyond the parameters", header(s, s.logN(), s.blockSize(), s.gridWidth(), regs, s.depth() + 1));
        m.put("no registers", header(s, s.logN(), s.blockSize(), s.gridWidth(), 0, s.depth()));
        List<Layout> lays = new ArrayList<>(s.layouts());
        Layout l0 = lays.getFirst();
        int[] reg = new int[l0.channels()];
        int[] blk = new int[l0.channels()];
        for (int c = 0; c < reg.length; c++) {
            reg[c] = l0.reg(c);
            blk[c] = l0.block(c);
        }
        int[] badReg = reg.clone();
        badReg[0] = regs + 3;
        lays.set(0, new Layout(badReg, blk, l0.height(), l0.width(), l0.gap()));
        m.put("layout register out of range", pools(s, s.plaintexts(), s.affines(), lays));
        lays = new ArrayList<>(s.layouts());
        int[] badBlk = blk.clone();
        badBlk[0] = (1 << (s.logN() - 1)) / s.blockSize() + 3;
        lays.set(0, new Layout(reg, badBlk, l0.height(), l0.width(), l0.gap()));
        m.put("layout block out of range", pools(s, s.plaintexts(), s.affines(), lays));
        lays = new ArrayList<>(s.layouts());
        lays.set(0, new Layout(reg, blk, l0.height(), l0.width(), l0.gap() * 64));
        m.put("layout does not fit its block", pools(s, s.plaintexts(), s.affines(), lays));
        int[] nl = s.nodeLayout().clone();
        nl[0] = s.layouts().size();
        m.put("node layout out of range", tables(s, nl, s.nodeAffine(), s.nodeDepth(), s.galoisSteps()));
        int[] na = s.nodeAffine().clone();
        na[s.net().output()] = -1;
        m.put("node affine negative", tables(s, s.nodeLayout(), na, s.nodeDepth(), s.galoisSteps()));
        int[] nd = s.nodeDepth().clone();
        nd[1] = s.depth() + 5;
        m.put("node depth beyond the plan", tables(s, s.nodeLayout(), s.nodeAffine(), nd, s.galoisSteps()));
        int[] steps = s.galoisSteps().clone();
        if (steps.length > 1) {
            int t = steps[0];
            steps[0] = steps[1];
            steps[1] = t;
        } else {
            steps[0] = 0;
        }
        m.put("galois steps unsorted", tables(s, s.nodeLayout(), s.nodeAffine(), s.nodeDepth(), steps));
        m.put("galois steps differ from the parameters", tables(s, s.nodeLayout(), s.nodeAffine(), s.nodeDepth(),
                Arrays.copyOf(s.galoisSteps(), s.galoisSteps().length - 1)));
        List<Plaintext> pts = new ArrayList<>(s.plaintexts());
        int cw = -1;
        for (int i = 0; i < pts.size() && cw < 0; i++) {
            if (pts.get(i) instanceof Plaintext.ConvWeights) {
                cw = i;
            }
        }
        Plaintext.ConvWeights c = (Plaintext.ConvWeights) pts.get(cw);
        pts.set(cw, new Plaintext.ConvWeights(9999, c.inLayout(), c.outLayout(), c.inAffine(), c.outFold(), c.outReg(),
                c.inReg(), c.diag(), c.ky(), c.kx(), c.period()));
        m.put("plaintext node out of range", pools(s, pts, s.affines(), s.layouts()));
        pts = new ArrayList<>(s.plaintexts());
        pts.set(cw, new Plaintext.ConvWeights(c.node(), s.layouts().size() + 2, c.outLayout(), c.inAffine(),
                c.outFold(), c.outReg(), c.inReg(), c.diag(), c.ky(), c.kx(), c.period()));
        m.put("plaintext layout out of range", pools(s, pts, s.affines(), s.layouts()));
        pts = new ArrayList<>(s.plaintexts());
        pts.set(cw, new Plaintext.ConvWeights(c.node(), c.inLayout(), c.outLayout(), c.inAffine(), c.outFold(),
                c.outReg(), 77, c.diag(), c.ky(), c.kx(), c.period()));
        m.put("plaintext register index out of range", pools(s, pts, s.affines(), s.layouts()));
        pts = new ArrayList<>(s.plaintexts());
        pts.set(cw, new Plaintext.ConvWeights(0, c.inLayout(), c.outLayout(), c.inAffine(), c.outFold(), c.outReg(),
                c.inReg(), c.diag(), c.ky(), c.kx(), c.period()));
        m.put("plaintext names the input node as a convolution", pools(s, pts, s.affines(), s.layouts()));
        List<Affine> affs = new ArrayList<>(s.affines());
        affs.add(new Affine.ScaleA(affs.size(), 2.0));
        m.put("affine refers to itself", pools(s, s.plaintexts(), affs, s.layouts()));
        affs = new ArrayList<>(s.affines());
        affs.add(new Affine.Bn(0, 0));
        m.put("batch-norm affine on the input node", pools(s, s.plaintexts(), affs, s.layouts()));
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (var e : m.entrySet()) {
            out.put(e.getKey(), PlanCodec.encode(e.getValue()));
        }
        byte[] good = PlanCodec.encode(s);
        out.put("bad magic", patch(good, 0, 0x12345678));
        out.put("unsupported plan version", patch(good, 4, 7));
        out.put("instruction count beyond the bound", patch(good, 32, PlanCodec.MAX_INSTRUCTIONS + 1));
        out.put("instruction count beyond the data", patch(good, 32, PlanCodec.MAX_INSTRUCTIONS));
        out.put("node count differs", patch(good, 28, s.net().nodes().size() + 1));
        out.put("cut in the header", Arrays.copyOf(good, 20));
        out.put("cut in the instructions", Arrays.copyOf(good, 36 + 8 * s.nodeOf().length));
        out.put("cut at the end", Arrays.copyOf(good, good.length - 3));
        out.put("trailing bytes", Arrays.copyOf(good, good.length + 4));
        out.put("unknown plaintext kind", rename(good, "Plaintext.ConvWeights", "Plaintext.ConvWeightz"));
        out.put("kind with other fields", rename(good, "outFold", "outFole"));
        int schema = 36 + 28 * s.nodeOf().length;
        out.put("kind count beyond the bound", patch(good, schema, PlanCodec.MAX_KINDS + 1));
        return out;
    }

    private static byte[] patch(byte[] data, int offset, int value) {
        byte[] b = data.clone();
        java.nio.ByteBuffer.wrap(b).putInt(offset, value);
        return b;
    }

    private static byte[] rename(byte[] data, String from, String to) {
        byte[] f = from.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        byte[] t = to.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        byte[] b = data.clone();
        for (int i = 0; i + f.length <= b.length; i++) {
            if (Arrays.equals(b, i, i + f.length, f, 0, f.length)) {
                System.arraycopy(t, 0, b, i, t.length);
                return b;
            }
        }
        throw new IllegalArgumentException(from + " not found");
    }
}
