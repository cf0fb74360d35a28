package io.henas.he;

import static io.henas.he.TestNets.arch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.henas.ir.ActivationKind;
import io.henas.ir.Architecture;
import io.henas.ir.Layer;
import io.henas.ir.LoweredNet;
import io.henas.ir.Shape;

class HePlanTest {
    static final ActivationKind SQ = ActivationKind.SQUARE;
    static final ActivationKind P2 = ActivationKind.POLY2;

    /** conv3 [bn] act pool conv3 [bn] act gap dense. */
    static Architecture small(ActivationKind act, boolean bn) {
        List<Layer> l = new ArrayList<>();
        l.add(new Layer.Conv(4, 3, 1));
        if (bn) {
            l.add(new Layer.BatchNorm());
        }
        l.add(new Layer.Activation(act));
        l.add(new Layer.AvgPool(2));
        l.add(new Layer.Conv(6, 3, 1));
        if (bn) {
            l.add(new Layer.BatchNorm());
        }
        l.add(new Layer.Activation(act));
        l.add(new Layer.GlobalAvgPool());
        l.add(new Layer.Dense(3));
        return new Architecture("small", new Shape(1, 8, 8), 3, l);
    }

    /**
     * Hand-computed depths. Merged: each conv/dense 1, each activation 1, pooling/bn 0 = 5. Unmerged: pooling and gap
     * cost a multiply each, POLY2 costs 2, a batch-norm after a convolution is folded into it before compiling (the
     * one fold export uses too): square 7, square+bn 7, poly2 9, poly2+bn 9.
     */
    @ParameterizedTest
    @CsvSource({"SQUARE,false,true,5", "SQUARE,true,true,5", "POLY2,false,true,5", "POLY2,true,true,5",
            "SQUARE,false,false,7", "SQUARE,true,false,7", "POLY2,false,false,9", "POLY2,true,false,9"})
    void depthMatchesHandCount(ActivationKind act, boolean bn, boolean merge, int depth) {
        HePlan p = HePlan.compile(small(act, bn).lower(), CompileOptions.defaults(merge));
        assertEquals(depth, p.depth());
        assertEquals(depth, p.parameters().depth());
    }

    @Test
    void levelsPerNodeMatchHandCount() {
        LoweredNet net = small(P2, true).lower();
        HePlan on = HePlan.compile(net, CompileOptions.defaults(true));
        HePlan off = HePlan.compile(net, CompileOptions.defaults(false));
        // the plans' (folded) nodes: input, conv (bn folded), act, pool, conv (bn folded), act, gap, dense
        assertEquals(on.net(), off.net());
        assertEquals(net.nodes().size() - 2, on.net().nodes().size());
        int[] merged = {0, 1, 1, 0, 1, 1, 0, 1};
        int[] unmerged = {0, 1, 2, 1, 1, 2, 1, 1};
        for (int i = 0; i < on.net().nodes().size(); i++) {
            assertEquals(merged[i], on.nodeLevels(i), "merged " + on.net().node(i).name());
            assertEquals(unmerged[i], off.nodeLevels(i), "unmerged " + on.net().node(i).name());
        }
    }

    /**
     * HEMET layout (one channel per ciphertext), 3x8x8 -> conv 3x3 to 4 -> square -> gap -> dense 3, counted by hand:
     * conv 3*4*9 = 108 products, of which the 3*4 centre taps never touch padding (MUL_CONST), 8 rotations per input
     * in two hoisted levels (centre row and column from the input, then each off-centre column by the 2 off-centre
     * rows: 3 hoists per input, 9 in all), 108 - 4 accumulating adds, 4 rescales and 4 bias adds; square 4 x (MUL_CT, RELINEARIZE, RESCALE);
     * gap log2(8) + log2(8) = 6 rotations and adds per channel; dense 3 x 4 constant products, 3 x 3 adds, 3 rescales,
     * 3 biases.
     */
    @Test
    void opCountsMatchHandCountOneChannelPerCiphertext() {
        Architecture a = arch("t", new Shape(3, 8, 8), 3, new Layer.Conv(4, 3, 1), new Layer.Activation(SQ),
                new Layer.GlobalAvgPool(), new Layer.Dense(3));
        HePlan p = HePlan.compile(a.lower(), CompileOptions.defaults(true).withMaxChannelsPerCiphertext(1));
        OpCounts c = OpCounts.of(p);
        assertEquals(1, p.blocksPerCiphertext());
        assertEquals(3, p.depth());
        assertEquals(24, c.total(OpKind.ROTATE));
        assertEquals(9, c.total(OpKind.HOIST));
        assertEquals(24, c.total(OpKind.ROTATE_HOISTED));
        assertEquals(96, c.plainProducts());
        assertEquals(4, c.total(OpKind.MUL_PLAIN), "one product opens each output channel's accumulation");
        assertEquals(12 + 12, c.total(OpKind.MUL_CONST));
        assertEquals(4, c.total(OpKind.MUL_CT));
        assertEquals(4, c.total(OpKind.RELINEARIZE));
        assertEquals(4 + 4 + 3, c.total(OpKind.RESCALE));
        // 104 additions in the conv, 92 of them fused into its accumulating products
        assertEquals(92, c.total(OpKind.MUL_PLAIN_ACC));
        assertEquals(104 - 92 + 24 + 9, c.total(OpKind.ADD));
        assertEquals(4 + 3, c.total(OpKind.ADD_PLAIN));
        assertEquals(0, c.total(OpKind.DROP_LEVEL));
        assertEquals(96 + 4 + 3, c.total(OpKind.ENCODE)); // one per plaintext vector operand
        // the conv runs at the top level, the dense at level 1
        assertEquals(96, c.totalAt(OpKind.MUL_PLAIN, 3) + c.totalAt(OpKind.MUL_PLAIN_ACC, 3));
        assertEquals(12, c.totalAt(OpKind.MUL_CONST, 1));
    }

    /** HEMET's conv1 (3 -> 64, 3x3 on 32x32, one channel per ciphertext): 1,728 products, 3 x 8 rotations. */
    @Test
    void hemetConv1Counts() {
        Architecture a = arch("c1", new Shape(3, 32, 32), 10, new Layer.Conv(64, 3, 1), new Layer.Activation(SQ),
                new Layer.GlobalAvgPool(), new Layer.Dense(10));
        HePlan p = HePlan.compile(a.lower(), CompileOptions.defaults(true).withMaxChannelsPerCiphertext(1));
        OpCounts c = OpCounts.of(p);
        int conv = 1;
        long products = c.plainProducts(conv) + c.count(conv, OpKind.MUL_CONST);
        assertEquals(1728, products);
        assertEquals(24, c.count(conv, OpKind.ROTATE_HOISTED));
    }

    /**
     * Dense over a 6 x 7 x 7 map at gap 2 (N = 2^12, P = 8 blocks of 256 slots): the 5 units share one output
     * ciphertext; 8 block diagonals (8 products, 7 giant-step rotations, Horner's scheme: all by B = 256), then one
     * pixel sum for all units over 8 x 8 (the products vanish off the valid pixels, so log2 8 rotations per direction
     * instead of 4): 13 rotations (one unit per ciphertext would need 5 x (3 + 4 + 4) = 55), 1 + 6 Galois steps.
     */
    @Test
    void denseOverMapIsBlockDiagonalWithPowerOfTwoPixelSums() {
        Architecture a = arch("flat", new Shape(2, 14, 14), 5, new Layer.Conv(6, 3, 2), new Layer.Activation(SQ),
                new Layer.Dense(5));
        HePlan p = HePlan.compileInsecure(a.lower(), CompileOptions.defaults(true), 12);
        assertEquals(8, p.blocksPerCiphertext());
        OpCounts c = OpCounts.of(p);
        int dense = 3;
        assertEquals(8, c.plainProducts(dense));
        assertEquals(13, c.count(dense, OpKind.ROTATE));
        assertEquals(1, p.outputLayout().regCount());
        java.util.Set<Integer> steps = new java.util.TreeSet<>();
        for (int i = 0; i < p.instructionCount(); i++) {
            if (p.node(i) == dense && p.op(i) == OpCode.ROTATE) {
                steps.add(p.b(i));
            }
        }
        assertEquals(java.util.Set.of(256, 2, 4, 8, 28, 56, 112), steps);
    }

    /** Packing several channels per ciphertext divides the products by about the channels per ciphertext. */
    @Test
    void packingReducesProducts() {
        Architecture a = arch("c1", new Shape(8, 8, 8), 4, new Layer.Conv(8, 3, 1), new Layer.Activation(SQ),
                new Layer.GlobalAvgPool(), new Layer.Dense(4));
        HePlan one = HePlan.compile(a.lower(), CompileOptions.defaults(true).withMaxChannelsPerCiphertext(1));
        HePlan eight = HePlan.compile(a.lower(), CompileOptions.defaults(true).withMaxChannelsPerCiphertext(8));
        long p1 = OpCounts.of(one).plainProducts(1) + OpCounts.of(one).count(1, OpKind.MUL_CONST);
        long p8 = OpCounts.of(eight).plainProducts(1) + OpCounts.of(eight).count(1, OpKind.MUL_CONST);
        assertEquals(8 * 8 * 9, p1);
        assertEquals(8 * 9, p8); // one input and one output ciphertext, 8 diagonals x 9 taps
        assertEquals(one.depth(), eight.depth());
    }

    /**
     * One input channel, 8 outputs in one ciphertext of P = 64 blocks (8x8 maps, N = 2^13): the input is replicated
     * into every block (log2 64 = 6 rotations), so one diagonal suffices: 9 products and 8 kernel-offset rotations,
     * no giant steps (without replication: 8 diagonals, 72 products, 7 giant steps).
     */
    @Test
    void singleChannelInputIsReplicatedAcrossBlocks() {
        Architecture a = arch("rep", new Shape(1, 8, 8), 8, new Layer.Conv(8, 3, 1), new Layer.GlobalAvgPool());
        HePlan p = HePlan.compile(a.lower(), CompileOptions.defaults(true).withLogN(13));
        assertEquals(64, p.blocksPerCiphertext());
        OpCounts c = OpCounts.of(p);
        assertEquals(9, c.plainProducts(1));
        assertEquals(8, c.count(1, OpKind.ROTATE_HOISTED));
        assertEquals(6, c.count(1, OpKind.ROTATE));
    }

    @Test
    void galoisStepsAreTheRotationsUsed() {
        HePlan p = HePlan.compile(small(SQ, false).lower(), CompileOptions.defaults(true));
        java.util.Set<Integer> used = new java.util.TreeSet<>();
        for (int i = 0; i < p.instructionCount(); i++) {
            if (p.op(i) == OpCode.ROTATE || p.op(i) == OpCode.ROTATE_HOISTED) {
                used.add(p.b(i));
            }
        }
        assertEquals(List.copyOf(used), p.parameters().galoisSteps());
        assertTrue(used.stream().allMatch(s -> s > 0 && s < p.slots()));
    }

    @Test
    void residualAddAlignsLevelsWithDrops() {
        Architecture a = arch("ir", new Shape(4, 8, 8), 3, new Layer.Conv(4, 3, 1), new Layer.Activation(SQ),
                new Layer.InvertedResidual(4, 2, 3, 1, SQ, true, true), new Layer.GlobalAvgPool(), new Layer.Dense(3));
        LoweredNet net = a.lower();
        HePlan on = HePlan.compile(net, CompileOptions.defaults(true));
        // conv 1 + act 1 + (expand 1 + act 1 + depthwise 1 + act 1 + project 1) + dense 1
        assertEquals(8, on.depth());
        OpCounts c = OpCounts.of(on);
        int add = -1;
        for (LoweredNet.Node n : on.net().nodes()) {
            if (n.name().endsWith(".add")) {
                add = n.id();
            }
        }
        assertEquals(0, on.nodeLevels(add));
        assertTrue(c.count(add, OpKind.DROP_LEVEL) > 0, "the skip branch must be dropped 5 levels");
    }

    @Test
    void tooDeepNetworkIsRejectedNamingTheDepth() {
        List<Layer> l = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            l.add(new Layer.PointwiseConv(2));
            l.add(new Layer.Activation(SQ));
        }
        l.add(new Layer.GlobalAvgPool());
        Architecture a = new Architecture("deep", new Shape(2, 4, 4), 2, l);
        HeCompileException e = assertThrows(HeCompileException.class,
                () -> HePlan.compile(a.lower(), CompileOptions.defaults(true)));
        assertTrue(e.getMessage().contains("depth 60"), e.getMessage());
    }

    @Test
    void chosenParametersAreSecureAndSmallest() {
        for (Architecture a : PlanSimulatorTest.nets()) {
            for (boolean merge : new boolean[]{true, false}) {
                HePlan p = HePlan.compile(a.lower(), CompileOptions.defaults(merge));
                HeParameters hp = p.parameters();
                assertTrue(hp.logQp() <= SecurityTable.maxLogQp128(hp.logN()), a.name() + ": " + hp);
                assertTrue(hp.securityBits() >= 128, a.name() + ": " + hp);
                assertEquals(p.depth() + 1, hp.primeBits().size());
                if (hp.logN() > ParameterSelector.MIN_LOG_N) {
                    assertTrue(!ParameterSelector.fits(hp.logN() - 1, p.depth(), HeCompiler.minBlock(a.lower()),
                            CompileOptions.defaults(merge)), a.name() + " could use a smaller ring: " + hp);
                }
            }
        }
    }

    @Test
    void compilationIsDeterministicAndOptionsRoundTrip() {
        LoweredNet net = small(P2, true).lower();
        CompileOptions o = CompileOptions.defaults(true);
        HePlan a = HePlan.compile(net, o);
        HePlan b = HePlan.compile(net, CompileOptions.fromJson(o.toJson()));
        assertEquals(a.fingerprint(), b.fingerprint());
        HePlan c = HePlan.compile(net, CompileOptions.defaults(false));
        assertTrue(!a.fingerprint().equals(c.fingerprint()));
        assertEquals(a.parameters().logQp(), ((Number) a.parameters().toJson().get("log_qp")).intValue());
        assertThrows(IllegalArgumentException.class, () -> CompileOptions.fromJson(java.util.Map.of("merge", "yes")));
    }

    @Test
    void instructionsAreAnExecutableProgram() {
        HePlan p = HePlan.compile(small(P2, true).lower(), CompileOptions.defaults(true));
        // every register is written before it is read
        boolean[] written = new boolean[p.registerCount()];
        for (int k = 0; k < p.inputLayout().regCount(); k++) {
            written[p.inputLayout().regAt(k)] = true;
        }
        for (int i = 0; i < p.instructionCount(); i++) {
            if (p.a(i) >= 0) {
                assertTrue(written[p.a(i)], "instruction " + i + " reads unwritten register " + p.a(i));
            }
            if (p.dst(i) >= 0) {
                written[p.dst(i)] = true;
            }
            assertTrue(p.level(i) >= 0 && p.level(i) <= p.depth());
        }
    }
}
