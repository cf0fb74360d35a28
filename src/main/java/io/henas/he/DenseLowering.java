package io.henas.he;

import io.henas.ir.LoweredNet;

/**
 * Lowers a dense layer over a map larger than {@code 1 x 1}. (Over a {@code C x 1 x 1} map the dense layer is a
 * 1x1 convolution, {@link ConvLowering}.)
 *
 * <p>Several channels per ciphertext: block-diagonal baby-step giant-step. The units are packed P to an output
 * ciphertext (unit u at block u mod P, slot 0). For each output ciphertext and block diagonal d, the masked products
 * of every input ciphertext with the weights of (unit at block j, input channel at block j + d) are accumulated;
 * each diagonal's sum is rotated by {@code d*B} and added (before the rescale); after the rescale, one
 * rotate-and-sum over the valid pixels of every block at once leaves each unit's sum at slot 0 of its block, plus
 * the bias. Because the products are zero outside the valid pixels, the pixel sums run over power-of-two extents
 * whenever that reads each valid pixel once and stays inside the block (log2 rotations per direction, steps
 * {@code 2^i * gap} and {@code 2^i * gap * W0}). Rotations: {@code outCts * (diagonals - 1 + pixel sums)} instead of
 * {@code units * (log2 blocks + pixel sums)}.
 *
 * <p>A multiplexed input (several channels per block, {@link Layout#sub}) is summed over one contiguous power-of-two
 * window per block instead ({@link #contiguousExtent}).
 *
 * <p>One channel per ciphertext: per unit, masked products over the input ciphertexts accumulated, one rescale, then
 * rotate-and-sum over the valid pixels into slot 0, plus the bias; unit u lands in its own ciphertext.
 */
final class DenseLowering {
    private DenseLowering() {
    }

    static Layout lower(CompileContext ctx, LoweredNet.Node n, Layout inL, int inAff, int fold) {
        return ctx.perCt() == 1 ? perUnit(ctx, n, inL, inAff, fold) : blockDiagonal(ctx, n, inL, inAff, fold);
    }

    private static Layout blockDiagonal(CompileContext ctx, LoweredNet.Node n, Layout inL, int inAff, int fold) {
        Emitter em = ctx.em();
        NodeValues v = ctx.values();
        int perCt = ctx.perCt();
        int units = n.shape().channels();
        int inLid = v.layoutId(n.inputs().getFirst());
        int depth = v.valueDepth(n.inputs().getFirst());
        int first = em.registerCount();
        for (int i = 0; i < (units + perCt - 1) / perCt; i++) {
            em.newReg(depth);
        }
        Layout outL = Layout.canonical(units, perCt, first, 1, 1, 1);
        int outLid = v.layout(outL);
        int nIn = inL.regCount();
        boolean[][] occupied = new boolean[nIn][perCt];
        for (int ch = 0; ch < inL.channels(); ch++) {
            occupied[inL.regIndex(inL.reg(ch))][inL.block(ch)] = true;
        }
        int[][] outT = outL.channelTable(perCt);
        int[] rows = inL.multiplexed() ? null : extents(ctx, inL);
        java.util.Map<Integer, Integer> rename = new java.util.HashMap<>();
        for (int ro = 0; ro < outL.regCount(); ro++) {
            int out = outL.regAt(ro);
            int[] acc = new int[perCt];
            boolean[] started = new boolean[perCt];
            acc[0] = out;
            for (int d = 0; d < perCt; d++) {
                for (int ri = 0; ri < nIn; ri++) {
                    if (!meets(occupied[ri], outT[ro], d, perCt)) {
                        continue;
                    }
                    if (d > 0 && !started[d]) {
                        acc[d] = em.newReg(depth);
                    }
                    int pt = em.pt(new Plaintext.DenseDiagWeights(n.id(), inLid, outLid, inAff, fold, ro, ri, d));
                    em.accumulate(started, d, acc[d], inL.regAt(ri), pt, false);
                }
            }
            ConvLowering.giantSteps(em, n, ro, out, acc, started, ctx.blockSize());
            em.rescale(out);
            int r;
            if (rows == null) {
                r = em.strideSum(out, contiguousExtent(ctx, inL), 1);
            } else {
                r = em.strideSum(out, rows[1], inL.gap());
                r = em.strideSum(r, rows[0], inL.gap() * ctx.w0());
            }
            em.emit(OpCode.ADD_PLAIN, r, r, em.pt(new Plaintext.DenseBlockBias(n.id(), inLid, outLid, inAff, fold, ro)),
                    em.depth(r));
            em.markDirty(r); // the pixel sums leave partial sums at the other slots of each block
            rename.put(out, r);
        }
        return outL.renamed(rename);
    }

    /**
     * For a multiplexed input: the power of two {@code >=} one past the last valid slot of any block, so one
     * contiguous rotate-and-sum over that many slots adds up every channel's pixels of the block (the products are
     * zero elsewhere, and the window stays inside the block).
     */
    static int contiguousExtent(CompileContext ctx, Layout l) {
        int last = 0;
        for (int ch = 0; ch < l.channels(); ch++) {
            last = Math.max(last, l.sub(ch) + l.offset(l.height() - 1, l.width() - 1, ctx.w0()));
        }
        return last == 0 ? 1 : Integer.highestOneBit(last) << 1;
    }

    /** Whether some block j pairs a unit of {@code out} with an input channel at block j + d. */
    private static boolean meets(boolean[] in, int[] out, int d, int perCt) {
        for (int j = 0; j < perCt; j++) {
            if (out[j] >= 0 && in[(j + d) % perCt]) {
                return true;
            }
        }
        return false;
    }

    /**
     * The row and column counts {@code {rows, cols}} the pixel sums run over: the map's height and width rounded up
     * to powers of two when the products are zero at the extra positions, every valid pixel is read exactly once and
     * the sums stay inside the block; else the exact height and width.
     */
    static int[] extents(CompileContext ctx, Layout l) {
        int h = l.height();
        int w = l.width();
        int hp = Integer.highestOneBit(h) == h ? h : Integer.highestOneBit(h) << 1;
        int wp = Integer.highestOneBit(w) == w ? w : Integer.highestOneBit(w) << 1;
        if (hp == h && wp == w) {
            return new int[]{h, w};
        }
        int b = ctx.blockSize();
        int[] seen = new int[b];
        for (int y = 0; y < hp; y++) {
            for (int x = 0; x < wp; x++) {
                long off = (long) y * l.gap() * ctx.w0() + (long) x * l.gap();
                if (off >= b) {
                    return new int[]{h, w};
                }
                seen[(int) off]++;
            }
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (seen[l.offset(y, x, ctx.w0())] != 1) {
                    return new int[]{h, w};
                }
            }
        }
        return new int[]{hp, wp};
    }

    private static Layout perUnit(CompileContext ctx, LoweredNet.Node n, Layout inL, int inAff, int fold) {
        Emitter em = ctx.em();
        NodeValues v = ctx.values();
        int units = n.shape().channels();
        int inLid = v.layoutId(n.inputs().getFirst());
        int depth = v.valueDepth(n.inputs().getFirst());
        int maxBlock = 0;
        for (int ch = 0; ch < inL.channels(); ch++) {
            maxBlock = Math.max(maxBlock, inL.block(ch));
        }
        int q = maxBlock == 0 ? 1 : Integer.highestOneBit(maxBlock) << 1; // blocks to sum: nextPow2(maxBlock + 1)
        boolean uniform = q == 1 && inL.height() == 1 && inL.width() == 1;
        int[] out = new int[units];
        int[] zero = new int[units];
        for (int u = 0; u < units; u++) {
            int acc = em.newReg(depth);
            boolean[] started = new boolean[1];
            for (int ri = 0; ri < inL.regCount(); ri++) {
                int pt = em.pt(new Plaintext.DenseWeights(n.id(), inLid, inAff, fold, u, ri));
                em.accumulate(started, 0, acc, inL.regAt(ri), pt, uniform);
            }
            em.rescale(acc);
            for (int m = 1; m < q; m *= 2) {
                int t = em.rotate(acc, m * ctx.blockSize());
                em.emit(OpCode.ADD, acc, acc, t, em.depth(acc));
            }
            int r = em.strideSum(acc, inL.width(), inL.gap());
            r = em.strideSum(r, inL.height(), inL.gap() * ctx.w0());
            em.emit(OpCode.ADD_PLAIN, r, r, em.pt(new Plaintext.DenseBias(n.id(), inLid, inAff, fold, u)), em.depth(r));
            em.markDirty(r); // the block sums leave partial sums at the other blocks' valid slots
            out[u] = r;
        }
        return new Layout(out, zero, 1, 1, 1);
    }
}
