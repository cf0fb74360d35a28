package io.henas.bench;

import java.util.ArrayList;
import java.util.List;

import io.henas.ckks.Ciphertext;
import io.henas.ckks.CkksParameters;
import io.henas.ckks.ConstProducts;
import io.henas.ckks.Evaluator;
import io.henas.ring.Sampler;
import io.henas.rlwe.KeyGenerator;

/**
 * Timing of the batch packing's ciphertext-by-constant multiply-accumulates (MUL_CONST_ACC) as the encrypted batch run
 * executes them: fused and blocked ({@link ConstProducts}, what {@code infer --batch} runs) or one by one
 * ({@link Evaluator#mulConstAccInto}). A layer is modelled as {@code outputs} sums, each over {@code terms} of
 * {@code inputs} distinct ciphertexts (output {@code o} reads inputs {@code (o * stride + t) mod inputs}, so neighbouring
 * outputs share inputs as a convolution's do; stride 0 with {@code terms = inputs} is a dense layer). Used by
 * {@link EvaluatorOpMeasurer} (calibration: the fused cost per product) and by {@link #main} (a comparison).
 */
public final class ConstProductsTiming {
    /** The calibration's layer: 16 outputs, each summing 16 products over the same 16 inputs. */
    static final int CALIBRATION_INPUTS = 16;
    static final int CALIBRATION_OUTPUTS = 16;

    private ConstProductsTiming() {
    }

    /** {@code count} distinct copies of {@code a}. */
    static List<Ciphertext> copies(Ciphertext a, int count) {
        List<Ciphertext> xs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            xs.add(a.copy());
        }
        return xs;
    }

    private static double weight(int o, int t) {
        return 0.37 + 0.01 * ((o * 31 + t * 17) % 97);
    }

    /** Runs one layer fused: {@code outputs} products, then the accumulations, then one {@link ConstProducts#run}. */
    static void fused(Evaluator ev, List<Ciphertext> xs, int outputs, int terms, int stride) {
        double cs = ev.params().rlwe().q(xs.getFirst().level());
        ConstProducts f = new ConstProducts(ev);
        Ciphertext[] acc = new Ciphertext[outputs];
        int n = xs.size();
        for (int o = 0; o < outputs; o++) {
            acc[o] = f.product(xs.get((o * stride) % n), weight(o, 0), cs);
            for (int t = 1; t < terms; t++) {
                f.accumulate(acc[o], xs.get((o * stride + t) % n), weight(o, t), cs);
            }
        }
        f.run();
    }

    /** Runs one layer op by op: {@link Evaluator#mulConstScaled} then {@link Evaluator#mulConstAccInto} per term. */
    static void opByOp(Evaluator ev, List<Ciphertext> xs, int outputs, int terms, int stride) {
        double cs = ev.params().rlwe().q(xs.getFirst().level());
        int n = xs.size();
        for (int o = 0; o < outputs; o++) {
            Ciphertext acc = ev.mulConstScaled(xs.get((o * stride) % n), weight(o, 0), cs);
            for (int t = 1; t < terms; t++) {
                ev.mulConstAccInto(acc, xs.get((o * stride + t) % n), weight(o, t), cs);
            }
        }
    }

    /**
     * Median microseconds per product of the calibration's fused dense layer on copies of {@code a}, after
     * {@code warmMillis} (and at least one run) untimed.
     */
    static double calibrationMicrosPerProduct(Evaluator ev, Ciphertext a, long warmMillis, int samples) {
        List<Ciphertext> xs = copies(a, CALIBRATION_INPUTS);
        double us = Timing.medianMicros(() -> fused(ev, xs, CALIBRATION_OUTPUTS, CALIBRATION_INPUTS, 0), 1, warmMillis,
                samples);
        return us / (CALIBRATION_INPUTS * CALIBRATION_OUTPUTS);
    }

    /**
     * The per-product cost of fused layers over cold operands, as a batch-packed plan's layers run: the mean of a
     * convolution-like layer (every input an output's first term, 25 terms per output, neighbours sharing inputs) and
     * a dense-like one (32 outputs over every input), both over all of {@code inputs} (distinct ciphertexts, together
     * far larger than the caches). The median of {@code runs} runs of each, at most 3 (a run of such a layer is 1-3 s
     * at logN 13 on one thread, so more would make a calibration of a shape take minutes).
     */
    static double streamedMicrosPerProduct(Evaluator ev, List<Ciphertext> inputs, int runs) {
        int n = inputs.size();
        runs = Math.min(3, Math.max(1, runs));
        double conv = Timing.medianMicros(() -> fused(ev, inputs, n, 25, 1), 1, 0, runs) / (25.0 * n);
        double dense = Timing.medianMicros(() -> fused(ev, inputs, 32, n, 0), 1, 0, runs) / (32.0 * n);
        return (conv + dense) / 2;
    }

    /**
     * Prints microseconds per product, fused and op by op, for a convolution-like and a dense-like layer at logN 13
     * (the batch packing's ring) at its top level and two levels lower.
     * Usage: {@code java -cp henas.jar io.henas.bench.ConstProductsTiming [threads] [logN]}.
     */
    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int logN = args.length > 1 ? Integer.parseInt(args[1]) : 13;
        CkksParameters p = EvaluatorOpMeasurer.parametersFor(logN);
        KeyGenerator kg = new KeyGenerator(p.rlwe(), new Sampler());
        var enc = io.henas.ckks.Encryptor.ofPublicKey(p, kg.publicKey(kg.secretKey()));
        var encoder = new io.henas.ckks.Encoder(p);
        double[] v = new double[p.slots()];
        java.util.Arrays.fill(v, 0.5);
        try (Evaluator ev = new Evaluator(p, null, threads)) {
            Ciphertext top = enc.encrypt(encoder.encode(v, p.maxLevel(), p.defaultScale()));
            System.out.printf("logN %d, %d threads, microseconds per product (median of 5)%n", logN, threads);
            System.out.println("layer                          level  fused  op-by-op  speed-up  calibration-shape");
            for (int level : new int[]{p.maxLevel(), Math.max(1, p.maxLevel() - 2)}) {
                Ciphertext a = ev.dropToLevel(top, level);
                // conv-like: 392 inputs (a 14x14x2 slice), 392 outputs of 25 terms, neighbours sharing inputs
                row(ev, a, "conv-like 392 in x 392 out x 25", 392, 392, 25, 1, level);
                // dense-like: 196 inputs, 32 outputs over all of them
                row(ev, a, "dense-like 196 in x 32 out", 196, 32, 196, 0, level);
            }
        }
    }

    private static void row(Evaluator ev, Ciphertext a, String name, int inputs, int outputs, int terms, int stride,
                            int level) {
        List<Ciphertext> xs = copies(a, inputs);
        long products = (long) outputs * terms;
        double f = Timing.medianMicros(() -> fused(ev, xs, outputs, terms, stride), 1, 0, 5) / products;
        double o = Timing.medianMicros(() -> opByOp(ev, xs, outputs, terms, stride), 1, 0, 5) / products;
        double c = calibrationMicrosPerProduct(ev, a, 300, 5);
        System.out.printf("%-30s %5d %6.1f %9.1f %8.2fx %10.1f%n", name, level, f, o, o / f, c);
    }
}
