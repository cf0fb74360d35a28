package io.henas.he;

import io.henas.ir.LoweredNet;

/**
 * Lowers a dense layer over a map larger than {@code 1 x 1}: per unit, masked ct x pt products over the input
 * ciphertexts accumulated, one rescale, then rotate-and-sum over the occupied blocks and the valid pixels into slot
 * 0, plus the bias; unit u lands in its own ciphertext, slot 0. (Over a {@code C x 1 x 1} map the dense layer is a
 * 1x1 convolution, {@link ConvLowering}.)
 */
final class DenseLowering {
    private DenseLowering() {
    }

    static Layout lower(CompileContext ctx, LoweredNet.Node n, Layout inL, int inAff, int fold) {
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
