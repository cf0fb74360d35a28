package io.henas.bench;

import java.util.HashMap;
import java.util.Map;

import io.henas.ckks.Ciphertext;
import io.henas.ckks.CkksParameters;
import io.henas.ckks.Plaintext;
import io.henas.cost.Calibrator;
import io.henas.cost.ChainShape;
import io.henas.cost.OpMeasurer;
import io.henas.he.HeParameters;
import io.henas.he.OpKind;
import io.henas.he.ParameterSelector;
import io.henas.ring.Automorphism;
import io.henas.ring.Sampler;
import io.henas.rlwe.EvaluationKeys;
import io.henas.rlwe.GaloisKeys;
import io.henas.rlwe.KeyGenerator;
import io.henas.rlwe.KeySwitchKey;
import io.henas.rlwe.PublicKey;
import io.henas.rlwe.RelinKey;
import io.henas.rlwe.Security;
import io.henas.rlwe.SecretKey;

/**
 * {@link OpMeasurer} on henas' CKKS evaluator, for {@code henas bench calibrate}. For each {@link ChainShape} (ring
 * degree, {@code k} special primes, digits of {@code alpha} primes) it builds the chain the parameter selector would
 * pick with that key-switching shape for the deepest secure network of it ({@link Calibrator#maxDepth}), and times
 * each {@link OpKind} on operands at the requested level:
 * <ul>
 *   <li>key-switching kinds (ROTATE, ROTATE_HOISTED, HOIST, RELINEARIZE) and the kinds whose operands other
 *       operations wrote a while before (MUL_PLAIN opening an accumulation, MUL_CT, ADD, ADD_PLAIN) after
 *       {@value #EVICT_MIB} MiB were touched (untimed), so that each run starts with cold caches as in a plan;
 *       MUL_PLAIN_ACC hot: a plan's accumulations run back to back on one accumulator and one input;</li>
 *   <li>as the plan runner ({@code infer.CkksPlanBackend}) executes each kind: ROTATE, MUL_PLAIN, MUL_CT (a square)
 *       and DROP_LEVEL take their result from the evaluator's recycled memory and hand it back (as the runner frees
 *       dead registers); RELINEARIZE, RESCALE, ADD and ADD_PLAIN write into an operand of their own;</li>
 *   <li>ROTATE_HOISTED: the marginal cost of one rotation in a hoisted batch of 8 (4 from logN 16 on),
 *       {@code (T8 - T1) / 7};</li>
 *   <li>HOIST: the rest of a single rotation, {@code T(rotate) - T(rotate_hoisted)} (the shared decomposition);</li>
 *   <li>MUL_CONST_ACC: the cost per product of a fused, blocked layer of multiply-accumulates as the batch run
 *       executes them ({@link ConstProductsTiming}: 16 outputs over the same 16 inputs, one
 *       {@link io.henas.ckks.ConstProducts} run, divided by its 256 products);</li>
 *   <li>MUL_PLAIN and ADD_PLAIN (single-image shapes): each run takes the next of {@value #PLAIN_STREAM_MIB} MiB
 *       of distinct plaintexts, read from memory as the runner reads a plan's cached weight plaintexts;</li>
 *   <li>MUL_CONST: a product by an encoded constant plaintext (single-image plans); DROP_LEVEL: {@code dropToLevel}
 *       by one level; ENCODE: encoding a full slot vector at the level.</li>
 * </ul>
 * Each call is one pass of the {@link Calibrator}: {@link Timing#defaultSamples} shared by its
 * {@link Calibrator#PASSES} passes and runs for at least {@value #SAMPLE_MILLIS} ms, after 10 ms of untimed runs; a
 * level's time in a pass is their mean without the slowest and fastest 5% ({@link Timing#trimmedMeanMicros}: the
 * plan's latency is a sum of operations, so their mean, not their median, predicts it). {@link #warmUp} runs each kind
 * and level untimed for 200 ms (JIT) before the first pass.
 * A {@link ChainShape#batch batch} shape times its kinds as a batch-packed plan runs them: every run reads operands
 * cycled through {@value #STREAM_MIB} MiB of distinct ciphertext copies (well beyond the last-level cache, as a batch
 * layer's thousands of ciphertexts are), as the batch executor runs it: MUL_CT and DROP_LEVEL allocate their result
 * from recycled memory ({@link io.henas.ckks.Evaluator#recycle}, as the executor frees dead registers);
 * MUL_CONST, which opens an output of a fused layer, is its recording (the result allocated from fresh memory, as the
 * widest layer's outputs are) plus one fused product; RELINEARIZE, RESCALE, ADD and ADD_PLAIN (in place in the plan) write into cold ciphertexts of their
 * own, ADD_PLAIN as {@code addConstInPlace} (the executor's addition of a bias constant);
 * MUL_CONST_ACC is the per-product cost of fused layers over {@value #PRODUCT_LAYER_MIB} MiB of such operands
 * ({@link ConstProductsTiming#streamedMicrosPerProduct}).
 * Memory: only the keys the op needs are held, one kind at a time (the Galois keys of rotations by 1, 2, ...,
 * {@value #KEY_STREAM_MIB} MiB of them, which the rotations and the hoisted batch cycle through so that each reads its
 * key from memory as a plan's rotations do; or the relinearization key), and before
 * generating it the predicted need ({@link HeapBudget#calibrationNeed}) is checked against the maximum heap, so that
 * a ring too large for the heap fails at once with the {@code -Xmx} to use ({@link HeapBudget.InsufficientHeapException},
 * exit 2) instead of running out of memory. Levels must be in {@code [1, maxLevel]}. Close to stop the evaluators'
 * thread pools.
 */
public final class EvaluatorOpMeasurer implements OpMeasurer, AutoCloseable {
    /** Which evaluation key an op needs. */
    private enum KeyNeed { NONE, GALOIS, RELIN }

    private final int threads;
    private final Map<String, BenchFixture> fixtures = new HashMap<>();
    private final Map<String, Double> cache = new HashMap<>();
    /** Size of the cold operand pools of batch shapes. */
    static final int STREAM_MIB = 128;
    /** Inputs of the fused layers timed for MUL_CONST_ACC of batch shapes (a real layer's: 400-800 ciphertexts). */
    static final int PRODUCT_LAYER_MIB = 512;
    /**
     * Bytes of distinct plaintexts the products and additions by a plaintext cycle through (single-image shapes):
     * beyond a last-level cache, as a plan's weight plaintexts are (hundreds of megabytes in the server's cache for a
     * convolutional network), so each product reads its plaintext from memory as the runner does (fashion-best's
     * products and accumulations took 1.5-1.9x what products by one cached plaintext predicted).
     */
    static final int PLAIN_STREAM_MIB = 64;
    /**
     * Bytes of distinct Galois keys the rotations cycle through (at least one key, at most {@value #MAX_GALOIS_KEYS}):
     * a plan's rotations read a different key almost every time, from memory (fashion-best: 30 keys, 52 MB), and at
     * logN 13 with two threads a rotation cycling through 30 keys took 5% longer than one by a single key held in the
     * cache (levels 2 and 5), which is what the calibration timed until format 7 (its rotations measured 2-11% over
     * their prediction in every run). From logN 15 on one key exceeds this and one or two keys are used.
     */
    static final int KEY_STREAM_MIB = 64;
    static final int MAX_GALOIS_KEYS = 16;
    /** Per shape and level: distinct copies of the fixture's plaintext (kept across key swaps of the shape). */
    private final Map<String, Plaintext[]> plainPools = new HashMap<>();
    /** Per fixture key: distinct copies of its size-2 operand and of its size-3 product (batch shapes). */
    private final Map<String, Ciphertext[][]> pools = new HashMap<>();
    private int logN = -1;
    private ChainShape shape;
    private CkksParameters params;
    private KeyGenerator generator;
    private SecretKey secretKey;
    private PublicKey publicKey;
    private KeyNeed held = KeyNeed.NONE;
    private BenchFixture.Keys keys;
    /** Measured bytes of a key switching key at this degree (0 before the first one exists), and its shape. */
    private long keyBytes;
    /** The Galois keys held: rotations by 1, 2, ..., {@code galoisKeys} ({@link #galoisKeyCount}). */
    private int galoisKeys = 1;
    private int keyDigits;
    private int keyLimbs;

    /** @param threads evaluator threads (the cost model predicts single-thread latency with 1) */
    public EvaluatorOpMeasurer(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, but was " + threads);
        }
        this.threads = threads;
    }

    /** The chain calibrated at {@code logN} with SEAL's key switching. */
    public static CkksParameters parametersFor(int logN) {
        return parametersFor(ChainShape.seal(logN));
    }

    /**
     * The chain calibrated for {@code shape}: the selector's parameters with exactly its {@code k} special primes and
     * digits of {@code alpha} data primes for the deepest secure network of that shape ({@link Calibrator#maxDepth}).
     */
    public static CkksParameters parametersFor(ChainShape shape) {
        int depth = Calibrator.maxDepth(shape);
        if (depth < 1) {
            throw new IllegalArgumentException("logN " + shape.logN() + " with k = " + shape.specialPrimes()
                    + " special primes and digits of " + shape.digitSize() + " primes holds no level at 128 bits, so it"
                    + " cannot be calibrated");
        }
        HeParameters p = ParameterSelector.atShape(shape.logN(), depth, shape.specialPrimes(), shape.digitSize())
                .orElseThrow();
        return p.ckksParameters(Security.HE_STANDARD_128);
    }

    @Override
    public double microseconds(ChainShape shape, int level, OpKind op) {
        return microseconds(shape, level, op, 0);
    }

    /**
     * Samples of one pass: the default sample count ({@link Timing#defaultSamples}) shared by the
     * {@link Calibrator#PASSES} passes, at least 3.
     */
    static int passSamples(int logN) {
        return Math.max(3, (Timing.defaultSamples(logN) + Calibrator.PASSES - 1) / Calibrator.PASSES);
    }

    /**
     * Warm-up before a pass's samples: 200 ms in the warm-up pass (JIT), 10 ms and at least one run in the timed
     * passes (caches and branch predictors primed for this kind and level after the others ran).
     */
    static long warmupMillis(int pass) {
        return pass == WARM_UP ? 200 : 10;
    }

    /** Untimed runs before a pass's samples at least: 5 in the warm-up pass, 1 in the timed passes. */
    static int warmupRuns(int pass) {
        return pass == WARM_UP ? 5 : 1;
    }

    /** How long a timed pass samples each kind and level at least (more runs of fast kinds: steadier). */
    static final long SAMPLE_MILLIS = 30;

    /**
     * Runs of the streamed fused layers per pass for MUL_CONST_ACC of batch shapes (one run is 1-3 s at logN 13; the
     * passes' median then spans {@link Calibrator#PASSES} runs).
     */
    static final int STREAMED_PRODUCT_RUNS = 1;

    /**
     * One kind and level in pass {@code pass}: {@link Timing#trimmedMeanMicros} after {@link #warmupRuns} and
     * {@link #warmupMillis} untimed, over at least {@code samples} runs and, in a timed pass, {@link #SAMPLE_MILLIS}.
     */
    private static double time(Runnable op, int pass, int samples) {
        return time(() -> {
        }, op, pass, samples);
    }

    /** {@link #time(Runnable, int, int)} running the untimed {@code prep} before every run of {@code op}. */
    private static double time(Runnable prep, Runnable op, int pass, int samples) {
        return Timing.trimmedMeanMicros(prep, op, warmupRuns(pass), warmupMillis(pass), samples,
                pass == WARM_UP ? 0 : SAMPLE_MILLIS);
    }

    /**
     * Bytes touched (read and written, untimed) before each run of a key-switching kind (from calibration format 10
     * also of MUL_PLAIN, MUL_CT, ADD and ADD_PLAIN), so that it starts, as in a plan, with its input, its work arrays
     * and the keys out of the core's caches: other operations ran in between there. A logN-13 rotation at level 5 on
     * two threads (16 keys cycled) took 1.64 ms hot, 1.70 ms after 8 MiB were touched and 1.80 ms after 64 MiB (an
     * unshipped harness); format-8 calibrations without it predicted fashion-best's rotations 0-13% fast (1.04x on
     * average over eight runs).
     */
    static final int EVICT_MIB = 8;
    private final long[] evictBuffer = new long[EVICT_MIB << 17];
    private long evictSink;

    /** Touches one word per cache line of {@link #EVICT_MIB} MiB. */
    private void evict() {
        long[] b = evictBuffer;
        long s = evictSink;
        for (int i = 0; i < b.length; i += 8) {
            s += b[i];
            b[i] = s;
        }
        evictSink = s;
    }

    /** {@link #time} with the caches evicted before each run ({@link #EVICT_MIB}). */
    private double timeCold(Runnable op, int pass, int samples) {
        return time(this::evict, op, pass, samples);
    }

    /** The pass index of {@link #warmUp} (its timings are discarded). */
    private static final int WARM_UP = -1;

    @Override
    public synchronized void warmUp(ChainShape shape, int level, OpKind op) {
        measure(shape, level, op, WARM_UP);
    }

    @Override
    public synchronized double microseconds(ChainShape shape, int level, OpKind op, int pass) {
        if (pass < 0) {
            throw new IllegalArgumentException("pass must be >= 0, but was " + pass);
        }
        return measure(shape, level, op, pass);
    }

    private double measure(ChainShape shape, int level, OpKind op, int pass) {
        int logN = shape.logN();
        String key = shape.key() + "@" + level + "/" + op + "#" + pass;
        Double hit = cache.get(key);
        if (hit != null) {
            return hit;
        }
        KeyNeed need = switch (op) {
            case ROTATE, ROTATE_HOISTED, HOIST -> KeyNeed.GALOIS;
            case RELINEARIZE -> KeyNeed.RELIN;
            default -> KeyNeed.NONE;
        };
        ensureKeys(shape, need);
        BenchFixture f = fixtures.computeIfAbsent(shape.key() + "@" + level, k -> new BenchFixture(keys, level));
        int samples = pass == WARM_UP ? 3 : passSamples(logN);
        if (shape.batch()) {
            double us = streamed(f, shape.key() + "@" + level, level, op, samples, pass);
            cache.put(key, us);
            return us;
        }
        var ev = f.evaluator;
        // as the plan runner executes each kind (CkksPlanBackend): results allocated from recycled memory, freed
        // registers recycled; in-place kinds write into an operand of their own
        double us = switch (op) {
            case ROTATE -> rotateMicros(f, samples, pass);
            case ROTATE_HOISTED -> hoisted(f, samples, pass);
            case HOIST -> Math.max(0, rotateMicros(f, samples, pass) - hoisted(f, samples, pass));
            case MUL_PLAIN -> {
                java.util.function.Supplier<Plaintext> pt = cycling(shape, f);
                yield timeCold(() -> ev.recycle(ev.mulPlain(f.a, pt.get())), pass, samples);
            }
            // as CkksPlanBackend.mulPlainAcc: the product into a reused buffer, added into the accumulator; both
            // stay in the caches from one product to the next, as in a plan's runs of accumulations
            case MUL_PLAIN_ACC -> {
                java.util.function.Supplier<Plaintext> pt = cycling(shape, f);
                Ciphertext acc = ev.mulPlain(f.a, pt.get());
                Ciphertext product = ev.mulPlain(f.a, pt.get());
                yield time(() -> ev.mulPlainAccInto(acc, f.a, pt.get(), product), pass, samples);
            }
            case MUL_CT -> timeCold(() -> ev.recycle(ev.square(f.a)), pass, samples);
            case RELINEARIZE -> {
                Ciphertext out = f.a.copy();
                yield timeCold(() -> ev.relinearizeInto(f.product, out), pass, samples);
            }
            case RESCALE -> {
                Ciphertext out = ev.rescale(f.a);
                yield time(() -> ev.rescaleInto(f.a, out), pass, samples);
            }
            case ADD -> {
                Ciphertext out = f.a.copy();
                yield timeCold(() -> ev.addInto(f.a, f.b, out), pass, samples);
            }
            // a single-image plan multiplies by a constant through an encoded constant plaintext
            case MUL_CONST -> {
                Plaintext c = new io.henas.ckks.Encoder(f.params).encodeConstant(0.731, level,
                        f.params.defaultScale());
                yield time(() -> ev.recycle(ev.mulPlain(f.a, c)), pass, samples);
            }
            case MUL_CONST_ACC -> ConstProductsTiming.calibrationMicrosPerProduct(ev, f.a,
                    pass == WARM_UP ? 300 : warmupMillis(pass), samples);
            case ADD_PLAIN -> {
                Ciphertext out = f.a.copy();
                java.util.function.Supplier<Plaintext> pt = cycling(shape, f);
                yield timeCold(() -> ev.addPlainInto(f.a, pt.get(), out), pass, samples);
            }
            case DROP_LEVEL -> time(() -> ev.recycle(ev.dropToLevel(f.a, level - 1)), pass,
                    samples);
            case ENCODE -> time(CkksBench.operation(f, "encode"), pass, samples);
        };
        cache.put(key, us);
        return us;
    }

    /**
     * The next of the distinct copies of {@code f}'s plaintext on each call, {@value #PLAIN_STREAM_MIB} MiB in all
     * (fewer when the heap has less than 8 times that free, at least 2), built once per shape and level.
     */
    private java.util.function.Supplier<Plaintext> cycling(ChainShape shape, BenchFixture f) {
        Plaintext[] pts = plainPools.computeIfAbsent(shape.key() + "@" + f.level, k -> {
            long one = HeapBudget.polyBytes(f.params.n(), f.level + 1, 1);
            long bytes = HeapBudget.affordable((long) PLAIN_STREAM_MIB << 20, 8);
            int count = (int) Math.max(2, Math.min(4096, bytes / one));
            Plaintext[] p = new Plaintext[count];
            for (int i = 0; i < count; i++) {
                p[i] = new Plaintext(f.params, f.pt.poly().copy(), f.pt.scale());
            }
            return p;
        });
        int[] at = {0};
        return () -> pts[at[0]++ % pts.length];
    }

    /**
     * One rotation as the runner rotates: each by the next of the held keys' steps (a key read from memory), the
     * result from recycled memory, recycled (per pass).
     */
    private double rotateMicros(BenchFixture f, int samples, int pass) {
        var ev = f.evaluator;
        int keyCount = galoisKeys;
        int[] at = {0};
        return cache.computeIfAbsent(shape + "@" + f.level + "/raw-rotate#" + pass,
                k -> timeCold(() -> ev.recycle(ev.rotate(f.a, 1 + at[0]++ % keyCount)), pass, samples));
    }

    /** How many distinct Galois keys of {@code keyBytes} the rotations cycle through ({@value #KEY_STREAM_MIB} MiB). */
    static int galoisKeyCount(long keyBytes) {
        long want = ((long) KEY_STREAM_MIB << 20) / Math.max(1, keyBytes);
        return (int) Math.max(1, Math.min(MAX_GALOIS_KEYS, want));
    }

    /** {@code op} timed on cold operands, as a batch-packed plan runs it (see the class comment). */
    private double streamed(BenchFixture f, String fixtureKey, int level, OpKind op, int samples, int pass) {
        long ct = (long) f.a.size() * (f.a.level() + 1) * f.params.n() * Long.BYTES; // bytes of one operand
        Ciphertext[][] pool = pools.computeIfAbsent(fixtureKey, k -> {
            long stream = (long) STREAM_MIB * 1024 * 1024;
            HeapBudget.require(4 * stream + 4 * ct, "calibrating batch operations at logN " + logN);
            int n = (int) Math.max(2, Math.min(4096, stream / ct));
            int n3 = Math.max(2, n * 2 / 3);
            Ciphertext[] twos = new Ciphertext[n];
            Ciphertext[] threes = new Ciphertext[n3];
            Ciphertext[] relinOut = new Ciphertext[n3];
            Ciphertext[] rescaleOut = new Ciphertext[level >= 1 ? n : 0];
            Ciphertext down = level >= 1 ? f.evaluator.rescale(f.a) : null;
            for (int i = 0; i < n; i++) {
                twos[i] = f.a.copy();
                if (down != null) {
                    rescaleOut[i] = down.copy();
                }
            }
            for (int i = 0; i < n3; i++) {
                threes[i] = f.product.copy();
                relinOut[i] = f.a.copy();
            }
            return new Ciphertext[][]{twos, threes, relinOut, rescaleOut};
        });
        Ciphertext[] twos = pool[0];
        Ciphertext[] threes = pool[1];
        var ev = f.evaluator;
        int[] at = {0};
        java.util.function.IntUnaryOperator next = m -> {
            int i = at[0] % m;
            at[0] = i + 1;
            return i;
        };
        int n = twos.length;
        int n3 = threes.length;
        // in-place kinds (the plan's RELINEARIZE, RESCALE, ADD and ADD_PLAIN write their first operand's register)
        // write into cold ciphertexts of their own; the others allocate their result, as the batch executor does
        Runnable r = switch (op) {
            case MUL_CT -> () -> {
                ev.recycle(ev.square(twos[next.applyAsInt(n)])); // batch plans square (centred squares)
            };
            case RELINEARIZE -> () -> {
                int i = next.applyAsInt(n3);
                ev.relinearizeInto(threes[i], pool[2][i]);
            };
            case RESCALE -> () -> {
                int i = next.applyAsInt(n);
                ev.rescaleInto(twos[i], pool[3][i]);
            };
            case ADD -> () -> {
                int i = next.applyAsInt(n);
                ev.addInto(twos[i], twos[(i + n / 2) % n], twos[i]);
            };
            case ADD_PLAIN -> () -> ev.addConstInPlace(twos[next.applyAsInt(n)], 0.37);
            // fresh memory: a network's widest layer (its first) allocates its outputs before anything is freed
            case MUL_CONST -> () -> new io.henas.ckks.ConstProducts(ev).product(twos[next.applyAsInt(n)], 0.731, 1);
            case DROP_LEVEL -> () -> ev.recycle(ev.dropToLevel(twos[next.applyAsInt(n)], level - 1));
            case MUL_CONST_ACC -> null;
            default -> throw new IllegalArgumentException(op.key() + " is not an operation of batch-packed plans");
        };
        double perProduct = cache.computeIfAbsent(fixtureKey + "/streamed-product#" + pass, k -> {
            // layers as large as a batch network's (hundreds of inputs of 2048-coefficient blocks per tile)
            java.util.List<Ciphertext> xs = new java.util.ArrayList<>(java.util.Arrays.asList(twos));
            int want = (int) Math.min(4096, (long) PRODUCT_LAYER_MIB * 1024 * 1024 / ct);
            HeapBudget.require(Math.max(0, want - xs.size()) * ct, "calibrating batch products at logN " + logN);
            while (xs.size() < want) {
                xs.add(f.a.copy());
            }
            return ConstProductsTiming.streamedMicrosPerProduct(ev, xs, STREAMED_PRODUCT_RUNS);
        });
        if (r == null) {
            return perProduct;
        }
        double us = time(r, pass, samples);
        // a MUL_CONST opens an output of a fused layer: its result is allocated when recorded, its product computed
        // with the layer's (as fast as an accumulation)
        return op == OpKind.MUL_CONST ? us + perProduct : us;
    }

    /**
     * The rotation steps of the timed hoisted group: 8 rotations, or 4 from logN 16 on (their outputs are large), by
     * steps 1, 2, ... cycling through the {@code keys} held (a plan's group uses a key per step). Each rotation of the
     * group does the same work whatever its step. Each extra hoisted rotation costs {@code (t_k - t_1) / (k - 1)}.
     */
    static int[] hoistedSteps(int logN, int keys) {
        int[] s = new int[logN >= 16 ? 4 : 8];
        for (int i = 0; i < s.length; i++) {
            s[i] = 1 + i % keys;
        }
        return s;
    }

    /**
     * Makes the keys of degree {@code logN} hold what {@code need} asks (a key already held serves ops that need
     * none): generates the secret and public keys on a new degree, and swaps the evaluation key, releasing the old
     * one (and the operands built on it) before generating the new one.
     */
    private void ensureKeys(ChainShape s, KeyNeed need) {
        if (!s.equals(this.shape)) {
            close();
            this.shape = s;
            this.logN = s.logN();
            this.params = parametersFor(s);
            this.generator = new KeyGenerator(params.rlwe(), new Sampler());
            this.secretKey = generator.secretKey();
            this.publicKey = generator.publicKey(secretKey);
            this.held = KeyNeed.NONE;
            this.keyBytes = 0;
        }
        if (keys != null && (need == KeyNeed.NONE || need == held)) {
            return;
        }
        dropKeys();
        String what = "calibrating logN " + logN;
        check(what, false);
        RelinKey relin = null;
        GaloisKeys galois = GaloisKeys.empty();
        KeySwitchKey made = null;
        if (need == KeyNeed.RELIN) {
            relin = generator.relinKey(secretKey);
            made = relin.key();
        } else if (need == KeyNeed.GALOIS) {
            long g = Automorphism.rotationElement(logN, 1);
            made = generator.galoisKey(secretKey, g);
        }
        if (made != null && keyBytes == 0) {
            keyBytes = HeapBudget.bytes(made);
            keyDigits = made.digits();
            keyLimbs = made.b(0).limbCount();
            check(what, true); // again with the measured key size
        }
        if (need == KeyNeed.GALOIS) {
            galoisKeys = galoisKeyCount(keyBytes);
            Map<Long, KeySwitchKey> byElement = new HashMap<>();
            byElement.put(Automorphism.rotationElement(logN, 1), made);
            for (int step = 2; step <= galoisKeys; step++) {
                long g = Automorphism.rotationElement(logN, step);
                byElement.put(g, generator.galoisKey(secretKey, g));
            }
            galois = new GaloisKeys(byElement);
        }
        held = need;
        keys = new BenchFixture.Keys(params, threads, secretKey, new EvaluationKeys(publicKey, relin, galois));
    }

    /** Checks that this degree's calibration fits next to what the heap holds ({@code keyHeld}: the key included). */
    private void check(String what, boolean keyHeld) {
        long need = keyBytes > 0
                ? HeapBudget.calibrationNeed(params, Calibrator.sampleLevels(shape, 5),
                        keyBytes * galoisKeyCount(keyBytes), keyDigits, keyLimbs, hoistedSteps(logN, 1).length)
                : heapNeed(shape);
        HeapBudget.require(keyHeld ? need - keyBytes : need, what);
    }

    /**
     * The heap that calibrating {@code shape} needs ({@link HeapBudget#calibrationNeed} with the exact size of a
     * top-level key of the shape, rlwe's layout), for callers deciding what else may stay in the heap meanwhile.
     */
    public static long heapNeed(ChainShape shape) {
        CkksParameters p = parametersFor(shape);
        long key = KeySwitchKey.byteSize(p.rlwe(), p.maxLevel());
        int digits = p.rlwe().digitCount(p.maxLevel());
        int limbs = p.maxLevel() + 1 + p.rlwe().specialPrimeCount();
        return HeapBudget.calibrationNeed(p, Calibrator.sampleLevels(shape, 5), key * galoisKeyCount(key), digits,
                limbs, hoistedSteps(shape.logN(), 1).length);
    }

    private void dropKeys() {
        fixtures.values().forEach(BenchFixture::close);
        fixtures.clear();
        pools.clear();
        if (keys != null) {
            keys.close();
            keys = null;
        }
        held = KeyNeed.NONE;
    }

    /** The marginal cost of one rotation of a hoisted group ({@link #hoistedSteps}), outputs recycled (per pass). */
    private double hoisted(BenchFixture f, int samples, int pass) {
        double one = rotateMicros(f, samples, pass);
        int[] steps = hoistedSteps(f.params.logN(), galoisKeys);
        var ev = f.evaluator;
        double group = cache.computeIfAbsent(shape + "@" + f.level + "/raw-hoisted-" + steps.length + "#" + pass,
                k -> timeCold(() -> {
                    for (Ciphertext c : ev.rotateHoisted(f.a, steps)) {
                        ev.recycle(c);
                    }
                }, pass, samples));
        return Math.max(0, (group - one) / (steps.length - 1));
    }

    @Override
    public synchronized void close() {
        dropKeys();
        plainPools.clear();
        logN = -1;
        shape = null;
        params = null;
        generator = null;
        secretKey = null;
        publicKey = null;
    }
}
