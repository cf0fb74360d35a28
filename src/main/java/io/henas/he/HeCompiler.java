package io.henas.he;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import io.henas.ir.ActivationKind;
import io.henas.ir.LoweredNet;
import io.henas.ir.Op;
import io.henas.ir.Shape;

/**
 * Compiles a {@link LoweredNet} to an {@link HePlan}.
 *
 * <p><b>Layout.</b> Every channel's map sits in one block of {@code B = max(nextPow2(H0*W0), N/2 / maxChannels)}
 * slots; {@code P = N/2 / B} channels share a ciphertext (see {@link Layout}). Strides and pooling keep the grid and
 * grow the gap between valid slots. Only valid slots are meaningful; each consumer masks the rest.
 *
 * <p><b>Operations.</b>
 * <ul>
 *   <li>k x k convolution, baby-step giant-step: each input ciphertext is rotated once per kernel offset by
 *       {@code ((ky-pad)*W0 + (kx-pad)) * gap} (hoisted: one decomposition); for each output ciphertext and block
 *       diagonal d (output block j meets input block j + d), the rotated inputs are multiplied by masked weight
 *       plaintexts (pre-rotated by {@code d*B}) and accumulated, the sum is rotated by {@code d*B} (before rescaling)
 *       and added; one rescale and a bias plaintext per output ciphertext. Rotations: {@code inCts*(k^2-1) +
 *       outCts*(diagonals-1)}; Galois keys: the k^2-1 offsets plus the block steps. A single input ciphertext with
 *       {@code C <= P/2} channels is first replicated into every block group (log2(P/C') rotations, C' =
 *       nextPow2(C)) so that only C' diagonals remain. With one channel per ciphertext, taps that never touch padding are
 *       constants (MUL_CONST): pointwise convolutions become constant-weighted sums. Depthwise convolution uses only
 *       the diagonals that pair a channel with itself.</li>
 *   <li>Average pooling and global average pooling: strided rotate-and-sum (binary doubling, about
 *       {@code 2 log2 k} rotations per direction), the {@code 1/k^2} folded into the next layer (merge) or a
 *       MUL_CONST (no merge).</li>
 *   <li>Dense over a {@code C x 1 x 1} map (after global pooling): exactly a 1x1 convolution (above), the units
 *       packed P to a ciphertext. Dense over a larger map: per unit, masked ct x pt products over the input
 *       ciphertexts accumulated, one rescale, then rotate-and-sum over the occupied blocks and the valid pixels into
 *       slot 0, plus the bias; unit u lands in its own ciphertext, slot 0.</li>
 *   <li>Square: MUL_CT + RELINEARIZE + RESCALE (one level). POLY2 merged: {@code s * (s + B'/A')} (one level),
 *       {@code A'} and {@code C'} left pending for the next linear layer (weights and per-position bias, exact at the
 *       padded borders). POLY2 unmerged: x^2, then {@code a x^2} and {@code b x} (two levels), plus c.</li>
 *   <li>Batch-norm: merged, folded into the producing convolution/dense layer when it is its only consumer,
 *       otherwise left pending; unmerged, a multiply (one level) and an add.</li>
 *   <li>Concat: no operation (the channel tables are concatenated, levels aligned with DROP_LEVEL). Residual add:
 *       merged, a linear branch is expressed relative to the other branch's pending affine so no level is spent;
 *       otherwise pending affines are materialized (one level); levels are aligned with DROP_LEVEL.</li>
 * </ul>
 */
final class HeCompiler {
    private final LoweredNet net;
    private final CompileOptions opts;
    private final boolean merge;
    private final int logN;
    private final int slots;
    private final int blockSize;
    private final int perCt;
    private final int w0;

    private int[] code = new int[4096];
    private int[] nodeOf = new int[1024];
    private int[] opDepth = new int[1024];
    private int[] scaleRef = new int[1024];
    private int count;
    private int[] regDepth = new int[256];
    private int[] regTag = new int[256];
    /** Whether a register's empty blocks hold zeros at the valid slots (false only after a non-1x1 dense). */
    private boolean[] regClean = new boolean[256];
    /** Register whose scale the products being emitted must land on after rescaling (-1: the plan's scale). */
    private int target = -1;
    private int regs;
    private final List<Plaintext> pts = new ArrayList<>();
    private final Map<Double, Integer> scalars = new HashMap<>();
    private final List<Affine> affines = new ArrayList<>();
    private final Map<Integer, Integer> identities = new HashMap<>();
    private final List<Layout> layouts = new ArrayList<>();
    private final TreeSet<Integer> steps = new TreeSet<>();
    private final int[] nodeLayout;
    private final int[] nodeAffine;
    private final int[] nodeDepth;
    private final int[] nodeLevels;
    private final int[] aliasOf;
    private final int[] absorbedFrom;
    private int curNode;

    private HeCompiler(LoweredNet net, CompileOptions opts, int logN) {
        this.net = net;
        this.opts = opts;
        this.merge = opts.merge();
        this.logN = logN;
        this.slots = 1 << (logN - 1);
        Shape in = net.node(0).shape();
        this.w0 = in.width();
        int minBlock = minBlock(net);
        if (minBlock > slots) {
            throw new HeCompileException("the " + in.height() + "x" + in.width() + " input map needs blocks of " + minBlock
                    + " slots, but N = 2^" + logN + " has only " + slots + " slots per ciphertext");
        }
        int p = slots / minBlock;
        if (opts.maxChannelsPerCiphertext() > 0) {
            p = Math.min(p, Integer.highestOneBit(opts.maxChannelsPerCiphertext()));
        }
        this.perCt = p;
        this.blockSize = slots / p;
        int n = net.nodes().size();
        nodeLayout = new int[n];
        nodeAffine = new int[n];
        nodeDepth = new int[n];
        nodeLevels = new int[n];
        aliasOf = new int[n];
        absorbedFrom = new int[n];
        Arrays.fill(aliasOf, -1);
        Arrays.fill(absorbedFrom, -1);
    }

    static int minBlock(LoweredNet net) {
        Shape in = net.node(0).shape();
        int hw = in.height() * in.width();
        return hw <= 1 ? 1 : Integer.highestOneBit(hw - 1) << 1;
    }

    /** Compiles at {@code logN} without the 128-bit check (simulation and tests only). */
    static HePlan compileInsecure(LoweredNet net, CompileOptions opts, int logN) {
        return new HeCompiler(net, opts, logN).run();
    }

    static HePlan compile(LoweredNet net, CompileOptions opts) {
        int minBlock = minBlock(net);
        if (opts.logN() != 0) {
            HePlan plan = new HeCompiler(net, opts, opts.logN()).run();
            if (!ParameterSelector.fits(opts.logN(), plan.depth(), minBlock, opts)) {
                throw new HeCompileException("depth " + plan.depth() + " needs log QP = " + plan.parameters().logQp()
                        + " bits, but 128-bit security at N = 2^" + opts.logN() + " allows at most "
                        + SecurityTable.maxLogQp128(opts.logN()));
            }
            return plan;
        }
        // The depth does not depend on the packing, so compile once at the largest ring to learn it.
        HePlan probe = new HeCompiler(net, opts, ParameterSelector.MAX_LOG_N).run();
        int logN = ParameterSelector.smallestLogN(probe.depth(), minBlock, opts);
        return logN == ParameterSelector.MAX_LOG_N ? probe : new HeCompiler(net, opts, logN).run();
    }

    private HePlan run() {
        for (LoweredNet.Node n : net.nodes()) {
            curNode = n.id();
            switch (n.op()) {
                case Op.Input i -> input(n);
                case Op.Conv c -> linear(n);
                case Op.Dense d -> linear(n);
                case Op.BatchNorm b -> batchNorm(n);
                case Op.Act a -> act(n, a.kind());
                case Op.AvgPool p -> pool(n, p.size(), p.size());
                case Op.GlobalAvgPool g -> pool(n, inShape(n).height(), inShape(n).width());
                case Op.Concat c -> concat(n);
                case Op.Add a -> add(n);
            }
            nodeDepth[n.id()] = valueDepth(n.id());
            int before = 0;
            for (int i : n.inputs()) {
                before = Math.max(before, nodeDepth[i]);
            }
            nodeLevels[n.id()] = nodeDepth[n.id()] - before;
        }
        int depth = 0;
        for (int r = 0; r < regs; r++) {
            depth = Math.max(depth, regDepth[r]);
        }
        return new HePlan(net, opts, logN, blockSize, w0, Arrays.copyOf(code, 4 * count), Arrays.copyOf(nodeOf, count),
                Arrays.copyOf(opDepth, count), Arrays.copyOf(scaleRef, count), pts, affines, layouts, nodeLayout, nodeAffine, nodeDepth, nodeLevels, regs,
                depth, steps.stream().mapToInt(Integer::intValue).toArray());
    }

    // ------------------------------------------------------------------------------------------------ nodes

    private void input(LoweredNet.Node n) {
        Shape s = n.shape();
        int first = regs;
        for (int i = 0; i < (s.channels() + perCt - 1) / perCt; i++) {
            newReg(0);
        }
        nodeLayout[n.id()] = layout(Layout.canonical(s.channels(), perCt, first, s.height(), s.width(), 1));
        nodeAffine[n.id()] = identity(s.channels());
    }

    /** A convolution or dense layer, with its batch-norm chain and residual absorption when merging. */
    private void linear(LoweredNet.Node n) {
        int in = n.inputs().getFirst();
        Layout inL = layout(nodeLayout[in]);
        int inAff = nodeAffine[in];
        int outChannels = n.shape().channels();
        int fold = identity(outChannels);
        int cur = n.id();
        int other = -1;
        int placeLike = -1;
        if (merge) {
            while (true) {
                List<Integer> cons = net.consumers(cur);
                if (cons.size() != 1 || !(net.node(cons.getFirst()).op() instanceof Op.BatchNorm)) {
                    break;
                }
                cur = cons.getFirst();
                aliasOf[cur] = n.id();
                fold = affine(new Affine.Bn(fold, cur));
            }
            List<Integer> cons = net.consumers(cur);
            if (cons.size() == 1 && net.node(cons.getFirst()).op() instanceof Op.Add) {
                LoweredNet.Node addNode = net.node(cons.getFirst());
                int o = addNode.inputs().get(0) == cur ? addNode.inputs().get(1) : addNode.inputs().get(0);
                if (o < n.id() && o != cur && outGrid(n, inL).sameGrid(layout(nodeLayout[o]))) {
                    placeLike = o;
                    if (!(affines.get(nodeAffine[o]) instanceof Affine.Identity)) {
                        other = o;
                        absorbedFrom[addNode.id()] = cur;
                        fold = affine(new Affine.Relative(nodeAffine[o], fold));
                    }
                }
            }
        } else {
            List<Integer> cons = net.consumers(n.id());
            if (cons.size() == 1 && net.node(cons.getFirst()).op() instanceof Op.Add addNode) {
                LoweredNet.Node an = net.node(cons.getFirst());
                int o = an.inputs().get(0) == n.id() ? an.inputs().get(1) : an.inputs().get(0);
                if (o < n.id() && outGrid(n, inL).sameGrid(layout(nodeLayout[o]))) {
                    placeLike = o;
                }
            }
        }
        Layout outL;
        if (n.op() instanceof Op.Dense d && inL.height() == 1 && inL.width() == 1) {
            // A dense layer over a C x 1 x 1 map is a 1x1 convolution: baby-step giant-step over the block
            // diagonals, the units packed P to a ciphertext.
            Layout placement = placeLike >= 0 ? layout(nodeLayout[placeLike]) : null;
            outL = conv(n, new Op.Conv(d.units(), 1, 1, false), inL, inAff, fold, placement);
        } else if (n.op() instanceof Op.Dense) {
            outL = dense(n, inL, inAff, fold);
        } else {
            Layout placement = placeLike >= 0 ? layout(nodeLayout[placeLike]) : null;
            outL = conv(n, (Op.Conv) n.op(), inL, inAff, fold, placement);
        }
        nodeLayout[n.id()] = layout(outL);
        nodeAffine[n.id()] = identity(outChannels);
    }

    private Layout outGrid(LoweredNet.Node n, Layout inL) {
        int stride = n.op() instanceof Op.Conv c ? c.stride() : 1;
        int[] z = new int[]{0};
        return new Layout(z, z, n.shape().height(), n.shape().width(), inL.gap() * stride);
    }

    private Layout conv(LoweredNet.Node n, Op.Conv c, Layout inL, int inAff, int fold, Layout placement) {
        Shape inS = inShape(n);
        Shape outS = n.shape();
        int k = c.kernel();
        int s = c.stride();
        int pad = (k - 1) / 2;
        int g = inL.gap();
        int inLid = nodeLayout[n.inputs().getFirst()];
        Layout outL;
        Map<Integer, Integer> targetOf = new HashMap<>();
        if (placement != null) {
            Map<Integer, Integer> rename = new HashMap<>();
            for (int r = 0; r < placement.regCount(); r++) {
                int fresh = newReg(valueDepth(n.inputs().getFirst()));
                rename.put(placement.regAt(r), fresh);
                targetOf.put(fresh, placement.regAt(r)); // land on the residual partner's scale
            }
            Layout p = placement.renamed(rename);
            int[] reg = new int[outS.channels()];
            int[] blk = new int[outS.channels()];
            for (int ch = 0; ch < reg.length; ch++) {
                reg[ch] = p.reg(ch);
                blk[ch] = p.block(ch);
            }
            outL = new Layout(reg, blk, outS.height(), outS.width(), g * s);
        } else {
            int first = regs;
            for (int i = 0; i < (outS.channels() + perCt - 1) / perCt; i++) {
                newReg(valueDepth(n.inputs().getFirst()));
            }
            outL = Layout.canonical(outS.channels(), perCt, first, outS.height(), outS.width(), g * s);
        }
        int outLid = layout(outL);
        int[][] inT = inL.channelTable(perCt);
        int[][] outT = outL.channelTable(perCt);
        boolean[] validY = validTaps(k, s, pad, outS.height(), inS.height());
        boolean[] validX = validTaps(k, s, pad, outS.width(), inS.width());
        boolean[] fullY = fullTaps(k, s, pad, outS.height(), inS.height());
        boolean[] fullX = fullTaps(k, s, pad, outS.width(), inS.width());
        int nIn = inL.regCount();
        int nOut = outL.regCount();
        boolean[][][] pair = new boolean[nIn][nOut][perCt];
        int diagonals = pairTable(inT, outT, pair, c.depthwise());
        // Replication: a single input ciphertext holding C <= P/2 channels (canonical, empty blocks zero) is summed
        // with copies of itself shifted by C' = nextPow2(C) blocks, log2(P/C') rotations; then only C' diagonals
        // pair every output block with every input channel.
        int period = 0;
        int[] inRegs = new int[nIn];
        for (int ri = 0; ri < nIn; ri++) {
            inRegs[ri] = inL.regAt(ri);
        }
        if (nIn == 1 && !c.depthwise() && perCt >= 2 && regClean[inRegs[0]] && canonical(inL)) {
            int cp = inL.channels() <= 1 ? 1 : Integer.highestOneBit(inL.channels() - 1) << 1;
            int copies = Integer.numberOfTrailingZeros(perCt / Math.max(1, cp));
            if (2 * cp <= perCt && (long) nOut * (diagonals - cp) > copies) {
                period = cp;
                int[][] rep = new int[1][perCt];
                for (int b = 0; b < perCt; b++) {
                    rep[0][b] = b % cp < inL.channels() ? b % cp : -1;
                }
                diagonals = pairTable(rep, outT, pair, false);
                for (boolean[] byDiag : pair[0]) {
                    Arrays.fill(byDiag, cp, perCt, false); // diagonals >= C' would read a replica twice
                }
                diagonals = Math.min(diagonals, cp);
                int r = inRegs[0];
                for (int m = cp; m < perCt; m *= 2) {
                    int t = rotate(r, -m * blockSize);
                    int sum = newReg(regDepth[r]);
                    emit(OpCode.ADD, sum, r, t, regDepth[r]);
                    r = sum;
                }
                inRegs[0] = r;
            }
        }
        // Loop order: input-outer keeps one input's k^2 rotations and every (output, diagonal) accumulator live;
        // output-outer keeps every input's rotations live. Same operations either way; pick the smaller footprint.
        boolean inputOuter = (long) nOut * diagonals + k * k <= (long) nIn * k * k;
        int[][] acc = new int[nOut][perCt];
        boolean[][] started = new boolean[nOut][perCt];
        for (int ro = 0; ro < nOut; ro++) {
            Arrays.fill(acc[ro], -1);
            acc[ro][0] = outL.regAt(ro);
        }
        int[][] baby = new int[nIn][];
        for (int ri = 0; ri < nIn; ri++) {
            baby[ri] = babySteps(inRegs[ri], pair[ri], k, pad, g, validY, validX);
            if (inputOuter) {
                for (int ro = 0; ro < nOut; ro++) {
                    target = targetOf.getOrDefault(outL.regAt(ro), -1);
                    convProducts(n, ri, ro, pair, baby, acc, started, inLid, outLid, inAff, fold, k, fullY, fullX, period);
                }
            }
        }
        for (int ro = 0; ro < nOut; ro++) {
            target = targetOf.getOrDefault(outL.regAt(ro), -1);
            if (!inputOuter) {
                for (int ri = 0; ri < nIn; ri++) {
                    convProducts(n, ri, ro, pair, baby, acc, started, inLid, outLid, inAff, fold, k, fullY, fullX, period);
                }
            }
            // Giant steps: rotate each diagonal's degree-2 sum by d*B and add; one rescale and the bias.
            int out = outL.regAt(ro);
            boolean outStarted = started[ro][0];
            for (int d = 1; d < perCt; d++) {
                if (!started[ro][d]) {
                    continue;
                }
                if (!outStarted) {
                    rotateInto(out, acc[ro][d], d * blockSize);
                    outStarted = true;
                } else {
                    int r = rotate(acc[ro][d], d * blockSize);
                    emit(OpCode.ADD, out, out, r, regDepth[out]);
                }
            }
            if (!outStarted) {
                throw new HeCompileException(n.name() + ": output register " + ro + " receives no product");
            }
            target = -1;
            rescale(out);
            emit(OpCode.ADD_PLAIN, out, out, pt(new Plaintext.ConvBias(n.id(), inLid, outLid, inAff, fold, ro)),
                    regDepth[out]);
        }
        return outL;
    }

    /** Rotations of input register {@code rin} by every valid kernel offset (index ky*k+kx; -1 = unused). */
    private int[] babySteps(int rin, boolean[][] pairsOfInput, int k, int pad, int g, boolean[] validY,
                            boolean[] validX) {
        int[] baby = new int[k * k];
        Arrays.fill(baby, -1);
        boolean used = false;
        for (boolean[] row : pairsOfInput) {
            for (boolean b : row) {
                used |= b;
            }
        }
        if (!used) {
            return baby;
        }
        int rotations = 0;
        for (int ky = 0; ky < k; ky++) {
            for (int kx = 0; kx < k; kx++) {
                if (validY[ky] && validX[kx] && offsetStep(ky, kx, pad, g) != 0) {
                    rotations++;
                }
            }
        }
        if (rotations >= 2) {
            emit(OpCode.HOIST, -1, rin, 0, regDepth[rin]);
        }
        for (int ky = 0; ky < k; ky++) {
            for (int kx = 0; kx < k; kx++) {
                int step = offsetStep(ky, kx, pad, g);
                if (validY[ky] && validX[kx]) {
                    baby[ky * k + kx] = step == 0 ? rin : rotations >= 2 ? rotateHoisted(rin, step) : rotate(rin, step);
                }
            }
        }
        return baby;
    }

    /** The products of input register ri into the accumulators of output register ro, every diagonal. */
    private void convProducts(LoweredNet.Node n, int ri, int ro, boolean[][][] pair, int[][] baby, int[][] acc,
                              boolean[][] started, int inLid, int outLid, int inAff, int fold, int k, boolean[] fullY,
                              boolean[] fullX, int period) {
        for (int d = 0; d < perCt; d++) {
            if (!pair[ri][ro][d]) {
                continue;
            }
            for (int ky = 0; ky < k; ky++) {
                for (int kx = 0; kx < k; kx++) {
                    int src = baby[ri][ky * k + kx];
                    if (src < 0) {
                        continue;
                    }
                    if (acc[ro][d] < 0) {
                        acc[ro][d] = newReg(regDepth[src]);
                    }
                    int pt = pt(new Plaintext.ConvWeights(n.id(), inLid, outLid, inAff, fold, ro, ri, d, ky, kx,
                            period));
                    accumulate(started[ro], d, acc[ro][d], src, pt, perCt == 1 && fullY[ky] && fullX[kx]);
                }
            }
        }
    }

    private void accumulate(boolean[] started, int ro, int acc, int src, int pt, boolean uniform) {
        if (!started[ro]) {
            started[ro] = true;
            emit(uniform ? OpCode.MUL_CONST : OpCode.MUL_PLAIN, acc, src, pt, regDepth[src]);
            regDepth[acc] = regDepth[src];
        } else if (uniform) {
            int t = newReg(regDepth[src]);
            emit(OpCode.MUL_CONST, t, src, pt, regDepth[src]);
            emit(OpCode.ADD, acc, acc, t, regDepth[acc]);
        } else {
            emit(OpCode.MUL_PLAIN_ACC, acc, src, pt, regDepth[src]);
        }
    }

    /** Fills {@code pair[ri][ro][d]}; returns the number of diagonals with at least one pair. */
    private int pairTable(int[][] inT, int[][] outT, boolean[][][] pair, boolean depthwise) {
        int diagonals = 0;
        for (int d = 0; d < perCt; d++) {
            boolean any = false;
            for (int ri = 0; ri < inT.length; ri++) {
                for (int ro = 0; ro < outT.length; ro++) {
                    pair[ri][ro][d] = pairs(inT[ri], outT[ro], d, depthwise);
                    any |= pair[ri][ro][d];
                }
            }
            diagonals += any ? 1 : 0;
        }
        return diagonals;
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

    /** Whether some block j pairs an output channel of {@code out} with an input channel at block j + d. */
    private boolean pairs(int[] in, int[] out, int d, boolean depthwise) {
        for (int j = 0; j < perCt; j++) {
            int o = out[j];
            int i = in[(j + d) % perCt];
            if (o >= 0 && i >= 0 && (!depthwise || i == o)) {
                return true;
            }
        }
        return false;
    }

    /** Taps that touch at least one in-map input pixel. */
    private static boolean[] validTaps(int k, int s, int pad, int outSize, int inSize) {
        boolean[] v = new boolean[k];
        for (int t = 0; t < k; t++) {
            for (int o = 0; o < outSize && !v[t]; o++) {
                int i = o * s + t - pad;
                v[t] = i >= 0 && i < inSize;
            }
        }
        return v;
    }

    /** Taps that touch an in-map input pixel for every output pixel (no padding mask needed). */
    private static boolean[] fullTaps(int k, int s, int pad, int outSize, int inSize) {
        boolean[] v = new boolean[k];
        for (int t = 0; t < k; t++) {
            v[t] = true;
            for (int o = 0; o < outSize; o++) {
                int i = o * s + t - pad;
                v[t] &= i >= 0 && i < inSize;
            }
        }
        return v;
    }

    private Layout dense(LoweredNet.Node n, Layout inL, int inAff, int fold) {
        int units = n.shape().channels();
        int inLid = nodeLayout[n.inputs().getFirst()];
        int depth = valueDepth(n.inputs().getFirst());
        int maxBlock = 0;
        for (int ch = 0; ch < inL.channels(); ch++) {
            maxBlock = Math.max(maxBlock, inL.block(ch));
        }
        int q = maxBlock == 0 ? 1 : Integer.highestOneBit(maxBlock) << 1; // blocks to sum: nextPow2(maxBlock + 1)
        boolean uniform = q == 1 && inL.height() == 1 && inL.width() == 1;
        int[] out = new int[units];
        int[] zero = new int[units];
        for (int u = 0; u < units; u++) {
            int acc = newReg(depth);
            boolean[] started = new boolean[1];
            for (int ri = 0; ri < inL.regCount(); ri++) {
                int pt = pt(new Plaintext.DenseWeights(n.id(), inLid, inAff, fold, u, ri));
                accumulate(started, 0, acc, inL.regAt(ri), pt, uniform);
            }
            rescale(acc);
            for (int m = 1; m < q; m *= 2) {
                int t = rotate(acc, m * blockSize);
                emit(OpCode.ADD, acc, acc, t, regDepth[acc]);
            }
            int r = strideSum(acc, inL.width(), inL.gap());
            r = strideSum(r, inL.height(), inL.gap() * w0);
            emit(OpCode.ADD_PLAIN, r, r, pt(new Plaintext.DenseBias(n.id(), inLid, inAff, fold, u)), regDepth[r]);
            regClean[r] = false; // the block sums leave partial sums at the other blocks' valid slots
            out[u] = r;
        }
        return new Layout(out, zero, 1, 1, 1);
    }

    /**
     * {@code out[t] = sum_{i < count} x[t + i * stride]} by binary doubling ({@code S_2m = S_m + rot(S_m, m*stride)},
     * {@code S_m+1 = x + rot(S_m, stride)}); returns {@code x} itself when {@code count == 1}, else a new register.
     */
    private int strideSum(int x, int count, int stride) {
        if (count == 1) {
            return x;
        }
        int r = x;
        int m = 1;
        for (int bit = Integer.highestOneBit(count) >> 1; bit > 0; bit >>= 1) {
            int t = rotate(r, m * stride);
            int sum = newReg(regDepth[r]);
            emit(OpCode.ADD, sum, r, t, regDepth[r]);
            r = sum;
            m *= 2;
            if ((count & bit) != 0) {
                int t2 = rotate(r, stride);
                int sum2 = newReg(regDepth[r]);
                emit(OpCode.ADD, sum2, x, t2, regDepth[r]);
                r = sum2;
                m += 1;
            }
        }
        return r;
    }

    private void batchNorm(LoweredNet.Node n) {
        int in = n.inputs().getFirst();
        if (aliasOf[n.id()] >= 0) {
            nodeLayout[n.id()] = nodeLayout[in];
            nodeAffine[n.id()] = nodeAffine[in];
        } else if (merge) {
            nodeLayout[n.id()] = nodeLayout[in];
            nodeAffine[n.id()] = affine(new Affine.Bn(nodeAffine[in], n.id()));
        } else {
            int aff = affine(new Affine.Bn(nodeAffine[in], n.id()));
            nodeLayout[n.id()] = layout(materialize(nodeLayout[in], aff));
            nodeAffine[n.id()] = identity(n.shape().channels());
        }
    }

    /** New registers holding {@code a * stored + c} of affine {@code aff} (one level). */
    private Layout materialize(int lid, int aff) {
        Layout l = layout(lid);
        Map<Integer, Integer> rename = new HashMap<>();
        boolean offset = !affines.get(aff).offsetFree(affines);
        for (int ri = 0; ri < l.regCount(); ri++) {
            int r = l.regAt(ri);
            int y = newReg(regDepth[r]);
            emit(perCt == 1 ? OpCode.MUL_CONST : OpCode.MUL_PLAIN, y, r, pt(new Plaintext.AffineScale(lid, aff, ri)),
                    regDepth[r]);
            rescale(y);
            if (offset) {
                emit(OpCode.ADD_PLAIN, y, y, pt(new Plaintext.AffineShift(lid, aff, ri)), regDepth[y]);
            }
            rename.put(r, y);
        }
        return l.renamed(rename);
    }

    private void act(LoweredNet.Node n, ActivationKind kind) {
        int in = n.inputs().getFirst();
        int lid = nodeLayout[in];
        Layout l = layout(lid);
        int inAff = nodeAffine[in];
        boolean poly2 = kind == ActivationKind.POLY2;
        Map<Integer, Integer> rename = new HashMap<>();
        if (!merge && poly2) {
            for (int ri = 0; ri < l.regCount(); ri++) {
                int x = l.regAt(ri);
                int x2 = square(x, x);
                OpCode mul = perCt == 1 ? OpCode.MUL_CONST : OpCode.MUL_PLAIN;
                int t = newReg(regDepth[x2]);
                emit(mul, t, x2, pt(new Plaintext.PolyCoef(n.id(), lid, ri, 'a')), regDepth[x2]);
                rescale(t);
                int u = newReg(regDepth[x]);
                emit(mul, u, x, pt(new Plaintext.PolyCoef(n.id(), lid, ri, 'b')), regDepth[x]);
                rescale(u);
                int ud = dropTo(u, regDepth[t]);
                emit(OpCode.ADD, t, t, ud, regDepth[t]);
                emit(OpCode.ADD_PLAIN, t, t, pt(new Plaintext.PolyCoef(n.id(), lid, ri, 'c')), regDepth[t]);
                rename.put(x, t);
            }
            nodeLayout[n.id()] = layout(l.renamed(rename));
            nodeAffine[n.id()] = identity(n.shape().channels());
            return;
        }
        boolean plainSquare = !poly2 && affines.get(inAff).offsetFree(affines);
        for (int ri = 0; ri < l.regCount(); ri++) {
            int x = l.regAt(ri);
            int y;
            if (plainSquare) {
                y = square(x, x);
            } else {
                int sh = newReg(regDepth[x]);
                emit(OpCode.ADD_PLAIN, sh, x, pt(new Plaintext.ActShift(n.id(), lid, inAff, ri)), regDepth[x]);
                y = square(x, sh);
            }
            rename.put(x, y);
        }
        nodeLayout[n.id()] = layout(l.renamed(rename));
        boolean identityOut = !poly2 && affines.get(inAff) instanceof Affine.Identity;
        nodeAffine[n.id()] = identityOut ? identity(n.shape().channels()) : affine(new Affine.ActOut(inAff, n.id(), poly2));
    }

    /** {@code a * b}, relinearized and rescaled, in a new register. */
    private int square(int a, int b) {
        int y = newReg(regDepth[a]);
        emit(OpCode.MUL_CT, y, a, b, regDepth[a]);
        emit(OpCode.RELINEARIZE, y, y, 0, regDepth[y]);
        rescale(y);
        return y;
    }

    private void pool(LoweredNet.Node n, int ph, int pw) {
        int in = n.inputs().getFirst();
        Layout l = layout(nodeLayout[in]);
        Map<Integer, Integer> rename = new HashMap<>();
        double factor = 1.0 / (ph * pw);
        for (int ri = 0; ri < l.regCount(); ri++) {
            int x = l.regAt(ri);
            int h = strideSum(x, pw, l.gap());
            int v = strideSum(h, ph, l.gap() * w0);
            if (!merge) {
                int y = newReg(regDepth[v]);
                emit(OpCode.MUL_CONST, y, v, scalar(factor), regDepth[v]);
                rescale(y);
                v = y;
            }
            rename.put(x, v);
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
        nodeLayout[n.id()] = layout(new Layout(reg, blk, n.shape().height(), n.shape().width(), gap));
        nodeAffine[n.id()] = merge ? affine(new Affine.ScaleA(nodeAffine[in], factor)) : nodeAffine[in];
    }

    private void concat(LoweredNet.Node n) {
        int depthTarget = 0;
        for (int i : n.inputs()) {
            depthTarget = Math.max(depthTarget, valueDepth(i));
        }
        int total = n.shape().channels();
        int[] reg = new int[total];
        int[] blk = new int[total];
        int off = 0;
        Layout first = layout(nodeLayout[n.inputs().getFirst()]);
        List<Integer> parts = new ArrayList<>();
        boolean allIdentity = true;
        java.util.Set<Long> used = new java.util.HashSet<>();
        for (int i : n.inputs()) {
            Layout l = layout(nodeLayout[i]);
            if (!l.sameGrid(first)) {
                throw new HeCompileException(n.name() + ": concat needs its inputs on the same slot grid, but had " + first
                        + " and " + l);
            }
            Map<Integer, Integer> rename = new HashMap<>();
            for (int ri = 0; ri < l.regCount(); ri++) {
                int r = l.regAt(ri);
                rename.put(r, dropTo(r, depthTarget));
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
            parts.add(nodeAffine[i]);
            allIdentity &= affines.get(nodeAffine[i]) instanceof Affine.Identity;
        }
        nodeLayout[n.id()] = layout(new Layout(reg, blk, first.height(), first.width(), first.gap()));
        nodeAffine[n.id()] = allIdentity ? identity(total) : affine(new Affine.Concat(parts));
    }

    private void add(LoweredNet.Node n) {
        int x = n.inputs().get(0);
        int y = n.inputs().get(1);
        int resultAffine;
        Layout lx;
        Layout ly;
        if (absorbedFrom[n.id()] >= 0) {
            int lin = absorbedFrom[n.id()];
            int other = lin == x ? y : x;
            lx = layout(nodeLayout[other]);
            ly = layout(nodeLayout[lin]);
            resultAffine = nodeAffine[other];
        } else {
            lx = layout(nodeLayout[x]);
            ly = layout(nodeLayout[y]);
            if (!(affines.get(nodeAffine[x]) instanceof Affine.Identity)) {
                lx = materialize(nodeLayout[x], nodeAffine[x]);
            }
            if (!(affines.get(nodeAffine[y]) instanceof Affine.Identity)) {
                ly = materialize(nodeLayout[y], nodeAffine[y]);
            }
            resultAffine = identity(n.shape().channels());
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
            int b = pair.get(a);
            if (regTag[a] != regTag[b]) {
                // Different scales (e.g. two activation outputs): bring the shallower side onto the other's scale
                // with a product by 1 (one level on that side, usually free because it was shallower anyway).
                boolean fixA = regDepth[a] < regDepth[b];
                int s = fixA ? a : b;
                int o = fixA ? b : a;
                int d = Math.max(regDepth[s], regDepth[o] - 1);
                s = dropTo(s, d);
                int f = newReg(d);
                target = o;
                emit(OpCode.MUL_CONST, f, s, scalar(1.0), d);
                target = -1;
                rescale(f);
                if (fixA) {
                    a = f;
                } else {
                    b = f;
                }
            }
            int depth = Math.max(regDepth[a], regDepth[b]);
            a = dropTo(a, depth);
            b = dropTo(b, depth);
            int s = newReg(depth);
            emit(OpCode.ADD, s, a, b, depth);
            rename.put(lx.regAt(ri), s);
        }
        nodeLayout[n.id()] = layout(lx.renamed(rename));
        nodeAffine[n.id()] = resultAffine;
    }

    // ------------------------------------------------------------------------------------------------ emission

    private Shape inShape(LoweredNet.Node n) {
        return net.node(n.inputs().getFirst()).shape();
    }

    private int valueDepth(int node) {
        Layout l = layout(nodeLayout[node]);
        int d = 0;
        for (int i = 0; i < l.regCount(); i++) {
            d = Math.max(d, regDepth[l.regAt(i)]);
        }
        return d;
    }

    private int newReg(int depth) {
        if (regs == regDepth.length) {
            regDepth = Arrays.copyOf(regDepth, regs * 2);
            regTag = Arrays.copyOf(regTag, regs * 2);
            regClean = Arrays.copyOf(regClean, regs * 2);
        }
        regClean[regs] = true;
        regDepth[regs] = depth;
        regTag[regs] = -1;
        return regs++;
    }

    private void emit(OpCode op, int dst, int a, int b, int depth) {
        if (count == nodeOf.length) {
            nodeOf = Arrays.copyOf(nodeOf, count * 2);
            opDepth = Arrays.copyOf(opDepth, count * 2);
            scaleRef = Arrays.copyOf(scaleRef, count * 2);
            code = Arrays.copyOf(code, count * 8);
        }
        boolean product = op == OpCode.MUL_PLAIN || op == OpCode.MUL_CONST || op == OpCode.MUL_PLAIN_ACC;
        scaleRef[count] = product ? target : -1;
        switch (op) {
            case MUL_PLAIN, MUL_CONST -> regTag[dst] = target < 0 ? -1 : regTag[target];
            case MUL_PLAIN_ACC -> {
                if (regTag[dst] != (target < 0 ? -1 : regTag[target])) {
                    throw new IllegalStateException("accumulator " + dst + " mixes scale targets");
                }
            }
            case MUL_CT -> regTag[dst] = dst;
            case ROTATE, ROTATE_HOISTED, DROP_LEVEL, ADD_PLAIN -> regTag[dst] = regTag[a];
            case ADD -> {
                if (regTag[a] != regTag[b]) {
                    throw new IllegalStateException("add of registers " + a + " and " + b + " with different scales");
                }
                regTag[dst] = regTag[a];
            }
            default -> {
            }
        }
        code[4 * count] = op.ordinal();
        code[4 * count + 1] = dst;
        code[4 * count + 2] = a;
        code[4 * count + 3] = b;
        nodeOf[count] = curNode;
        opDepth[count] = depth;
        count++;
    }

    private int rotate(int src, int step) {
        int s = Math.floorMod(step, slots);
        if (s == 0) {
            return src;
        }
        steps.add(s);
        int d = newReg(regDepth[src]);
        emit(OpCode.ROTATE, d, src, s, regDepth[src]);
        return d;
    }

    private int offsetStep(int ky, int kx, int pad, int gap) {
        return Math.floorMod(((ky - pad) * w0 + (kx - pad)) * gap, slots);
    }

    /** {@code dst = rot(src, step)} into a pre-allocated register. */
    private void rotateInto(int dst, int src, int step) {
        int s = Math.floorMod(step, slots);
        steps.add(s);
        regDepth[dst] = regDepth[src];
        emit(OpCode.ROTATE, dst, src, s, regDepth[src]);
    }

    private int rotateHoisted(int src, int step) {
        steps.add(step);
        int d = newReg(regDepth[src]);
        emit(OpCode.ROTATE_HOISTED, d, src, step, regDepth[src]);
        return d;
    }

    private void rescale(int r) {
        emit(OpCode.RESCALE, r, r, 0, regDepth[r]);
        regDepth[r]++;
    }

    /** {@code r} itself if already at {@code depth}, else a DROP_LEVEL copy. */
    private int dropTo(int r, int depth) {
        if (regDepth[r] == depth) {
            return r;
        }
        if (regDepth[r] > depth) {
            throw new IllegalStateException("register " + r + " is deeper (" + regDepth[r] + ") than " + depth);
        }
        int d = newReg(depth);
        emit(OpCode.DROP_LEVEL, d, r, depth - regDepth[r], regDepth[r]);
        return d;
    }

    private int pt(Plaintext p) {
        pts.add(p);
        return pts.size() - 1;
    }

    private int scalar(double v) {
        return scalars.computeIfAbsent(v, x -> pt(new Plaintext.Scalar(x)));
    }

    private int affine(Affine a) {
        affines.add(a);
        return affines.size() - 1;
    }

    private int identity(int channels) {
        return identities.computeIfAbsent(channels, c -> affine(new Affine.Identity(c)));
    }

    private int layout(Layout l) {
        layouts.add(l);
        return layouts.size() - 1;
    }

    private Layout layout(int id) {
        return layouts.get(id);
    }
}
