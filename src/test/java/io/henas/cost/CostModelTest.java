package io.henas.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.henas.he.CompileOptions;
import io.henas.he.HePlan;
import io.henas.he.OpCounts;
import io.henas.he.OpKind;
import io.henas.he.PlanBinding;
import io.henas.he.PlanSimulator;
import io.henas.he.TestNets;
import io.henas.ir.ActivationKind;
import io.henas.ir.Architecture;
import io.henas.ir.Layer;
import io.henas.ir.Shape;

class CostModelTest {
    static final ActivationKind SQ = ActivationKind.SQUARE;

    static Architecture small() {
        return TestNets.arch("small", new Shape(3, 8, 8), 3, new Layer.Conv(4, 3, 1), new Layer.BatchNorm(),
                new Layer.Activation(SQ), new Layer.AvgPool(2), new Layer.Conv(6, 3, 1), new Layer.Activation(SQ),
                new Layer.GlobalAvgPool(), new Layer.Dense(3));
    }

    /** A CIFAR SqueezeNet-sized network (HEMET/CHET style: conv, four Fire modules, final conv, pooling, x^2). */
    static Architecture squeezeNet() {
        return TestNets.arch("cifar-squeezenet", new Shape(3, 32, 32), 10,
                new Layer.Conv(64, 3, 1), new Layer.Activation(SQ), new Layer.AvgPool(2),
                new Layer.Fire(16, 64, 64, SQ, false), new Layer.Fire(16, 64, 64, SQ, false), new Layer.AvgPool(2),
                new Layer.Fire(32, 128, 128, SQ, false), new Layer.Fire(32, 128, 128, SQ, false),
                new Layer.Conv(10, 1, 1), new Layer.GlobalAvgPool());
    }

    /** Calibrated for SEAL's shape at the default ring degrees and for the shape of {@code small()}'s plan. */
    static CostModel calibrated() {
        List<ChainShape> shapes = new java.util.ArrayList<>(Calibrator.seal(Calibrator.DEFAULT_LOG_N));
        shapes.add(ChainShape.of(HePlan.compile(small().lower(), CompileOptions.defaults(true)).parameters()));
        Map<ChainShape, List<Integer>> levels = Calibrator.defaultLevels(shapes);
        return new CostModel(Calibrator.calibrate(new FakeMeasurer(), CalibrationCacheTest.KEY, levels));
    }

    @Test
    void latencyIsTheSumOfCountsTimesPerLevelLatency() {
        HePlan plan = HePlan.compile(small().lower(), CompileOptions.defaults(true));
        CostReport r = calibrated().estimate("small", plan);
        OpCounts c = OpCounts.of(plan);
        double want = 0;
        for (int n = 0; n < plan.net().nodes().size(); n++) {
            for (OpKind k : OpKind.values()) {
                for (int l = 0; l <= plan.depth(); l++) {
                    want += c.count(n, k, l) * FakeMeasurer.us(ChainShape.of(plan.parameters()), l, k) * 1e-6;
                }
            }
        }
        assertEquals(want, r.predictedLatencyS().getAsDouble(), want * 1e-6);
        double layerSum = r.layers().stream().mapToDouble(l -> l.latencyS().getAsDouble()).sum();
        assertEquals(want, layerSum, want * 1e-6);
        for (OpKind k : OpKind.values()) {
            assertEquals(c.total(k), r.total(k));
        }
    }

    /** {@link FakeMeasurer}'s times, each pass slowed by {@code speed[pass]} and one (kind, level) spoiled per pass. */
    static Calibration hostCalibration(HePlan plan, double[] speed, java.util.function.IntPredicate spoiled) {
        OpMeasurer m = new OpMeasurer() {
            @Override
            public double microseconds(ChainShape shape, int level, OpKind op) {
                throw new AssertionError("calibration must measure by pass");
            }

            @Override
            public double microseconds(ChainShape shape, int level, OpKind op, int pass) {
                double spike = op == OpKind.ROTATE && level == 1 && spoiled.test(pass) ? 20 : 1;
                return FakeMeasurer.us(shape, level, op) * speed[pass] * spike;
            }
        };
        return Calibrator.calibrate(m, CalibrationCacheTest.KEY,
                Calibrator.defaultLevels(List.of(ChainShape.of(plan.parameters()))));
    }

    /**
     * A host slow by 30% for four of the seven passes (as for four of seven shares of an interleaved run's images):
     * the plan is predicted at the slow speed, as the median image ran, not part of the way there; every pass's total
     * is reported, and the layers and op codes still add up to the total.
     */
    @Test
    void totalIsTheMedianOverPassesSoItFollowsAHostSlowForMostOfThem() {
        HePlan plan = HePlan.compile(small().lower(), CompileOptions.defaults(true));
        double steady = new CostModel(hostCalibration(plan, new double[] {1, 1, 1, 1, 1, 1, 1}, p -> false))
                .estimate("s", plan).predictedLatencyS().getAsDouble();
        double[] speed = {1, 1.3, 1.3, 1.3, 1.3, 1, 1};
        CostModel model = new CostModel(hostCalibration(plan, speed, p -> false));
        CostReport r = model.estimate("s", plan);
        assertEquals(1.3 * steady, r.predictedLatencyS().getAsDouble(), steady * 1e-6);
        double layerSum = r.layers().stream().mapToDouble(l -> l.latencyS().getAsDouble()).sum();
        assertEquals(1.3 * steady, layerSum, steady * 1e-6);
        double opSum = model.secondsByOpCode(plan).values().stream().mapToDouble(Double::doubleValue).sum();
        assertEquals(1.3 * steady, opSum, steady * 1e-6);
        List<Double> byPass = model.secondsByPass(plan);
        assertEquals(Calibrator.PASSES, byPass.size());
        for (int p = 0; p < byPass.size(); p++) {
            assertEquals(speed[p] * steady, byPass.get(p), steady * 1e-6, "pass " + p);
        }
    }

    /** A rotation level spoiled 20x in two passes moves neither the total nor a layer: the median pass is clean. */
    @Test
    void twoSpoiledPassesLeaveThePredictionAlone() {
        HePlan plan = HePlan.compile(small().lower(), CompileOptions.defaults(true));
        double[] one = {1, 1, 1, 1, 1, 1, 1};
        CostReport clean = new CostModel(hostCalibration(plan, one, p -> false)).estimate("s", plan);
        CostReport spoiled = new CostModel(hostCalibration(plan, one, p -> p == 2 || p == 5)).estimate("s", plan);
        double want = clean.predictedLatencyS().getAsDouble();
        assertEquals(want, spoiled.predictedLatencyS().getAsDouble(), want * 1e-6);
        for (int i = 0; i < clean.layers().size(); i++) {
            assertEquals(clean.layers().get(i).latencyS().getAsDouble(),
                    spoiled.layers().get(i).latencyS().getAsDouble(), want * 1e-6, clean.layers().get(i).name());
        }
    }

    @Test
    void preEncodedPlaintextsLeaveEncodingOutOfTheLatency() {
        HePlan plan = HePlan.compile(small().lower(), CompileOptions.defaults(true));
        Calibration cal = Calibrator.calibrate(new FakeMeasurer(), CalibrationCacheTest.KEY,
                Calibrator.defaultLevels(List.of(ChainShape.of(plan.parameters()))));
        double all = new CostModel(cal).estimate("s", plan).predictedLatencyS().getAsDouble();
        double pre = new CostModel(cal, true).estimate("s", plan).predictedLatencyS().getAsDouble();
        OpCounts c = OpCounts.of(plan);
        double enc = 0;
        for (int l = 0; l <= plan.depth(); l++) {
            enc += c.totalAt(OpKind.ENCODE, l) * FakeMeasurer.us(ChainShape.of(plan.parameters()), l, OpKind.ENCODE) * 1e-6;
        }
        assertTrue(enc > 0);
        assertEquals(all - enc, pre, all * 1e-9);
    }

    @Test
    void reportHasTheCliKeysAndLayerLevels() {
        CostReport r = calibrated().estimate(small(), true);
        Map<String, Object> j = r.toJson();
        for (String k : List.of("depth", "log_n", "log_qp", "security_bits", "predicted_latency_s", "key_bytes", "ops")) {
            assertTrue(j.containsKey(k), k);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> ops = (Map<String, Object>) j.get("ops");
        for (String k : List.of("rotations", "mul_plain", "mul_ct", "rescale", "add")) {
            assertTrue(ops.containsKey(k), k);
        }
        assertEquals(5, r.depth());
        // conv(+bn, folded before compiling: no layer of its own) 1, act 1, pool 0, conv 1, act 1, gap 0, dense 1
        assertEquals(List.of(1, 1, 0, 1, 1, 0, 1), r.layers().stream().map(CostReport.LayerCost::levels).toList());
        assertEquals(r.mulPlain(), ((Number) ops.get("mul_plain")).longValue());
        assertTrue(r.table().contains("total"));
        assertTrue(r.table().contains("layers[4]"));
    }

    @Test
    void uncalibratedModelReportsNoLatency() {
        CostReport r = CostModel.uncalibrated().estimate(small(), false);
        assertTrue(r.predictedLatencyS().isEmpty());
        assertNull(r.toJson().get("predicted_latency_s"));
        assertTrue(r.table().contains("not calibrated"));
        assertEquals(7, r.depth()); // 5 + the pool and gap multiplies (the bn is folded into the conv either way)
    }

    @Test
    void calibrationWithoutThePlansRingDegreeGivesNoLatency() {
        Calibration only15 = Calibrator.calibrate(new FakeMeasurer(), CalibrationCacheTest.KEY,
                java.util.Map.of(ChainShape.seal(15), List.of(1, 2)));
        CostReport r = new CostModel(only15).estimate(small(), true);
        assertEquals(13, r.logN());
        assertTrue(r.predictedLatencyS().isEmpty());
        assertTrue(r.table().contains("not calibrated for logN 13"), r.table());
    }

    @Test
    void keyAndCiphertextBytesFollowTheParameters() {
        CostReport r = CostModel.uncalibrated().estimate(small(), true);
        long n = 1L << r.logN();
        long primes = r.primeBits().size();
        // SEAL's shape at N = 2^13: one digit per prime, one special prime; each key only up to the level it is used at
        assertEquals(1, r.specialPrimeBits().size());
        HePlan plan = HePlan.compile(small().lower(), CompileOptions.defaults(true));
        int rl = plan.relinearizationKeyLevel();
        assertEquals((rl + 1L) * 2 * (rl + 2) * n * 8, r.relinKeyBytes());
        long galois = 0;
        for (int level : plan.galoisKeyLevels().values()) {
            galois += (level + 1L) * 2 * (level + 2) * n * 8;
        }
        assertEquals(galois, r.galoisKeyBytes());
        assertTrue(r.galoisKeyBytes() < primes * 2 * (primes + 1) * n * 8 * r.galoisSteps().size());
        assertEquals(2 * primes * n * 8, r.ciphertextBytes());
    }

    @Test
    void peakRegistersMatchTheSimulator() {
        HePlan plan = HePlan.compile(small().lower(), CompileOptions.defaults(true));
        var w = TestNets.randomWeights(plan.net(), 7);
        var res = PlanSimulator.run(new PlanBinding(plan, w), TestNets.randomInput(plan.net().node(0).shape(), 8));
        assertEquals(res.peakRegisters(), MemoryModel.peakLiveRegisters(plan));
    }

    @Test
    void squeezeNetCostsQuicklyAndMergingSavesLevels() {
        CostModel m = calibrated();
        Architecture a = squeezeNet();
        m.estimate(a, true); // warm up the JIT
        long t0 = System.nanoTime();
        CostReport on = m.estimate(a, true);
        double onMs = (System.nanoTime() - t0) / 1e6;
        t0 = System.nanoTime();
        CostReport off = m.estimate(a, false);
        double offMs = (System.nanoTime() - t0) / 1e6;
        System.out.printf("squeezenet merge on: %.0f ms, %d instructions, depth %d, logN %d, %d mul_plain, %d rotations;"
                        + " merge off: %.0f ms, depth %d, logN %d%n", onMs, on.instructions(), on.depth(), on.logN(),
                on.mulPlain(), on.rotations(), offMs, off.depth(), off.logN());
        assertTrue(onMs < 5000 && offMs < 5000, "cost must answer in seconds, took " + onMs + " / " + offMs + " ms");
        // conv 1 + 8 squares + 4 fire x 3 convs (squeeze, expand in parallel) + final conv = 1+1+4*(1+1+1+1)+1 = 19
        assertEquals(19, on.depth());
        // unmerged adds two pools and the gap
        assertEquals(22, off.depth());
        assertTrue(on.logQp() <= io.henas.he.SecurityTable.maxLogQp128(on.logN()));
    }

    @Test
    void predictedRatesKeepThreeSignificantDigitsBelowOneHundred() {
        assertEquals("0.0168", CostReport.rate(1 / 59.576));
        assertEquals("7.62", CostReport.rate(7.6249));
        assertEquals("648", CostReport.rate(647.51));
        assertEquals("1038", CostReport.rate(1038.07));
    }
}
