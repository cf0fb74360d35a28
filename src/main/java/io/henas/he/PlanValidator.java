package io.henas.he;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;

import io.henas.ir.LoweredNet;

/**
 * Checks a plan read by {@link PlanCodec} before anything executes it, without the compiler: the header against the
 * network and the stored parameters; every instruction's op code, registers (defined before they are read, hoisted
 * before a hoisted rotation), plaintext index, rotation step (one of the Galois steps) and level count, and the
 * register depths they imply; every layout's registers, blocks and extent; every plaintext and affine field that
 * names a node, layout, affine, register, diagonal or kernel offset (affines refer only to earlier affines); and the
 * per-node tables. Each failure names the field.
 */
final class PlanValidator {
    private PlanValidator() {
    }

    static void check(HePlan.Stored s, HeParameters p) throws PlanFormatException {
        LoweredNet net = s.net();
        int n = net.nodes().size();
        int slots = 1 << (s.logN() - 1);
        if (Integer.bitCount(s.blockSize()) != 1) {
            throw new PlanFormatException("block_size must be a power of two, but was " + s.blockSize());
        }
        int perCt = slots / s.blockSize();
        if (s.gridWidth() != net.node(0).shape().width()) {
            throw new PlanFormatException("grid_width must be the input width " + net.node(0).shape().width()
                    + ", but was " + s.gridWidth());
        }
        if (p.logN() != s.logN() || p.depth() != s.depth()) {
            throw new PlanFormatException("logN and depth must be the parameters' " + p.logN() + " and " + p.depth()
                    + ", but were " + s.logN() + " and " + s.depth());
        }
        int[] steps = s.galoisSteps();
        for (int i = 0; i < steps.length; i++) {
            if (steps[i] < 1 || steps[i] >= slots || (i > 0 && steps[i] <= steps[i - 1])) {
                throw new PlanFormatException("galois_steps[" + i + "] must be increasing in [1, " + slots
                        + "), but was " + steps[i]);
            }
        }
        if (!Arrays.stream(steps).boxed().toList().equals(p.galoisSteps())) {
            throw new PlanFormatException("galois_steps must equal the parameters' " + p.galoisSteps()
                    + ", but were " + Arrays.toString(steps));
        }
        List<Layout> layouts = s.layouts();
        for (int i = 0; i < layouts.size(); i++) {
            Layout l = layouts.get(i);
            for (int c = 0; c < l.channels(); c++) {
                index("layouts[" + i + "].registers[" + c + "]", l.reg(c), s.registerCount(), "a register");
                index("layouts[" + i + "].blocks[" + c + "]", l.block(c), perCt, "a block");
                if (l.sub(c) != 0 && s.packing() == Packing.BLOCKS) {
                    throw new PlanFormatException("layouts[" + i + "].subs[" + c + "] must be 0 in a block-packed plan"
                            + " (packing 1), but was " + l.sub(c));
                }
            }
            int maxSub = 0;
            for (int c = 0; c < l.channels(); c++) {
                maxSub = Math.max(maxSub, l.sub(c));
            }
            long last = (long) (l.height() - 1) * l.gap() * s.gridWidth() + (long) (l.width() - 1) * l.gap() + maxSub;
            if (last >= s.blockSize()) {
                throw new PlanFormatException("layouts[" + i + "] must fit its " + l.height() + "x" + l.width()
                        + " map with gap " + l.gap() + " and sub offsets up to " + maxSub + " in a block of "
                        + s.blockSize() + " slots, but does not");
            }
        }
        for (int i = 0; i < s.plaintexts().size(); i++) {
            fields("plaintexts[" + i + "]", s.plaintexts().get(i), s, perCt, Integer.MAX_VALUE);
        }
        for (int i = 0; i < s.affines().size(); i++) {
            fields("affines[" + i + "]", s.affines().get(i), s, perCt, i);
        }
        for (int id = 0; id < n; id++) {
            String at = "node " + id + " (" + net.node(id).name() + ")";
            index(at + " layout", s.nodeLayout()[id], layouts.size(), "a layout");
            Layout l = layouts.get(s.nodeLayout()[id]);
            var shape = net.node(id).shape();
            boolean holds = s.packing().batch()
                    ? l.channels() == shape.size() && l.height() == 1 && l.width() == 1
                    : l.channels() == shape.channels() && l.height() == shape.height() && l.width() == shape.width();
            if (!holds) {
                throw new PlanFormatException(at + " layout must hold its " + shape + " map, but holds "
                        + l.channels() + "x" + l.height() + "x" + l.width());
            }
            index(at + " affine", s.nodeAffine()[id], s.affines().size(), "an affine");
            index(at + " depth", s.nodeDepth()[id], s.depth() + 1, "a depth");
            index(at + " levels", s.nodeLevels()[id], s.depth() + 1, "a level count");
        }
        instructions(s, slots);
    }

    private static void instructions(HePlan.Stored s, int slots) throws PlanFormatException {
        int regs = s.registerCount();
        boolean[] defined = new boolean[regs];
        boolean[] hoisted = new boolean[regs];
        int[] depthOf = new int[regs];
        Layout in = s.layouts().get(s.nodeLayout()[0]);
        for (int k = 0; k < in.regCount(); k++) {
            defined[in.regAt(k)] = true;
        }
        int[] code = s.code();
        int ops = OpCode.values().length;
        for (int i = 0; i < s.nodeOf().length; i++) {
            String at = "instructions[" + i + "]";
            index(at + ".op", code[4 * i], ops, "an op code");
            OpCode op = OpCode.of(code[4 * i]);
            int dst = code[4 * i + 1];
            int a = code[4 * i + 2];
            int b = code[4 * i + 3];
            index(at + ".node", s.nodeOf()[i], s.net().nodes().size(), "a node");
            index(at + ".depth", s.opDepth()[i], s.depth() + 1, "a depth");
            read(at + ".a", a, defined);
            if (s.opDepth()[i] != depthOf[a]) {
                throw new PlanFormatException(at + ".depth must be the depth " + depthOf[a] + " of register " + a
                        + ", but was " + s.opDepth()[i]);
            }
            int sr = s.scaleRef()[i];
            if (sr != -1) {
                read(at + ".scale_target", sr, defined);
            }
            int newDepth = depthOf[a];
            switch (op) {
                case HOIST -> {
                    if (dst != -1) {
                        throw new PlanFormatException(at + ".dst must be -1 for HOIST, but was " + dst);
                    }
                    hoisted[a] = true;
                    continue;
                }
                case ROTATE, ROTATE_HOISTED -> {
                    if (Arrays.binarySearch(s.galoisSteps(), b) < 0) {
                        throw new PlanFormatException(at + ".b must be one of the " + s.galoisSteps().length
                                + " Galois steps, but was " + b);
                    }
                    if (op == OpCode.ROTATE_HOISTED && !hoisted[a]) {
                        throw new PlanFormatException(at + ".a must be hoisted before ROTATE_HOISTED, but register "
                                + a + " was not");
                    }
                }
                case MUL_PLAIN, MUL_PLAIN_ACC, MUL_CONST, MUL_CONST_ACC, ADD_PLAIN ->
                        index(at + ".b", b, s.plaintexts().size(), "a plaintext");
                case MUL_CT, ADD -> {
                    read(at + ".b", b, defined);
                    if (depthOf[b] != depthOf[a]) {
                        throw new PlanFormatException(at + " must combine registers at one depth, but " + a + " is at "
                                + depthOf[a] + " and " + b + " at " + depthOf[b]);
                    }
                }
                case RESCALE, RELINEARIZE -> {
                    if (dst != a) {
                        throw new PlanFormatException(at + " must work in place (dst = a), but dst was " + dst);
                    }
                    newDepth = op == OpCode.RESCALE ? depthOf[a] + 1 : depthOf[a];
                }
                case DROP_LEVEL -> {
                    index(at + ".b", b, s.depth() + 1, "a level count");
                    newDepth = depthOf[a] + b;
                }
            }
            if (op == OpCode.MUL_PLAIN_ACC || op == OpCode.MUL_CONST_ACC) {
                read(at + ".dst", dst, defined);
            }
            index(at + ".dst", dst, regs, "a register");
            if (newDepth > s.depth()) {
                throw new PlanFormatException(at + " must stay within depth " + s.depth() + ", but register " + dst
                        + " would reach " + newDepth);
            }
            defined[dst] = true;
            hoisted[dst] = false;
            depthOf[dst] = newDepth;
        }
        Layout out = s.layouts().get(s.nodeLayout()[s.net().output()]);
        for (int k = 0; k < out.regCount(); k++) {
            read("output register", out.regAt(k), defined);
        }
    }

    private static void read(String at, int r, boolean[] defined) throws PlanFormatException {
        index(at, r, defined.length, "a register");
        if (!defined[r]) {
            throw new PlanFormatException(at + " must be a register written before it is read, but register " + r
                    + " was not");
        }
    }

    private static void index(String at, int v, int size, String what) throws PlanFormatException {
        if (v < 0 || v >= size) {
            throw new PlanFormatException(at + " must be " + what + " in [0, " + size + "), but was " + v);
        }
    }

    /** Checks a plaintext or affine record's fields by name; {@code self} bounds affine references (no cycles). */
    private static void fields(String at, Object rec, HePlan.Stored s, int perCt, int self)
            throws PlanFormatException {
        int affines = Math.min(s.affines().size(), self);
        RecordComponent[] rc = rec.getClass().getRecordComponents();
        for (RecordComponent c : rc) {
            Object v;
            try {
                v = c.getAccessor().invoke(rec);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read " + c, e);
            }
            String f = at + "." + c.getName();
            String name = c.getName();
            if (v instanceof List<?> l) {
                for (int j = 0; j < l.size(); j++) {
                    index(f + "[" + j + "]", (Integer) l.get(j), affines, "an earlier affine");
                }
                continue;
            }
            if (!(v instanceof Integer x)) {
                if (v instanceof Character ch && "abc".indexOf(ch) < 0) {
                    throw new PlanFormatException(f + " must be one of a, b, c, but was " + (int) ch);
                }
                continue;
            }
            switch (name) {
                case "node" -> index(f, x, s.net().nodes().size(), "a node");
                case "layout", "inLayout", "outLayout" -> index(f, x, s.layouts().size(), "a layout");
                case "affine", "inAffine", "outFold", "prev", "base", "value" ->
                        index(f, x, affines, "an earlier affine");
                case "reg", "inReg", "outReg" -> {
                    String lf = name.equals("reg") ? "layout" : name.substring(0, name.length() - 3) + "Layout";
                    int layout = intField(rec, lf);
                    int bound = layout >= 0 && layout < s.layouts().size() ? s.layouts().get(layout).regCount() : 0;
                    index(f, x, bound, "a register index of " + lf);
                }
                case "diag" -> index(f, x, perCt, "a block diagonal");
                case "period" -> index(f, x, perCt + 1, "a replication period");
                case "ky", "kx" -> index(f, x, 1 << 16, "a kernel offset");
                case "block" -> index(f, x, perCt, "a block shift");
                case "row", "col" -> {
                    if (x <= -(1 << 16) || x >= 1 << 16) {
                        throw new PlanFormatException(f + " must be a shift in (-65536, 65536), but was " + x);
                    }
                }
                case "channels" -> {
                    if (x < 1 || x > PlanCodec.MAX_CHANNELS) {
                        throw new PlanFormatException(f + " must be in [1, " + PlanCodec.MAX_CHANNELS + "], but was "
                                + x);
                    }
                }
                default -> index(f, x, 1 << 20, "an index");
            }
        }
    }

    private static int intField(Object rec, String name) {
        for (RecordComponent c : rec.getClass().getRecordComponents()) {
            if (c.getName().equals(name)) {
                try {
                    return (Integer) c.getAccessor().invoke(rec);
                } catch (ReflectiveOperationException | ClassCastException e) {
                    return -1;
                }
            }
        }
        return -1;
    }
}
