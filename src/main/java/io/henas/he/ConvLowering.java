package io.henas.he;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import io.henas.ir.LoweredNet;
import io.henas.ir.Op;
import io.henas.ir.Shape;

/**
 * Lowers a convolution (or a dense layer over a {@code C x 1 x 1} map, read as a 1x1 convolution) to baby-step
 * giant-step code: kernel-offset rotations of each input ciphertext (hoisted), masked products accumulated per
 * output ciphertext and block diagonal, each diagonal's sum rotated into place, one rescale and the bias. See
 * {@link HeCompiler} for the full description.
 */
final class ConvLowering {
    private final CompileContext ctx;
    private final Emitter em;
    private final int perCt;

    /** Kernel geometry: size, padding, the input gap and which taps touch the map (valid) or never the padding (full). */
    record Geometry(int k, int pad, int gap, boolean[] validY, boolean[] validX, boolean[] fullY, boolean[] fullX) {
    }

    /** Plaintext operand coordinates shared by every product of one layer. */
    record Operands(LoweredNet.Node node, int inLayout, int outLayout, int inAffine, int fold, int period) {
    }

    /**
     * Per-layer emission state: {@code pair[ri][ro][d]} whether input register ri meets output register ro on diagonal
     * d; {@code baby[ri][ky*k+kx]} the rotated input registers; {@code acc[ro][d]} the diagonal accumulators and
     * {@code started[ro][d]} whether they hold a product yet.
     */
    record State(boolean[][][] pair, int[][] baby, int[][] acc, boolean[][] started) {
    }

    ConvLowering(CompileContext ctx) {
        this.ctx = ctx;
        this.em = ctx.em();
        this.perCt = ctx.perCt();
    }

    Layout lower(LoweredNet.Node n, Op.Conv c, Layout inL, int inAff, int fold, Layout placement) {
        NodeValues v = ctx.values();
        Shape inS = ctx.inShape(n);
        Shape outS = n.shape();
        int k = c.kernel();
        int s = c.stride();
        int pad = (k - 1) / 2;
        int g = inL.gap();
        int inLid = v.layoutId(n.inputs().getFirst());
        Layout outL;
        Map<Integer, Integer> targetOf = new HashMap<>();
        if (placement != null) {
            Map<Integer, Integer> rename = new HashMap<>();
            for (int r = 0; r < placement.regCount(); r++) {
                int fresh = em.newReg(v.valueDepth(n.inputs().getFirst()));
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
            int first = em.registerCount();
            for (int i = 0; i < (outS.channels() + perCt - 1) / perCt; i++) {
                em.newReg(v.valueDepth(n.inputs().getFirst()));
            }
            outL = Layout.canonical(outS.channels(), perCt, first, outS.height(), outS.width(), g * s);
        }
        int outLid = v.layout(outL);
        int[][] inT = inL.channelTable(perCt);
        int[][] outT = outL.channelTable(perCt);
        Geometry geo = new Geometry(k, pad, g, validTaps(k, s, pad, outS.height(), inS.height()),
                validTaps(k, s, pad, outS.width(), inS.width()), fullTaps(k, s, pad, outS.height(), inS.height()),
                fullTaps(k, s, pad, outS.width(), inS.width()));
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
        if (nIn == 1 && !c.depthwise() && perCt >= 2 && em.clean(inRegs[0]) && canonical(inL)) {
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
                    int t = em.rotate(r, m * ctx.blockSize()); // m*B left: the copies wrap around, same sum
                    int sum = em.newReg(em.depth(r));
                    em.emit(OpCode.ADD, sum, r, t, em.depth(r));
                    r = sum;
                }
                inRegs[0] = r;
            }
        }
        Operands ops = new Operands(n, inLid, outLid, inAff, fold, period);
        // Loop order: input-outer keeps one input's k^2 rotations and every (output, diagonal) accumulator live;
        // output-outer keeps every input's rotations live. Same operations either way; pick the smaller footprint.
        boolean inputOuter = (long) nOut * diagonals + k * k <= (long) nIn * k * k;
        State st = new State(pair, new int[nIn][], new int[nOut][perCt], new boolean[nOut][perCt]);
        for (int ro = 0; ro < nOut; ro++) {
            Arrays.fill(st.acc()[ro], -1);
            st.acc()[ro][0] = outL.regAt(ro);
        }
        for (int ri = 0; ri < nIn; ri++) {
            st.baby()[ri] = babySteps(inRegs[ri], pair[ri], geo);
            if (inputOuter) {
                for (int ro = 0; ro < nOut; ro++) {
                    em.target(targetOf.getOrDefault(outL.regAt(ro), -1));
                    products(ops, geo, st, ri, ro);
                }
            }
        }
        for (int ro = 0; ro < nOut; ro++) {
            em.target(targetOf.getOrDefault(outL.regAt(ro), -1));
            if (!inputOuter) {
                for (int ri = 0; ri < nIn; ri++) {
                    products(ops, geo, st, ri, ro);
                }
            }
            // Giant steps: each diagonal's degree-2 sum rotated by d*B into place; one rescale and the bias.
            int out = outL.regAt(ro);
            giantSteps(em, n, ro, out, st.acc()[ro], st.started()[ro], ctx.blockSize());
            em.target(-1);
            em.rescale(out);
            em.emit(OpCode.ADD_PLAIN, out, out, em.pt(new Plaintext.ConvBias(n.id(), inLid, outLid, inAff, fold, ro)),
                    em.depth(out));
        }
        return outL;
    }

    /**
     * {@code out = sum_d rot(acc[d], d*B)} over the started diagonals, {@code acc[0]} being {@code out} itself. When
     * the started diagonals above 0 are exactly {@code 1..D}, Horner's scheme {@code rot(rot(acc[D], B) + acc[D-1],
     * B) + ...} needs the same D rotations but one Galois key (B) instead of D; otherwise each diagonal is rotated by
     * its own step {@code d*B}.
     */
    static void giantSteps(Emitter em, LoweredNet.Node n, int ro, int out, int[] acc, boolean[] started, int b) {
        int top = 0;
        int count = 0;
        for (int d = 1; d < started.length; d++) {
            if (started[d]) {
                top = d;
                count++;
            }
        }
        if (!started[0] && count == 0) {
            throw new HeCompileException(n.name() + ": output register " + ro + " receives no product");
        }
        if (count >= 2 && count == top) {
            int t = acc[top];
            for (int d = top - 1; d >= 1; d--) {
                int r = em.rotate(t, b);
                int sum = em.newReg(em.depth(r));
                em.emit(OpCode.ADD, sum, r, acc[d], em.depth(r));
                t = sum;
            }
            if (started[0]) {
                int r = em.rotate(t, b);
                em.emit(OpCode.ADD, out, out, r, em.depth(out));
            } else {
                em.rotateInto(out, t, b);
            }
            return;
        }
        boolean outStarted = started[0];
        for (int d = 1; d < started.length; d++) {
            if (!started[d]) {
                continue;
            }
            if (!outStarted) {
                em.rotateInto(out, acc[d], d * b);
                outStarted = true;
            } else {
                int r = em.rotate(acc[d], d * b);
                em.emit(OpCode.ADD, out, out, r, em.depth(out));
            }
        }
    }

    private int offsetStep(int ky, int kx, int pad, int gap) {
        return Math.floorMod(((ky - pad) * ctx.w0() + (kx - pad)) * gap, ctx.slots());
    }

    /**
     * Rotations of input register {@code rin} by every valid kernel offset (index ky*k+kx; -1 = unused). A kernel
     * with valid taps off both the center row and the center column rotates in two hoisted levels: first by the
     * column offsets {@code dx*g} and the row offsets {@code dy*g*W0} of the center column (one decomposition of the
     * input), then each column rotation by the row offsets (one decomposition per column). The count is the same as
     * rotating by every 2-D offset ({@code valid taps - 1}), but the Galois keys drop from {@code k^2 - 1} to
     * {@code 2(k - 1)}, shared by every layer with the same gap.
     */
    private int[] babySteps(int rin, boolean[][] pairsOfInput, Geometry geo) {
        int k = geo.k();
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
        int pad = geo.pad();
        int offRow = 0;
        int offCol = 0;
        for (int t = 0; t < k; t++) {
            offRow += geo.validY()[t] && t != pad ? 1 : 0;
            offCol += geo.validX()[t] && t != pad ? 1 : 0;
        }
        if (offRow > 0 && offCol > 0 && distinctSteps(geo)) {
            // Level 1 from the input: the center row (dy = 0) and the center column (dx = 0).
            int[] first = new int[offRow + offCol];
            int f = 0;
            for (int kx = 0; kx < k; kx++) {
                if (geo.validX()[kx] && kx != pad) {
                    first[f++] = ky0(kx, geo);
                }
            }
            for (int ky = 0; ky < k; ky++) {
                if (geo.validY()[ky] && ky != pad) {
                    first[f++] = ky * k + pad;
                }
            }
            baby[pad * k + pad] = rin;
            rotateGroup(rin, first, baby, geo);
            // Level 2 from each off-center column rotation: its off-center rows.
            for (int kx = 0; kx < k; kx++) {
                if (!geo.validX()[kx] || kx == pad) {
                    continue;
                }
                int[] second = new int[offRow];
                int sIdx = 0;
                for (int ky = 0; ky < k; ky++) {
                    if (geo.validY()[ky] && ky != pad) {
                        second[sIdx++] = ky * k + kx;
                    }
                }
                int src = baby[pad * k + kx];
                int[] rows = new int[second.length];
                for (int i = 0; i < rows.length; i++) {
                    rows[i] = offsetStep(second[i] / k, pad, pad, geo.gap());
                }
                hoisted(src, rows, second, baby);
            }
            return baby;
        }
        int rotations = 0;
        for (int ky = 0; ky < k; ky++) {
            for (int kx = 0; kx < k; kx++) {
                if (geo.validY()[ky] && geo.validX()[kx] && offsetStep(ky, kx, pad, geo.gap()) != 0) {
                    rotations++;
                }
            }
        }
        if (rotations >= 2) {
            em.hoist(rin);
        }
        for (int ky = 0; ky < k; ky++) {
            for (int kx = 0; kx < k; kx++) {
                int step = offsetStep(ky, kx, pad, geo.gap());
                if (geo.validY()[ky] && geo.validX()[kx]) {
                    baby[ky * k + kx] = step == 0 ? rin
                            : rotations >= 2 ? em.rotateHoisted(rin, step) : em.rotate(rin, step);
                }
            }
        }
        return baby;
    }

    /** Tap index of column {@code kx} in the center row. */
    private static int ky0(int kx, Geometry geo) {
        return geo.pad() * geo.k() + kx;
    }

    /** Rotates {@code src} to each tap of {@code taps} by its kernel offset (hoisted when two or more). */
    private void rotateGroup(int src, int[] taps, int[] baby, Geometry geo) {
        int[] steps = new int[taps.length];
        for (int i = 0; i < taps.length; i++) {
            steps[i] = offsetStep(taps[i] / geo.k(), taps[i] % geo.k(), geo.pad(), geo.gap());
        }
        hoisted(src, steps, taps, baby);
    }

    private void hoisted(int src, int[] steps, int[] taps, int[] baby) {
        if (steps.length >= 2) {
            em.hoist(src);
        }
        for (int i = 0; i < steps.length; i++) {
            baby[taps[i]] = steps.length >= 2 ? em.rotateHoisted(src, steps[i]) : em.rotate(src, steps[i]);
        }
    }

    /** Whether every off-center row and column offset is a non-zero step (always, unless the ring is tiny). */
    private boolean distinctSteps(Geometry geo) {
        for (int t = 0; t < geo.k(); t++) {
            if (t != geo.pad() && (offsetStep(t, geo.pad(), geo.pad(), geo.gap()) == 0
                    || offsetStep(geo.pad(), t, geo.pad(), geo.gap()) == 0)) {
                return false;
            }
        }
        return true;
    }

    /** The products of input register ri into the accumulators of output register ro, every diagonal. */
    private void products(Operands ops, Geometry geo, State st, int ri, int ro) {
        int k = geo.k();
        for (int d = 0; d < perCt; d++) {
            if (!st.pair()[ri][ro][d]) {
                continue;
            }
            for (int ky = 0; ky < k; ky++) {
                for (int kx = 0; kx < k; kx++) {
                    int src = st.baby()[ri][ky * k + kx];
                    if (src < 0) {
                        continue;
                    }
                    if (st.acc()[ro][d] < 0) {
                        st.acc()[ro][d] = em.newReg(em.depth(src));
                    }
                    int pt = em.pt(new Plaintext.ConvWeights(ops.node().id(), ops.inLayout(), ops.outLayout(),
                            ops.inAffine(), ops.fold(), ro, ri, d, ky, kx, ops.period()));
                    em.accumulate(st.started()[ro], d, st.acc()[ro][d], src, pt,
                            perCt == 1 && geo.fullY()[ky] && geo.fullX()[kx]);
                }
            }
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
}
