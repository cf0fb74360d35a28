package io.henas.he;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import io.henas.ir.LoweredNet;
import io.henas.ir.Op;
import io.henas.ir.Shape;

/**
 * Lowers a convolution whose input or output is multiplexed ({@link Packing#MULTIPLEXED}): several channels of a
 * strided map interleaved in the gaps of one block ({@link Layout#sub}). A stride-2 layer's output has a gap twice
 * its input's, so {@code gap^2} channels fit in each block and the ciphertexts (hence the products of the next
 * layer) shrink by up to that factor.
 *
 * <p>The convolution is a sum of masked slot shifts ({@link ConvShifts}): for every (input register, output register)
 * pair, one product per distinct shift {@code block * B + row * W0 + col}. Baby steps: each input register is rotated
 * by its column shifts (hoisted); giant steps: the products are accumulated per (block, row) shift of each output
 * register (weights pre-rotated), and the accumulators combined by a two-level Horner scheme (rows by a multiple of
 * {@code W0}, then blocks by a multiple of {@code B}: three Galois keys) or, when that needs more than one extra
 * rotation, each rotated by its own shift. One rescale and the bias per output register. A single block-packed input
 * with {@code C <= P/2} channels is first replicated into every group of {@code nextPow2(C)} blocks.
 */
final class PackedConvLowering {
    private final CompileContext ctx;
    private final Emitter em;
    private final int perCt;

    PackedConvLowering(CompileContext ctx) {
        this.ctx = ctx;
        this.em = ctx.em();
        this.perCt = ctx.perCt();
    }

    /**
     * The multiplexed output layout (new registers) of convolution {@code n}, or null to keep block packing: not the
     * multiplexed packing, a bounded channel count per ciphertext, depthwise, a consumer that needs block packing
     * (see {@link #consumersAccept}), or no two channels per block would fit.
     */
    Layout multiplexedOutput(LoweredNet.Node n, Op.Conv c, Layout inL) {
        if (ctx.packing() != Packing.MULTIPLEXED || ctx.opts().maxChannelsPerCiphertext() != 0 || perCt < 2
                || c.depthwise() || !consumersAccept(n.id())) {
            return null;
        }
        Shape out = n.shape();
        int gap = inL.gap() * c.stride();
        int[] subs = subOffsets(out.height(), out.width(), gap);
        int channels = out.channels();
        int perBlock = Math.min(subs.length, (channels + perCt - 1) / perCt);
        if (perBlock <= 1) {
            return null;
        }
        int regs = (channels + perCt * perBlock - 1) / (perCt * perBlock);
        perBlock = (channels + perCt * regs - 1) / (perCt * regs); // spread evenly over the registers
        int perReg = perCt * perBlock;
        int depth = ctx.values().valueDepth(n.inputs().getFirst());
        int first = em.registerCount();
        for (int r = 0; r < regs; r++) {
            em.newReg(depth);
        }
        int[] reg = new int[channels];
        int[] blk = new int[channels];
        int[] sub = new int[channels];
        for (int ch = 0; ch < channels; ch++) {
            int idx = ch % perReg;
            reg[ch] = first + ch / perReg;
            blk[ch] = idx % perCt;
            sub[ch] = subs[idx / perCt];
        }
        return new Layout(reg, blk, sub, out.height(), out.width(), gap);
    }

    /** Sub offsets {@code sy * W0 + sx} ({@code sy, sx < gap}) at which an H x W map with this gap stays in its block. */
    private int[] subOffsets(int h, int w, int gap) {
        int w0 = ctx.w0();
        List<Integer> s = new ArrayList<>();
        for (int sy = 0; sy < gap; sy++) {
            for (int sx = 0; sx < gap; sx++) {
                long lastCol = sx + (long) (w - 1) * gap;
                long lastSlot = (sy + (long) (h - 1) * gap) * w0 + lastCol;
                if (lastCol < w0 && lastSlot < ctx.blockSize()) {
                    s.add(sy * w0 + sx);
                }
            }
        }
        return s.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Whether every consumer of node {@code id} (through activations and batch-norms) reads any layout: a
     * non-depthwise convolution that is not merged into a residual add, or a dense layer over a map larger than 1x1.
     * The network output, pooling, concat, residual adds and depthwise convolutions need block packing.
     */
    private boolean consumersAccept(int id) {
        LoweredNet net = ctx.net();
        List<Integer> cons = net.consumers(id);
        if (id == net.output() || cons.isEmpty()) {
            return false;
        }
        for (int k : cons) {
            LoweredNet.Node m = net.node(k);
            boolean ok = switch (m.op()) {
                case Op.Act a -> consumersAccept(k);
                case Op.BatchNorm b -> consumersAccept(k);
                case Op.Conv c -> !c.depthwise() && !feedsAdd(k);
                case Op.Dense d -> ctx.inShape(m).height() * ctx.inShape(m).width() > 1;
                default -> false;
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Whether node {@code id}'s value reaches a residual add or a concat through batch-norms only. */
    private boolean feedsAdd(int id) {
        for (int k : ctx.net().consumers(id)) {
            Op op = ctx.net().node(k).op();
            if (op instanceof Op.Add || op instanceof Op.Concat || op instanceof Op.BatchNorm && feedsAdd(k)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Lowers convolution {@code n} from {@code inL} to {@code muxOut} (or, when null, a new block-packed layout).
     * Returns the output layout on the registers that hold the result.
     */
    Layout lower(LoweredNet.Node n, Op.Conv c, Layout inL, int inAff, int fold, Layout muxOut) {
        NodeValues v = ctx.values();
        int inNode = n.inputs().getFirst();
        Shape inS = ctx.inShape(n);
        Shape outS = n.shape();
        Layout outL = muxOut;
        if (outL == null) {
            int first = em.registerCount();
            for (int i = 0; i < (outS.channels() + perCt - 1) / perCt; i++) {
                em.newReg(v.valueDepth(inNode));
            }
            outL = Layout.canonical(outS.channels(), perCt, first, outS.height(), outS.width(), inL.gap() * c.stride());
        }
        int inLid = v.layoutId(inNode);
        int outLid = v.layout(outL);
        int nIn = inL.regCount();
        int nOut = outL.regCount();
        int[] inRegs = new int[nIn];
        for (int ri = 0; ri < nIn; ri++) {
            inRegs[ri] = inL.regAt(ri);
        }
        int period = 0;
        if (nIn == 1 && !inL.multiplexed() && em.clean(inRegs[0]) && canonical(inL)) {
            int cp = inL.channels() <= 1 ? 1 : Integer.highestOneBit(inL.channels() - 1) << 1;
            if (2 * cp <= perCt) {
                period = cp;
                int r = inRegs[0];
                for (int m = cp; m < perCt; m *= 2) {
                    int t = em.rotate(r, m * ctx.blockSize()); // copies wrap around: block b holds channel b mod C'
                    int sum = em.newReg(em.depth(r));
                    em.emit(OpCode.ADD, sum, r, t, em.depth(r));
                    r = sum;
                }
                inRegs[0] = r;
            }
        }
        List<List<TreeMap<ConvShifts.Shift, List<ConvShifts.Term>>>> table = new ArrayList<>();
        int rmin = Integer.MAX_VALUE;
        int rmax = Integer.MIN_VALUE;
        for (int ri = 0; ri < nIn; ri++) {
            List<TreeMap<ConvShifts.Shift, List<ConvShifts.Term>>> row = new ArrayList<>();
            for (int ro = 0; ro < nOut; ro++) {
                TreeMap<ConvShifts.Shift, List<ConvShifts.Term>> t = ConvShifts.of(c, inS, outS, inL, outL, period, ri,
                        ro, perCt, ctx.w0());
                row.add(t);
                for (ConvShifts.Shift x : t.keySet()) {
                    rmin = Math.min(rmin, x.row());
                    rmax = Math.max(rmax, x.row());
                }
            }
            table.add(row);
        }
        if (rmin > rmax) {
            throw new HeCompileException(n.name() + ": the convolution has no product");
        }
        Split split = bestSplit(table, rmin, rmax, nIn, nOut);
        List<TreeSet<Integer>> steps = babyStepSets(table, split);
        List<TreeMap<Long, int[]>> acc = giantKeys(table, split, nOut);
        long giants = acc.stream().mapToLong(TreeMap::size).sum();
        long babies = steps.stream().mapToLong(TreeSet::size).sum();
        // Input-outer keeps one input's rotations and every accumulator live; output-outer every input's rotations.
        boolean inputOuter = giants + babies / Math.max(1, nIn) <= babies;
        List<Map<Integer, Integer>> baby = new ArrayList<>();
        for (int ri = 0; ri < nIn; ri++) {
            baby.add(inputOuter ? null : babySteps(inRegs[ri], steps.get(ri)));
        }
        Operands ops = new Operands(n.id(), inLid, outLid, inAff, fold, period, split);
        if (inputOuter) {
            for (int ri = 0; ri < nIn; ri++) {
                baby.set(ri, babySteps(inRegs[ri], steps.get(ri)));
                for (int ro = 0; ro < nOut; ro++) {
                    products(ops, table.get(ri).get(ro), baby.get(ri), acc.get(ro), ri, ro);
                }
            }
        } else {
            for (int ro = 0; ro < nOut; ro++) {
                for (int ri = 0; ri < nIn; ri++) {
                    products(ops, table.get(ri).get(ro), baby.get(ri), acc.get(ro), ri, ro);
                }
            }
        }
        Map<Integer, Integer> rename = new HashMap<>();
        for (int ro = 0; ro < nOut; ro++) {
            if (acc.get(ro).isEmpty()) {
                throw new HeCompileException(n.name() + ": output register " + ro + " receives no product");
            }
            int out = giantSteps(acc.get(ro));
            em.rescale(out);
            em.emit(OpCode.ADD_PLAIN, out, out, em.pt(new Plaintext.ConvBias(n.id(), inLid, outLid, inAff, fold, ro)),
                    em.depth(out));
            rename.put(outL.regAt(ro), out);
        }
        return outL.renamed(rename);
    }

    /** Plaintext operand coordinates shared by every product of one layer. */
    private record Operands(int node, int inLayout, int outLayout, int inAffine, int fold, int period, Split split) {
    }

    /**
     * How a shift's rows divide between the baby and the giant step: the baby step takes {@code (row - rmin) mod
     * rows} rows (and the columns), the giant step the rest, a multiple of {@code rows} from {@code rmin}.
     */
    record Split(int rows, int rmin) {
        int babyRows(ConvShifts.Shift s) {
            return Math.floorMod(s.row() - rmin, rows);
        }
    }

    /** Relative cost of a hoisted rotation against a full one (no decomposition of the operand). */
    private static final double HOISTED_COST = 0.4;
    /** Cost (in full rotations) charged per Galois key a split adds to the plan: keys are memory and upload. */
    private static final double KEY_COST = 0.25;

    /**
     * The split with the fewest rotation-equivalents: baby rotations ({@link #HOISTED_COST} each) over the inputs plus
     * giant rotations over the outputs (Horner or direct, as {@link #giantSteps} will emit them) plus
     * {@link #KEY_COST} per baby step the plan has no Galois key for yet; ties to fewer baby rows.
     */
    private Split bestSplit(List<List<TreeMap<ConvShifts.Shift, List<ConvShifts.Term>>>> table, int rmin, int rmax,
                            int nIn, int nOut) {
        Split best = null;
        double bestCost = Double.MAX_VALUE;
        for (int rows = 1; rows <= rmax - rmin + 1; rows++) {
            Split sp = new Split(rows, rmin);
            double cost = 0;
            java.util.Set<Integer> fresh = new java.util.HashSet<>();
            for (TreeSet<Integer> b : babyStepSets(table, sp)) {
                long r = b.stream().filter(x -> Math.floorMod(x, ctx.slots()) != 0).count();
                cost += r >= 2 ? HOISTED_COST * r : r;
                b.stream().map(x -> Math.floorMod(x, ctx.slots())).filter(x -> x != 0 && !em.usesStep(x))
                        .forEach(fresh::add);
            }
            cost += KEY_COST * fresh.size();
            for (TreeMap<Long, int[]> g : giantKeys(table, sp, nOut)) {
                cost += giantRotations(g.keySet());
            }
            if (cost < bestCost - 1e-9) {
                best = sp;
                bestCost = cost;
            }
        }
        return best;
    }

    /** Per input register: the baby steps {@code babyRows * W0 + col} its shifts need. */
    private List<TreeSet<Integer>> babyStepSets(List<List<TreeMap<ConvShifts.Shift, List<ConvShifts.Term>>>> table,
                                                Split sp) {
        List<TreeSet<Integer>> out = new ArrayList<>();
        for (List<TreeMap<ConvShifts.Shift, List<ConvShifts.Term>>> row : table) {
            TreeSet<Integer> b = new TreeSet<>();
            for (TreeMap<ConvShifts.Shift, List<ConvShifts.Term>> t : row) {
                for (ConvShifts.Shift x : t.keySet()) {
                    b.add(sp.babyRows(x) * ctx.w0() + x.col());
                }
            }
            out.add(b);
        }
        return out;
    }

    /** Per output register: its (block, giant row) accumulators, not yet allocated ({register -1, started 0}). */
    private static List<TreeMap<Long, int[]>> giantKeys(
            List<List<TreeMap<ConvShifts.Shift, List<ConvShifts.Term>>>> table, Split sp, int nOut) {
        List<TreeMap<Long, int[]>> acc = new ArrayList<>();
        for (int ro = 0; ro < nOut; ro++) {
            TreeMap<Long, int[]> a = new TreeMap<>();
            for (List<TreeMap<ConvShifts.Shift, List<ConvShifts.Term>>> row : table) {
                for (ConvShifts.Shift x : row.get(ro).keySet()) {
                    a.computeIfAbsent(key(x.block(), x.row() - sp.babyRows(x)), k -> new int[]{-1, 0});
                }
            }
            acc.add(a);
        }
        return acc;
    }

    private static long key(int block, int row) {
        return ((long) block << 32) + row + (1L << 31); // sorted by block, then row
    }

    private static int blockOf(long key) {
        return (int) (key >> 32);
    }

    private static int rowOf(long key) {
        return (int) ((key & 0xffffffffL) - (1L << 31));
    }

    /** Rotations of {@code rin} by every baby step (hoisted when two or more are non-zero); step -> register. */
    private Map<Integer, Integer> babySteps(int rin, TreeSet<Integer> cols) {
        Map<Integer, Integer> b = new HashMap<>();
        long rotations = cols.stream().filter(x -> Math.floorMod(x, ctx.slots()) != 0).count();
        if (rotations >= 2) {
            em.hoist(rin);
        }
        for (int col : cols) {
            int step = Math.floorMod(col, ctx.slots());
            b.put(col, step == 0 ? rin : rotations >= 2 ? em.rotateHoisted(rin, step) : em.rotate(rin, step));
        }
        return b;
    }

    /** The products of one (input, output) register pair into the output's (block, row) accumulators. */
    private void products(Operands o, TreeMap<ConvShifts.Shift, List<ConvShifts.Term>> shifts,
                          Map<Integer, Integer> baby, TreeMap<Long, int[]> acc, int ri, int ro) {
        for (ConvShifts.Shift s : shifts.keySet()) {
            int br = o.split().babyRows(s);
            int src = baby.get(br * ctx.w0() + s.col());
            int[] a = acc.get(key(s.block(), s.row() - br));
            if (a[0] < 0) {
                a[0] = em.newReg(em.depth(src));
            }
            int pt = em.pt(new Plaintext.PackedConvWeights(o.node(), o.inLayout(), o.outLayout(), o.inAffine(),
                    o.fold(), ro, ri, o.period(), s.block(), s.row(), s.col(), br));
            boolean[] started = {a[1] != 0};
            em.accumulate(started, 0, a[0], src, pt, false);
            a[1] = 1;
        }
    }

    /**
     * {@code sum rot(acc[block, row], block * B + row * W0)}: by Horner's scheme over rows (step {@code rs * W0}, rs
     * the gcd of the row differences), then over blocks (step {@code bs * B}), then one rotation by the smallest
     * shift, unless rotating each accumulator by its own shift needs two rotations fewer. Returns the register.
     */
    private int giantSteps(TreeMap<Long, int[]> acc) {
        int b = ctx.blockSize();
        int w0 = ctx.w0();
        if (!horner(acc.keySet())) {
            Integer out = acc.containsKey(key(0, 0)) ? acc.get(key(0, 0))[0] : null;
            for (Map.Entry<Long, int[]> e : acc.entrySet()) {
                if (e.getKey() == key(0, 0)) {
                    continue;
                }
                int r = em.rotate(e.getValue()[0], blockOf(e.getKey()) * b + rowOf(e.getKey()) * w0);
                out = out == null ? r : add(out, r);
            }
            return out;
        }
        Horner h = new Horner(acc.keySet());
        int rmin = h.rows().first();
        int bmin = h.blocks().first();
        int rs = h.rowStep();
        int bs = h.blockStep();
        TreeSet<Integer> rows = h.rows();
        TreeSet<Integer> blocks = h.blocks();
        Integer u = null;
        for (int blk = blocks.last(); blk >= bmin; blk -= bs) {
            if (u != null) {
                u = em.rotate(u, bs * b);
            }
            Integer t = null;
            for (int r = rows.last(); r >= rmin; r -= rs) {
                if (t != null) {
                    t = em.rotate(t, rs * w0);
                }
                int[] a = acc.get(key(blk, r));
                if (a != null) {
                    t = t == null ? a[0] : add(t, a[0]);
                }
            }
            if (t != null) {
                u = u == null ? t : add(u, t);
            }
        }
        return em.rotate(u, bmin * b + rmin * w0);
    }

    /** The blocks and rows of a set of giant keys, and the Horner steps (gcd of their differences, at least 1). */
    private record Horner(TreeSet<Integer> blocks, TreeSet<Integer> rows, int blockStep, int rowStep) {
        Horner(java.util.Set<Long> keys) {
            this(blocksOf(keys), rowsOf(keys), stepOf(blocksOf(keys)), stepOf(rowsOf(keys)));
        }

        private static TreeSet<Integer> blocksOf(java.util.Set<Long> keys) {
            TreeSet<Integer> t = new TreeSet<>();
            keys.forEach(k -> t.add(blockOf(k)));
            return t;
        }

        private static TreeSet<Integer> rowsOf(java.util.Set<Long> keys) {
            TreeSet<Integer> t = new TreeSet<>();
            keys.forEach(k -> t.add(rowOf(k)));
            return t;
        }

        private static int stepOf(TreeSet<Integer> v) {
            int g = 0;
            for (int x : v) {
                g = gcd(g, x - v.first());
            }
            return Math.max(g, 1);
        }
    }

    /** Rotations of the Horner scheme of {@link #giantSteps} over these keys. */
    private int hornerRotations(java.util.Set<Long> keys) {
        Horner h = new Horner(keys);
        int rmin = h.rows().first();
        int bmin = h.blocks().first();
        int n = (h.blocks().last() - bmin) / h.blockStep()
                + (Math.floorMod(bmin * ctx.blockSize() + rmin * ctx.w0(), ctx.slots()) != 0 ? 1 : 0);
        for (int blk : h.blocks()) {
            int top = rmin;
            for (long k : keys) {
                if (blockOf(k) == blk) {
                    top = Math.max(top, rowOf(k));
                }
            }
            n += (top - rmin) / h.rowStep();
        }
        return n;
    }

    /** Whether {@link #giantSteps} uses Horner's scheme: unless it needs two rotations more (it needs fewer keys). */
    private boolean horner(java.util.Set<Long> keys) {
        return hornerRotations(keys) <= directRotations(keys) + 1;
    }

    /** The rotations {@link #giantSteps} emits for these keys. */
    private int giantRotations(java.util.Set<Long> keys) {
        return horner(keys) ? hornerRotations(keys) : directRotations(keys);
    }

    /** Rotations when every key but (0, 0) is rotated by its own shift. */
    private static int directRotations(java.util.Set<Long> keys) {
        return keys.size() - (keys.contains(key(0, 0)) ? 1 : 0);
    }

    private int add(int x, int y) {
        int s = em.newReg(em.depth(x));
        em.emit(OpCode.ADD, s, x, y, em.depth(x));
        return s;
    }

    private static int gcd(int a, int b) {
        return b == 0 ? Math.abs(a) : gcd(b, a % b);
    }

    /** Channel c at block c of one register. */
    private static boolean canonical(Layout l) {
        for (int c = 0; c < l.channels(); c++) {
            if (l.block(c) != c || l.reg(c) != l.reg(0)) {
                return false;
            }
        }
        return true;
    }
}
