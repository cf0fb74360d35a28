package io.henas.he;

import io.henas.ir.LoweredNet;
import io.henas.ir.NetFold;
import io.henas.ir.Op;
import io.henas.ir.Shape;

/**
 * Compiles a {@link LoweredNet} to an {@link HePlan}. The network is first folded by {@link NetFold} (the one
 * batch-norm fold export uses too), so the plan is always that of the folded network ({@link HePlan#net()}).
 *
 * <p><b>Layout.</b> Every channel's map sits in one block of {@code B = max(nextPow2(H0*W0), N/2 / maxChannels)}
 * slots; {@code P = N/2 / B} channels share a ciphertext (see {@link Layout}). Strides and pooling keep the grid and
 * grow the gap between valid slots. Only valid slots are meaningful; each consumer masks the rest.
 *
 * <p><b>Operations.</b>
 * <ul>
 *   <li>k x k convolution, baby-step giant-step: each input ciphertext is rotated once per kernel offset by
 *       {@code ((ky-pad)*W0 + (kx-pad)) * gap}, in two hoisted levels (the centre row and column from the input,
 *       then each off-centre column by the off-centre row offsets) so the Galois keys are the {@code 2(k-1)} row and
 *       column offsets rather than the {@code k^2-1} 2-D ones; for each output ciphertext and block
 *       diagonal d (output block j meets input block j + d), the rotated inputs are multiplied by masked weight
 *       plaintexts (pre-rotated by {@code d*B}) and accumulated, the sum is rotated by {@code d*B} (before rescaling)
 *       and added, by Horner's scheme when the diagonals are 0..D (D rotations by B: one Galois key); one rescale
 *       and a bias plaintext per output ciphertext. Rotations: {@code inCts*(k^2-1) + outCts*(diagonals-1)}; Galois
 *       keys: the 2(k-1) offsets plus B (plus d*B for sparse diagonals). A single input ciphertext with
 *       {@code C <= P/2} channels is first replicated into every block group (log2(P/C') rotations by C'B, 2C'B, ..., C' =
 *       nextPow2(C)) so that only C' diagonals remain. With one channel per ciphertext, taps that never touch padding are
 *       constants (MUL_CONST): pointwise convolutions become constant-weighted sums. Depthwise convolution uses only
 *       the diagonals that pair a channel with itself.</li>
 *   <li>Average pooling and global average pooling: strided rotate-and-sum (binary doubling, about
 *       {@code 2 log2 k} rotations per direction), the {@code 1/k^2} folded into the next layer (merge) or a
 *       MUL_CONST (no merge).</li>
 *   <li>Dense over a {@code C x 1 x 1} map (after global pooling): exactly a 1x1 convolution (above), the units
 *       packed P to a ciphertext. Dense over a larger map: block-diagonal baby-step giant-step as for a convolution
 *       (units packed P to a ciphertext), then one rotate-and-sum over the valid pixels of all blocks at once
 *       ({@link DenseLowering}); with one channel per ciphertext, per unit: masked products over the input
 *       ciphertexts, one rescale, rotate-and-sum into slot 0 of its own ciphertext.</li>
 *   <li>Square: MUL_CT + RELINEARIZE + RESCALE (one level). POLY2 merged: {@code s * (s + B'/A')} (one level),
 *       {@code A'} and {@code C'} left pending for the next linear layer (weights and per-position bias, exact at the
 *       padded borders). POLY2 unmerged: x^2, then {@code a x^2} and {@code b x} (two levels), plus c.</li>
 *   <li>Batch-norm: one after a linear layer was folded into it by {@link NetFold} before compiling; the others are
 *       left pending when merging, otherwise a multiply (one level) and an add.</li>
 *   <li>Concat: no operation (the channel tables are concatenated, levels aligned with DROP_LEVEL). Residual add:
 *       merged, a linear branch is expressed relative to the other branch's pending affine so no level is spent;
 *       otherwise pending affines are materialized (one level); levels are aligned with DROP_LEVEL.</li>
 * </ul>
 *
 * <p><b>Multiplexed packing</b> ({@link Packing#MULTIPLEXED}, plan version 2): a strided convolution whose
 * consumers are (through activations and batch-norms) only convolutions and dense layers writes its output with
 * several channels interleaved in the gaps of each block, and such convolutions are lowered by
 * {@link PackedConvLowering}: one masked product per distinct slot shift between an input and an output ciphertext.
 *
 * <p><b>Passes.</b> This class only fixes the packing and walks the nodes in order; {@link FusionPass} takes the
 * merging decisions around each linear layer, {@link ConvLowering}, {@link DenseLowering} and
 * {@link ElementwiseLowering} lower the nodes, and the {@link Emitter} owns the instruction buffer, the registers
 * (depths, scale tags), the plaintext and scalar pools and the Galois steps; {@link NodeValues} holds each node's
 * layout, pending affine and depth. They share one {@link CompileContext}.
 */
final class HeCompiler {
    private final CompileContext ctx;
    private final ElementwiseLowering elementwise;
    private final ConvLowering conv;
    private final PackedConvLowering packed;

    private HeCompiler(LoweredNet net, CompileOptions opts, int logN, Packing packing) {
        int slots = 1 << (logN - 1);
        Shape in = net.node(0).shape();
        int minBlock = packing.batch() ? 1 : minBlock(net);
        if (minBlock > slots) {
            throw new HeCompileException("the " + in.height() + "x" + in.width() + " input map needs blocks of " + minBlock
                    + " slots, but N = 2^" + logN + " has only " + slots + " slots per ciphertext");
        }
        int p = packing.batch() ? 1 : slots / minBlock;
        if (opts.maxChannelsPerCiphertext() > 0 && !packing.batch()) {
            p = Math.min(p, Integer.highestOneBit(opts.maxChannelsPerCiphertext()));
        }
        Emitter em = new Emitter(slots);
        this.ctx = new CompileContext(net, opts, packing, logN, slots, slots / p, p, in.width(), em,
                new NodeValues(net.nodes().size(), em));
        this.elementwise = new ElementwiseLowering(ctx);
        this.conv = new ConvLowering(ctx);
        this.packed = new PackedConvLowering(ctx);
    }

    static int minBlock(LoweredNet net) {
        Shape in = net.node(0).shape();
        int hw = in.height() * in.width();
        return hw <= 1 ? 1 : Integer.highestOneBit(hw - 1) << 1;
    }

    /** Compiles at {@code logN} without the 128-bit check (simulation and tests only). */
    static HePlan compileInsecure(LoweredNet net, CompileOptions opts, int logN) {
        return compileInsecure(net, opts, logN, Packing.CURRENT);
    }

    static HePlan compileInsecure(LoweredNet unfolded, CompileOptions opts, int logN, Packing packing) {
        LoweredNet net = NetFold.of(unfolded).net();
        HePlan p = new HeCompiler(net, opts, logN, packing).run();
        return packing != Packing.MULTIPLEXED ? p : cheaper(p, () -> new HeCompiler(net, opts, logN, Packing.BLOCKS).run());
    }

    static HePlan compile(LoweredNet unfolded, CompileOptions opts, Packing packing) {
        LoweredNet net = NetFold.of(unfolded).net();
        HePlan p = compileWith(net, opts, packing);
        return packing != Packing.MULTIPLEXED ? p : cheaper(p, () -> compileWith(net, opts, Packing.BLOCKS));
    }

    /**
     * The multiplexed plan {@code mux}, or the block-packed one when multiplexing saves nothing by
     * {@link #costProxy} (e.g. a multiplexed layer whose consumer has few channels: more rotations, same products) or
     * needs more than {@code 2s + 32} Galois keys for the block-packed plan's {@code s} (key memory).
     * Deterministic, so a model exported with the multiplexed packing recompiles to the same plan.
     */
    private static HePlan cheaper(HePlan mux, java.util.function.Supplier<HePlan> blocks) {
        if (mux.layouts().stream().noneMatch(Layout::multiplexed)) {
            return mux; // identical to the block-packed plan
        }
        HePlan b = blocks.get();
        boolean keysBounded = mux.galoisSteps().length <= 2 * b.galoisSteps().length + 32;
        return keysBounded && costProxy(mux) < costProxy(b) ? mux : b;
    }

    /**
     * A static latency proxy in units of one NTT of one limb, from the instruction counts and levels: a key switch
     * (rotation, relinearization) decomposes its operand ({@code L(L+1)} NTTs for L limbs, digit size 1) and mods down
     * ({@code ~4L}); a hoisted rotation only mods down and takes the key inner product; a plaintext product or
     * addition is a pointwise pass (a fraction of an NTT per limb). Only used to compare two plans of one network.
     */
    static double costProxy(HePlan p) {
        double c = 0;
        for (int i = 0; i < p.instructionCount(); i++) {
            int l = p.level(i) + 1;
            c += switch (p.op(i)) {
                case ROTATE, RELINEARIZE -> l * (l + 1.0) + 4.0 * l + 0.3 * l * (l + 1);
                case HOIST -> l * (l + 1.0);
                case ROTATE_HOISTED -> 4.0 * l + 0.3 * l * (l + 1);
                case MUL_PLAIN, MUL_PLAIN_ACC -> 0.5 * l;
                case MUL_CONST, ADD, ADD_PLAIN, DROP_LEVEL -> 0.15 * l;
                case MUL_CONST_ACC -> 0.3 * l;
                case MUL_CT -> 0.6 * l;
                case RESCALE -> 2.0 * l;
            };
        }
        return c;
    }

    private static HePlan compileWith(LoweredNet net, CompileOptions opts, Packing packing) {
        int minBlock = packing.batch() ? 1 : minBlock(net);
        if (opts.logN() != 0) {
            HePlan plan = new HeCompiler(net, opts, opts.logN(), packing).run();
            if (!ParameterSelector.fits(opts.logN(), plan.depth(), minBlock, opts)) {
                throw new HeCompileException("depth " + plan.depth() + " needs log QP = " + plan.parameters().logQp()
                        + " bits, but 128-bit security at N = 2^" + opts.logN() + " allows at most "
                        + SecurityTable.maxLogQp128(opts.logN()));
            }
            return plan;
        }
        // The depth does not depend on the packing, so compile once at the largest ring to learn it.
        HePlan probe = new HeCompiler(net, opts, ParameterSelector.MAX_LOG_N, packing).run();
        int logN = ParameterSelector.smallestLogN(probe.depth(), minBlock, opts);
        return logN == ParameterSelector.MAX_LOG_N ? probe : new HeCompiler(net, opts, logN, packing).run();
    }

    private HePlan run() {
        if (ctx.packing().batch()) {
            return new BatchLowering(ctx).run();
        }
        LoweredNet net = ctx.net();
        for (LoweredNet.Node n : net.nodes()) {
            ctx.em().node(n.id());
            switch (n.op()) {
                case Op.Input i -> elementwise.input(n);
                case Op.Conv c -> linear(n);
                case Op.Dense d -> linear(n);
                case Op.BatchNorm b -> elementwise.batchNorm(n);
                case Op.Act a -> elementwise.act(n, a.kind());
                case Op.AvgPool p -> elementwise.pool(n, p.size(), p.size());
                case Op.GlobalAvgPool g -> elementwise.pool(n, ctx.inShape(n).height(), ctx.inShape(n).width());
                case Op.Concat c -> elementwise.concat(n);
                case Op.Add a -> elementwise.add(n);
            }
            ctx.values().finish(n.id(), n.inputs());
        }
        return new HePlan(net, ctx.opts(), ctx.packing(), ctx.logN(), ctx.blockSize(), ctx.w0(), ctx.em().program(),
                ctx.values().tables());
    }

    /** A convolution or dense layer, with its batch-norm chain and residual absorption when merging. */
    private void linear(LoweredNet.Node n) {
        NodeValues v = ctx.values();
        int in = n.inputs().getFirst();
        Layout inL = v.layoutOf(in);
        int inAff = v.affineId(in);
        FusionPass.Fusion f = FusionPass.fuse(ctx, n, inL);
        Layout placement = f.placeLike() >= 0 ? v.layoutOf(f.placeLike()) : null;
        Layout outL;
        if (n.op() instanceof Op.Dense d && inL.height() == 1 && inL.width() == 1) {
            // A dense layer over a C x 1 x 1 map is a 1x1 convolution: baby-step giant-step over the block
            // diagonals, the units packed P to a ciphertext.
            outL = conv.lower(n, new Op.Conv(d.units(), 1, 1, false), inL, inAff, f.fold(), placement);
        } else if (n.op() instanceof Op.Dense) {
            outL = DenseLowering.lower(ctx, n, inL, inAff, f.fold());
        } else {
            Op.Conv c = (Op.Conv) n.op();
            Layout mux = placement == null ? packed.multiplexedOutput(n, c, inL) : null;
            outL = mux != null || inL.multiplexed() ? packed.lower(n, c, inL, inAff, f.fold(), mux)
                    : conv.lower(n, c, inL, inAff, f.fold(), placement);
        }
        v.set(n.id(), v.layout(outL), v.identity(n.shape().channels()));
    }
}
