package io.henas.infer;

import java.util.List;

import io.henas.ckks.Ciphertext;
import io.henas.ckks.CkksParameters;
import io.henas.ckks.Evaluator;
import io.henas.export.ExportedModel;
import io.henas.he.OpCode;
import io.henas.he.OpCounts;
import io.henas.he.PlanRunner;
import io.henas.rlwe.EvaluationKeys;

/**
 * The server role: executes an exported model's HE plan on encrypted inputs with the client's evaluation keys
 * (public, relinearization and Galois keys) only. No constructor or field takes a secret key. Instructions are
 * executed through {@link PlanRunner}, which counts them as they run. Not thread-safe; close to stop the evaluator's
 * threads.
 */
public final class InferenceServer implements AutoCloseable {
    /** Default budget for cached encoded plaintexts. */
    public static final long DEFAULT_CACHE_BYTES = 2L << 30;

    private final ExportedModel model;
    private final Evaluator evaluator;
    private final CkksPlanBackend backend;
    /** The batch plan's fused windows ({@link FusedBatchRunner#windows}), found once per model. */
    private final List<int[]> windows;

    /**
     * @param keys    the client's evaluation keys (must belong to the model's parameters and hold every Galois
     *                step of the plan)
     * @param threads evaluator threads (>= 1)
     * @throws IllegalArgumentException if the keys belong to other parameters or lack a rotation key
     */
    public InferenceServer(ExportedModel model, EvaluationKeys keys, int threads) {
        this(model, keys, threads, DEFAULT_CACHE_BYTES);
    }

    /** As above, caching encoded plaintexts up to {@code cacheBytes} (0: encode on every use). */
    public InferenceServer(ExportedModel model, EvaluationKeys keys, int threads, long cacheBytes) {
        this(model, keys, threads, new PlaintextCache(cacheBytes));
    }

    /**
     * As above, with a plaintext cache that may be shared by several servers of the same model (one per client
     * session of {@code henas serve}): the encodings do not depend on the keys.
     */
    public InferenceServer(ExportedModel model, EvaluationKeys keys, int threads, PlaintextCache cache) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, but was " + threads);
        }
        CkksParameters p = model.ckksParameters();
        if (!keys.params().equals(p.rlwe())) {
            throw new IllegalArgumentException("parameter mismatch: model=" + p.id() + ", keys=" + keys.params().id());
        }
        java.util.Map<Integer, Integer> levels = model.plan().galoisKeyLevels();
        for (int step : model.plan().galoisSteps()) {
            long g = io.henas.ring.Automorphism.rotationElement(p.logN(), step);
            if (keys.galoisKeys() == null || !keys.galoisKeys().has(g)) {
                throw new IllegalArgumentException("the evaluation keys must hold the Galois key for rotation step "
                        + step + " (element " + g + "), but do not");
            }
            int need = levels.getOrDefault(step, 0);
            if (keys.galoisKeys().get(g).level() < need) {
                throw new IllegalArgumentException("the Galois key for rotation step " + step + " must reach level "
                        + need + ", but reaches " + keys.galoisKeys().get(g).level());
            }
        }
        int relinLevel = model.plan().relinearizationKeyLevel();
        if (keys.relinKey() != null && keys.relinKey().key().level() < relinLevel) {
            throw new IllegalArgumentException("the relinearization key must reach level " + relinLevel
                    + ", but reaches " + keys.relinKey().key().level());
        }
        if (keys.relinKey() == null && model.plan().instructionCount() > 0
                && java.util.stream.IntStream.range(0, model.plan().instructionCount())
                .anyMatch(i -> model.plan().op(i) == io.henas.he.OpCode.RELINEARIZE)) {
            throw new IllegalArgumentException("the plan relinearizes, so the evaluation keys must hold a"
                    + " relinearization key, but do not");
        }
        this.model = model;
        this.evaluator = new Evaluator(p, keys, threads);
        this.backend = new CkksPlanBackend(model.binding(), evaluator, cache);
        this.windows = model.plan().packing().batch() ? FusedBatchRunner.windows(model.plan()) : List.of();
    }

    /**
     * The result of one encrypted inference.
     *
     * @param outputs the output ciphertexts, in the plan's output layout order
     * @param counts  the operations executed (counted as they ran)
     * @param seconds wall time of the evaluation
     * @param opSeconds wall seconds per op code (an instruction's time runs to the next instruction's start; the fused
     *                products of a batch plan's windows count as MUL_CONST_ACC); codes that never ran are absent
     */
    public record Evaluation(List<Ciphertext> outputs, OpCounts counts, double seconds,
                             java.util.Map<OpCode, Double> opSeconds) {
        public Evaluation {
            outputs = List.copyOf(outputs);
            opSeconds = java.util.Collections.unmodifiableMap(new java.util.EnumMap<>(opSeconds));
        }
    }

    private java.util.Map<OpCode, Double> opSeconds() {
        long[] ns = backend.takeOpNanos();
        java.util.Map<OpCode, Double> m = new java.util.EnumMap<>(OpCode.class);
        for (OpCode c : OpCode.values()) {
            if (ns[c.ordinal()] > 0) {
                m.put(c, ns[c.ordinal()] / 1e9);
            }
        }
        return m;
    }

    /**
     * Evaluates the plan.
     *
     * @param inputs one ciphertext per input register ({@link InferenceClient#encrypt})
     * @throws IllegalArgumentException if the number, parameters or levels of the inputs are wrong
     */
    public Evaluation evaluate(List<Ciphertext> inputs) {
        return evaluate(inputs, true);
    }

    /**
     * Evaluates the plan; {@code fused}: a batch-packed plan's linear layers run as fused blocked products
     * ({@link FusedBatchRunner}, the default), else every instruction runs on its own (same results, bit for bit).
     * Plans packed one image per run always run instruction by instruction.
     */
    public Evaluation evaluate(List<Ciphertext> inputs, boolean fused) {
        int depth = model.plan().depth();
        for (int k = 0; k < inputs.size(); k++) {
            Ciphertext c = inputs.get(k);
            if (!c.params().equals(model.ckksParameters())) {
                throw new IllegalArgumentException("parameter mismatch: model=" + model.ckksParameters().id()
                        + ", input " + k + "=" + c.params().id());
            }
            double want = model.ckksParameters().defaultScale();
            if (!(Math.abs(c.scale() / want - 1) < 1e-9)) {
                throw new IllegalArgumentException("input " + k + " must be encrypted at the parameters' scale " + want
                        + ", but has scale " + c.scale());
            }
            if (c.level() != depth || c.size() != 2) {
                throw new IllegalArgumentException("input " + k + " must be a fresh ciphertext at level " + depth
                        + ", but was at level " + c.level() + " with size " + c.size());
            }
        }
        backend.takeOpNanos();
        backend.keepOnly(inputs);
        long t0 = System.nanoTime();
        if (fused && model.plan().packing().batch()) {
            FusedBatchRunner.Result r = FusedBatchRunner.run(model.plan(), windows, backend, inputs);
            double s = (System.nanoTime() - t0) / 1e9;
            return new Evaluation(r.outputs(), r.counts(), s, opSeconds());
        }
        PlanRunner.Result<Ciphertext> r = PlanRunner.run(model.plan(), backend, inputs);
        double s = (System.nanoTime() - t0) / 1e9;
        return new Evaluation(r.outputs(), r.counts(), s, opSeconds());
    }

    /**
     * Evaluates copies of one image's input ciphertexts untimed until {@code millis} have passed, or 20 times the
     * first evaluation if less (at least twice), so that the timed images that follow run compiled code and find the
     * plaintexts encoded, as a long-running server's do: a single-image plan's first images ran 15-30% slower than the
     * rest for about two seconds after the first (fashion-best at logN 13: the first 15 images 0.167 s median, the
     * next 285 0.124-0.149 s). Returns the first evaluation's seconds (the cold one, which encodes every plaintext).
     *
     * @throws IllegalArgumentException as {@link #evaluate} for inputs that are not the plan's
     */
    public double warmUpImage(List<Ciphertext> inputs, long millis) {
        long start = System.nanoTime();
        double first = evaluate(inputs.stream().map(Ciphertext::copy).toList()).seconds();
        long end = start + Math.min(millis * 1_000_000L, (long) (20 * first * 1e9));
        do {
            evaluate(inputs.stream().map(Ciphertext::copy).toList());
        } while (System.nanoTime() < end);
        return first;
    }

    /**
     * Runs the operations a batch-packed plan uses (fused constant products, squares, relinearizations, rescales,
     * additions) for about {@code millis} milliseconds on copies of {@code sample} (a fresh input ciphertext) and
     * discards the results, so that a timed evaluation that follows runs compiled code, as a long-running server does
     * (the performance method: time after JIT warm-up). Returns the seconds spent. Does nothing for single-image plans
     * (their per-image runs warm up on the first image).
     */
    public double warmUp(Ciphertext sample, long millis) {
        if (!model.plan().packing().batch()) {
            return 0;
        }
        long t0 = System.nanoTime();
        long end = t0 + millis * 1_000_000L;
        int relinLevel = model.plan().relinearizationKeyLevel();
        boolean relin = relinLevel >= 0; // the plan relinearizes
        java.util.List<Ciphertext> xs = new java.util.ArrayList<>();
        for (int i = 0; i < 16; i++) {
            xs.add(sample.copy());
        }
        double cs = model.ckksParameters().rlwe().q(sample.level());
        do {
            io.henas.ckks.ConstProducts f = new io.henas.ckks.ConstProducts(evaluator);
            Ciphertext[] acc = new Ciphertext[8];
            for (int o = 0; o < acc.length; o++) {
                acc[o] = f.product(xs.get(o), 0.5, cs);
                for (int t = 1; t < xs.size(); t++) {
                    f.accumulate(acc[o], xs.get(t), 0.25, cs);
                }
            }
            f.run();
            for (Ciphertext a : acc) {
                if (a.level() >= 1) {
                    evaluator.rescaleInto(a, a);
                }
                evaluator.addConstInPlace(a, 0.125);
                // the relinearization key may not reach the top level (leveled keys): square at its level
                Ciphertext b = relin && a.level() > relinLevel ? evaluator.dropToLevel(a, relinLevel) : a;
                Ciphertext sq = evaluator.square(b);
                evaluator.addInto(sq, sq, sq);
                if (relin) {
                    evaluator.relinearizeInto(sq, sq);
                    if (sq.level() >= 1) {
                        evaluator.rescaleInto(sq, sq);
                    }
                }
                evaluator.recycle(sq);
                if (b != a) {
                    evaluator.recycle(b);
                }
                evaluator.recycle(a);
            }
        } while (System.nanoTime() < end);
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Plaintext encodings done so far (the first evaluation encodes, later ones hit the cache). */
    public long encodes() {
        return backend.encodes();
    }

    @Override
    public void close() {
        evaluator.close();
    }
}
