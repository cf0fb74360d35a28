package io.henas.he;

/**
 * Describes one plaintext operand of an {@link HePlan}: which weights, channels, kernel offset and slot mask it holds.
 * {@link PlanBinding#slots(int)} builds its slot vector from (folded) {@link io.henas.ir.NetWeights}. Node fields are
 * node ids of the plan's {@link io.henas.ir.LoweredNet}; layouts and affines index {@link HePlan#layouts()} and
 * {@link HePlan#affines()}; register indices index a layout's distinct registers ({@link Layout#regAt}).
 */
public sealed interface Plaintext {

    /**
     * Convolution weights for one (output register, input register, block diagonal, kernel offset): in block
     * {@code j}, output channel {@code o} (of {@code outLayout}, register {@code outReg}) meets input channel
     * {@code i} at block {@code (j + diag) mod P} of input register {@code inReg}; the slot of output pixel
     * {@code (oy, ox)} holds {@code fold.a[o] * W[o][i][ky][kx] * in.a[i]} where the input pixel is inside the map, 0
     * elsewhere. The vector is pre-rotated: the value for output slot {@code t} sits at slot {@code t + diag * B}
     * (mod N/2), because the plan multiplies the kernel-offset rotation of the input first and rotates the sum of a
     * diagonal by {@code diag * B} afterwards (baby-step giant-step). {@code period > 0}: the input register was
     * replicated, so block {@code b} holds input channel {@code b mod period} (if that channel exists).
     */
    record ConvWeights(int node, int inLayout, int outLayout, int inAffine, int outFold, int outReg, int inReg, int diag,
                       int ky, int kx, int period) implements Plaintext {
    }

    /**
     * Weights of one slot shift of a convolution lowered by {@link PackedConvLowering} (see {@link ConvShifts}): for
     * every term (output channel o of register {@code outReg}, input channel i of register {@code inReg}, kernel
     * offset) whose shift is {@code (block, row, col)}, the slot of each output pixel whose input pixel is inside the
     * map holds {@code fold.a[o] * W[o][i][ky][kx] * in.a[i]}; every other slot 0. The plan rotates the input by the
     * baby step {@code babyRows * W0 + col} and the accumulated products by the giant step
     * {@code G = block * B + (row - babyRows) * W0}, so the vector is pre-rotated by G: the value for output slot
     * {@code t} sits at slot {@code t + G} (mod N/2). {@code period > 0}: the input register was replicated (block b
     * holds channel b mod period).
     */
    record PackedConvWeights(int node, int inLayout, int outLayout, int inAffine, int outFold, int outReg, int inReg,
                             int period, int block, int row, int col, int babyRows) implements Plaintext {
    }

    /**
     * Convolution bias (plus the folded input offsets, which depend on the padding) on output register outReg. Both
     * convolution kinds also serve a dense node over a {@code C x 1 x 1} map, read as a 1x1 convolution (its
     * {@code W[units][C]} has the same flat order as {@code [units][C][1][1]}).
     */
    record ConvBias(int node, int inLayout, int outLayout, int inAffine, int outFold, int outReg) implements Plaintext {
    }

    /** Dense weights of unit {@code unit} on the valid slots of input register {@code inReg}. */
    record DenseWeights(int node, int inLayout, int inAffine, int outFold, int unit, int inReg) implements Plaintext {
    }

    /** Dense bias of unit {@code unit} (plus folded input offsets), in slot 0. */
    record DenseBias(int node, int inLayout, int inAffine, int outFold, int unit) implements Plaintext {
    }

    /**
     * Dense weights for one (output register, input register, block diagonal): in block {@code j}, unit {@code u} (of
     * {@code outLayout}, register {@code outReg}) meets input channel {@code i} at block {@code (j + diag) mod P} of
     * input register {@code inReg}; the slot of input pixel {@code (y, x)} holds
     * {@code fold.a[u] * W[u][i][y][x] * in.a[i]}, every other slot 0. Pre-rotated by {@code diag * B} like
     * {@link ConvWeights}: the value for block {@code j} sits in block {@code j + diag}.
     */
    record DenseDiagWeights(int node, int inLayout, int outLayout, int inAffine, int outFold, int outReg, int inReg,
                            int diag) implements Plaintext {
    }

    /** Dense bias (plus folded input offsets) of the units of output register {@code outReg}, at slot 0 of each block. */
    record DenseBlockBias(int node, int inLayout, int outLayout, int inAffine, int outFold, int outReg)
            implements Plaintext {
    }

    /** Merged activation: {@code B'/A'} of activation node {@code node} given the input's pending affine. */
    record ActShift(int node, int layout, int inAffine, int reg) implements Plaintext {
    }

    /** The scale {@code a} of affine {@code affine} on the valid slots of register {@code reg} (materialization). */
    record AffineScale(int layout, int affine, int reg) implements Plaintext {
    }

    /** The offset {@code c} of affine {@code affine} on the valid slots of register {@code reg}. */
    record AffineShift(int layout, int affine, int reg) implements Plaintext {
    }

    /** Unmerged POLY2 coefficient {@code which} (one of a, b, c) of node {@code node} on register {@code reg}. */
    record PolyCoef(int node, int layout, int reg, char which) implements Plaintext {
    }

    /** One constant for every slot (MUL_CONST), e.g. 1/k^2 of an unmerged pooling. */
    record Scalar(double value) implements Plaintext {
    }

    /**
     * Batch packing ({@link Packing#BATCH}): one weight of convolution or dense node {@code node} as a constant,
     * {@code fold.a[out] * W * in.a[ch]}. Convolution: {@code in} is the weight's input index (within the group of a
     * depthwise convolution) and {@code (ky, kx)} the kernel offset; dense: {@code in} is the flat input index and
     * {@code ky = kx = 0}.
     */
    record BatchWeight(int node, int inAffine, int outFold, int out, int in, int ky, int kx) implements Plaintext {
    }

    /**
     * Batch packing: the constant added to output neuron {@code (out, y, x)} of convolution or dense node
     * {@code node}: {@code fold.a[out] * (bias + folded input offsets inside the map) + fold.c[out]}.
     */
    record BatchBias(int node, int inAffine, int outFold, int out, int y, int x) implements Plaintext {
    }

    /** Batch packing: the scale ({@code which = 'a'}) or offset ({@code 'c'}) of affine {@code affine} on a channel. */
    record BatchAffine(int affine, int channel, char which) implements Plaintext {
    }

    /** Batch packing: merged activation shift {@code B'/A'} of activation node {@code node} on one channel. */
    record BatchActShift(int node, int inAffine, int channel) implements Plaintext {
    }

    /**
     * Batch packing: half the merged activation shift, {@code B'/(2 A')}, of activation node {@code node} on one channel:
     * added in place to the activation's input so that a plain square {@code (s + B'/(2A'))^2} replaces
     * {@code s * (s + B'/A')} (see {@link Affine.ActOutCentered}).
     */
    record BatchCenterShift(int node, int inAffine, int channel) implements Plaintext {
    }

    /** Batch packing: unmerged POLY2 coefficient {@code which} (a, b, c) of node {@code node} on one channel. */
    record BatchPoly(int node, int channel, char which) implements Plaintext {
    }
}
