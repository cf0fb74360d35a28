package io.henas.infer;

import java.util.HashMap;
import java.util.Map;

import io.henas.ckks.Ciphertext;
import io.henas.ckks.CkksParameters;
import io.henas.ckks.ConstProducts;
import io.henas.ckks.Encoder;
import io.henas.ckks.Evaluator;
import io.henas.ckks.Plaintext;
import io.henas.he.HePlan;
import io.henas.he.OpCode;
import io.henas.he.PlanBackend;
import io.henas.he.PlanBinding;

/**
 * {@link PlanBackend} on the real CKKS {@link Evaluator}: executes a plan's instructions on ciphertexts with the
 * plan's scale discipline (see {@code he.OpCode}): a product's plaintext (or constant) is encoded at
 * {@code q_level * target / inputScale}, so the RESCALE that follows lands exactly on the target scale; ADD_PLAIN
 * operands are encoded at the register's scale. Encoded plaintexts are cached (they are identical for every input,
 * since the scales are) in a {@link PlaintextCache} while they fit its budget. Holds only the evaluator (evaluation keys). Not
 * thread-safe.
 */
final class CkksPlanBackend implements PlanBackend<Ciphertext> {
    private final HePlan plan;
    private final PlanBinding binding;
    private final Evaluator eval;
    private final Encoder encoder;
    private final CkksParameters params;
    private final PlaintextCache cache;
    /** Reused product buffers of MUL_PLAIN_ACC, by level and size (no megabyte allocation per accumulation). */
    private final Map<Integer, Ciphertext> scratch = new HashMap<>();
    private int current;
    private long encodes;
    /** Batch packing: every operand is a constant, multiplied per RNS limb (never encoded as a polynomial). */
    private final boolean batch;
    /** The fused products of batch windows, created on first use. */
    private ConstProducts deferred;
    /** Wall nanoseconds spent per op code since the last {@link #takeOpNanos} (fused products: MUL_CONST_ACC). */
    private final long[] opNanos = new long[OpCode.values().length];
    private int timedOp = -1;
    private long timedSince;

    CkksPlanBackend(PlanBinding binding, Evaluator eval, long cacheBytes) {
        this(binding, eval, new PlaintextCache(cacheBytes));
    }

    /** As above with a cache that may be shared with other backends of the same binding (thread-safe). */
    CkksPlanBackend(PlanBinding binding, Evaluator eval, PlaintextCache cache) {
        this.plan = binding.plan();
        this.binding = binding;
        this.eval = eval;
        this.params = eval.params();
        this.encoder = new Encoder(params);
        this.cache = cache;
        this.batch = plan.packing().batch();
    }

    /** Plaintext encodings performed so far (cache misses). */
    long encodes() {
        return encodes;
    }

    /** Ciphertexts the backend must not recycle: the run's inputs (the caller's). Identity semantics. */
    private final java.util.Set<Ciphertext> kept = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

    /** Marks {@code inputs} as the caller's: {@link #free} leaves them alone (until {@link #keepOnly} again). */
    void keepOnly(java.util.Collection<Ciphertext> inputs) {
        kept.clear();
        kept.addAll(inputs);
    }

    /** A register the plan no longer needs: its memory is reused for later results, unless it is an input. */
    @Override
    public void free(Ciphertext c) {
        if (!kept.contains(c)) {
            eval.recycle(c);
        }
    }

    @Override
    public void before(int i) {
        long now = System.nanoTime();
        if (timedOp >= 0) {
            opNanos[timedOp] += now - timedSince;
        }
        timedOp = plan.op(i).ordinal();
        timedSince = now;
        current = i;
    }

    /**
     * The wall nanoseconds spent per op code since the last call (each instruction's time runs from its
     * {@link #before} to the next one's, or to this call; the fused products of a batch window count as
     * MUL_CONST_ACC), and resets them.
     */
    long[] takeOpNanos() {
        if (timedOp >= 0) {
            opNanos[timedOp] += System.nanoTime() - timedSince;
            timedOp = -1;
        }
        long[] out = opNanos.clone();
        java.util.Arrays.fill(opNanos, 0);
        return out;
    }

    private double planScale() {
        return params.defaultScale();
    }

    /** The scale a product's plaintext needs so the following rescale lands on {@code target}'s scale. */
    private double productScale(Ciphertext a, Ciphertext target) {
        double t = target == null ? planScale() : target.scale();
        return params.rlwe().q(a.level()) * t / a.scale();
    }

    private Plaintext plaintext(int pt, boolean constant, int level, double scale) {
        PlaintextCache.Key key = new PlaintextCache.Key(pt, constant, level, scale);
        Plaintext p = cache.get(key);
        if (p != null) {
            return p;
        }
        encodes++;
        p = constant ? encoder.encodeConstant(binding.scalar(pt), level, scale)
                : encoder.encode(binding.slots(pt), level, scale);
        cache.offer(key, p, (long) (level + 1) * params.n() * Long.BYTES);
        return p;
    }

    @Override
    public Ciphertext rotate(Ciphertext a, int step) {
        return eval.rotate(a, step);
    }

    @Override
    public Ciphertext[] rotateHoisted(Ciphertext a, int[] steps) {
        return eval.rotateHoisted(a, steps);
    }

    /** The decomposition is timed as the HOIST, each rotation as its ROTATE_HOISTED. */
    @Override
    public Ciphertext[] rotateHoisted(Ciphertext a, int[] steps, java.util.function.IntConsumer beforeStep) {
        return eval.rotateHoisted(a, steps, beforeStep);
    }

    @Override
    public Ciphertext mulPlain(Ciphertext a, int pt, Ciphertext target) {
        return eval.mulPlain(a, plaintext(pt, false, a.level(), productScale(a, target)));
    }

    @Override
    public Ciphertext mulPlainAcc(Ciphertext acc, Ciphertext a, int pt, Ciphertext target) {
        Plaintext p = plaintext(pt, false, a.level(), productScale(a, target));
        int k = a.level() * 4 + a.size();
        Ciphertext s = scratch.get(k);
        if (s == null) {
            // the first accumulation at this level and size allocates the buffer with its product
            s = eval.mulPlain(a, p);
            scratch.put(k, s);
            eval.addInto(acc, s, acc);
        } else {
            eval.mulPlainAccInto(acc, a, p, s);
        }
        return acc;
    }

    @Override
    public Ciphertext mulConst(Ciphertext a, int pt, Ciphertext target) {
        if (batch) {
            return eval.mulConstScaled(a, binding.scalar(pt), productScale(a, target));
        }
        return eval.mulPlain(a, plaintext(pt, true, a.level(), productScale(a, target)));
    }

    @Override
    public Ciphertext mulConstAcc(Ciphertext acc, Ciphertext a, int pt, Ciphertext target) {
        eval.mulConstAccInto(acc, a, binding.scalar(pt), productScale(a, target));
        return acc;
    }

    /**
     * Records the batch MUL_CONST of the current instruction in the fused batch ({@link FusedBatchRunner}) and returns
     * its output, written by {@link #runDeferred}.
     */
    Ciphertext deferMulConst(Ciphertext a, int pt, Ciphertext target) {
        return deferred().product(a, binding.scalar(pt), productScale(a, target));
    }

    /** Records the batch MUL_CONST_ACC of the current instruction in the fused batch. */
    void deferMulConstAcc(Ciphertext acc, Ciphertext a, int pt, Ciphertext target) {
        deferred().accumulate(acc, a, binding.scalar(pt), productScale(a, target));
    }

    /** Computes every recorded product ({@link ConstProducts#run}). */
    void runDeferred() {
        if (deferred != null) {
            long now = System.nanoTime();
            if (timedOp >= 0) {
                opNanos[timedOp] += now - timedSince;
            }
            deferred.run();
            timedSince = System.nanoTime();
            opNanos[OpCode.MUL_CONST_ACC.ordinal()] += timedSince - now;
            timedOp = -1;
        }
    }

    private ConstProducts deferred() {
        if (!batch) {
            throw new IllegalStateException("fused constant products need a batch-packed plan");
        }
        if (deferred == null) {
            deferred = new ConstProducts(eval);
        }
        return deferred;
    }

    @Override
    public Ciphertext mulCt(Ciphertext a, Ciphertext b) {
        return a == b ? eval.square(a) : eval.mul(a, b); // a square needs three products per coefficient, not four
    }

    @Override
    public Ciphertext relinearize(Ciphertext a) {
        if (inPlace()) {
            eval.relinearizeInto(a, a);
            return a;
        }
        return eval.relinearize(a);
    }

    @Override
    public Ciphertext rescale(Ciphertext a) {
        if (inPlace()) {
            eval.rescaleInto(a, a);
            return a;
        }
        return eval.rescale(a);
    }

    @Override
    public Ciphertext dropLevel(Ciphertext a, int levels) {
        return eval.dropToLevel(a, a.level() - levels);
    }

    /** Whether the current instruction writes its first operand's register (the runner then takes the result). */
    private boolean inPlace() {
        return plan.dst(current) == plan.a(current);
    }

    /**
     * In place when the ADD writes {@code a}'s register, or into an operand whose last use it is (not a caller's input):
     * the sum of two rotations into a new register then reuses a dying rotation's memory instead of taking cold
     * recycled memory (fashion-best at logN 13: 29 us per addition out of place, 15 us so; 5.6 us calibrated).
     */
    @Override
    public Ciphertext add(Ciphertext a, Ciphertext b) {
        if (inPlace()) {
            eval.addInto(a, b, a);
            return a;
        }
        if (plan.op(current) == OpCode.ADD) {
            Ciphertext dying = dying(plan.a(current), a) ? a : dying(plan.b(current), b) ? b : null;
            if (dying != null && a.level() == b.level() && a.size() == b.size()) {
                eval.addInto(a, b, dying);
                return dying;
            }
        }
        return eval.add(a, b);
    }

    /** Whether register {@code r}, holding {@code c}, is last read by the current instruction and is the plan's. */
    private boolean dying(int r, Ciphertext c) {
        return plan.lastUse(r) == current && !kept.contains(c);
    }

    @Override
    public Ciphertext addPlain(Ciphertext a, int pt) {
        if (batch && binding.constant(pt)) {
            if (inPlace()) {
                eval.addConstInPlace(a, binding.scalar(pt));
                return a;
            }
            return eval.addConst(a, binding.scalar(pt));
        }
        Plaintext p = plaintext(pt, false, a.level(), a.scale());
        if (inPlace()) {
            eval.addPlainInto(a, p, a);
            return a;
        }
        return eval.addPlain(a, p);
    }
}
