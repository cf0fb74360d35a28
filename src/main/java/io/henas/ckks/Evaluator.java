package io.henas.ckks;

import io.henas.ring.Automorphism;
import io.henas.ring.Modulus;
import io.henas.ring.Parallel;
import io.henas.ring.Ring;
import io.henas.ring.RnsPoly;
import io.henas.ring.ScratchPool;
import io.henas.rlwe.EvaluationKeys;
import io.henas.rlwe.KeySwitcher;

/**
 * The homomorphic evaluator: additions, plaintext and constant products, ciphertext products, relinearization,
 * rescaling, level dropping, rotations (plain and hoisted) and conjugation. It holds only evaluation keys.
 *
 * <p>Naming: {@code op(...)} returns a new ciphertext and never modifies its arguments; {@code opInto(..., out)}
 * writes the result into {@code out} (which may be one of the inputs). Operands must share parameters, level and
 * (for additions) scale; mismatches throw {@link IllegalArgumentException} naming both sides, e.g.
 * {@code level mismatch: a=3, b=2} or {@code scale mismatch: 2^40 vs 2^80}. Use {@link #dropToLevel} and
 * {@link #align} to match operands.
 *
 * <p>Work is split across RNS limbs on {@code threads} threads; with one thread everything runs on the caller's
 * thread. An evaluator is not thread-safe (use one per thread); {@link #close()} stops its pool.
 */
public final class Evaluator implements AutoCloseable {
    /** Relative tolerance under which two scales count as equal. */
    public static final double SCALE_TOLERANCE = 1e-9;
    /** Performance revision, raised when operations get markedly faster or slower so that older timings (calibrations)
     *  are not reused. 2: branchless reductions, pool, fused key switch; 3: vector NTT; 4: fused batch MACs;
     *  5: 2048-coefficient blocks for fused MACs, in-place constant additions. */
    public static final int PERFORMANCE_REVISION = 5;

    final CkksParameters params;
    final EvaluationKeys keys;
    final Ring ring;
    final int n;
    final Parallel par;
    final KeySwitcher switcher;
    final ScratchPool pool;
    private final GaloisOps galois;
    private final LevelOps levels;

    /** A single-threaded evaluator. {@code keys} may be null if no relinearization or rotation is needed. */
    public Evaluator(CkksParameters params, EvaluationKeys keys) {
        this(params, keys, 1);
    }

    /**
     * @param keys    evaluation keys (may be null: key-switching operations then throw)
     * @param threads threads to split limb work over, at least 1
     */
    public Evaluator(CkksParameters params, EvaluationKeys keys, int threads) {
        if (keys != null && !keys.params().equals(params.rlwe())) {
            throw new IllegalArgumentException("parameter mismatch: evaluator=" + params.id() + ", keys="
                    + keys.params().id());
        }
        this.params = params;
        this.keys = keys;
        this.ring = params.ring();
        this.n = params.n();
        this.par = threads == 1 ? Parallel.SEQUENTIAL : new Parallel(threads);
        this.switcher = new KeySwitcher(params.rlwe());
        this.pool = new ScratchPool(n, scratchArrays(params));
        this.galois = new GaloisOps(this);
        this.levels = new LevelOps(this);
    }

    /**
     * Most idle work arrays of {@code n} coefficients an evaluator of {@code params} keeps for reuse: a hoisted
     * decomposition at the top level (digits x targets) plus the key switch's own work arrays.
     */
    public static int scratchArrays(CkksParameters params) {
        int l = params.maxLevel() + 1;
        int targets = l + params.rlwe().specialPrimeCount();
        return (params.rlwe().digitCount(l - 1) + 1) * (targets + 1) + 8 * targets + 16;
    }

    /** Most bytes of recycled limbs an evaluator keeps ({@link #recycle}). */
    public static long recycledBytesCap() {
        return MAX_RECYCLED_BYTES;
    }

    /** The parameters. */
    public CkksParameters params() {
        return params;
    }

    /** Number of threads. */
    public int threads() {
        return par.threads();
    }

    // ---------------------------------------------------------------- checks

    /** Formats a scale as a power of two: {@code 2^40} or {@code 2^40.52}. */
    static String formatScale(double s) {
        double l = Math.log(s) / Math.log(2);
        if (Math.abs(l - Math.rint(l)) < 1e-9) {
            return "2^" + (long) Math.rint(l);
        }
        return String.format("2^%.2f", l);
    }

    void checkParams(Ciphertext c, String name) {
        if (!c.params().equals(params)) {
            throw new IllegalArgumentException("parameter mismatch: evaluator=" + params.id() + ", " + name + "="
                    + c.params().id());
        }
    }

    private void checkBinary(Ciphertext a, Ciphertext b) {
        checkParams(a, "a");
        checkParams(b, "b");
        if (a.level() != b.level()) {
            throw new IllegalArgumentException("level mismatch: a=" + a.level() + ", b=" + b.level());
        }
    }

    private static void checkScale(double a, double b) {
        if (!scalesMatch(a, b)) {
            throw new IllegalArgumentException("scale mismatch: " + formatScale(a) + " vs " + formatScale(b));
        }
    }

    /** True if two scales are equal within {@link #SCALE_TOLERANCE} (relative). */
    public static boolean scalesMatch(double a, double b) {
        return Math.abs(a - b) <= SCALE_TOLERANCE * Math.max(a, b);
    }

    private void checkPlain(Ciphertext c, Plaintext p) {
        checkParams(c, "ciphertext");
        if (!p.params().equals(params)) {
            throw new IllegalArgumentException("parameter mismatch: evaluator=" + params.id() + ", plaintext="
                    + p.params().id());
        }
        if (p.level() < c.level()) {
            throw new IllegalArgumentException("level mismatch: ciphertext=" + c.level() + ", plaintext=" + p.level()
                    + " (the plaintext level must be at least the ciphertext's)");
        }
    }

    static void checkSize2(Ciphertext c, String op) {
        if (c.size() != 2) {
            throw new IllegalArgumentException(op + " needs a ciphertext of size 2, but had size " + c.size()
                    + " (relinearize first)");
        }
    }

    RnsPoly[] newPolys(int count, int limbs) {
        return newPolys(count, limbs, true);
    }

    /**
     * {@code count} polynomials of {@code limbs} limbs; {@code zeroed = false} for a result whose every coefficient
     * the caller overwrites (a recycled limb then keeps its old content instead of being cleared).
     */
    RnsPoly[] newPolys(int count, int limbs, boolean zeroed) {
        RnsPoly[] p = new RnsPoly[count];
        for (int i = 0; i < count; i++) {
            long[][] l = new long[limbs][];
            for (int j = 0; j < limbs; j++) {
                l[j] = newLimb(zeroed);
            }
            p[i] = new RnsPoly(l, true);
        }
        return p;
    }

    /** Most bytes of recycled limbs kept for reuse ({@link #recycle}). */
    static final long MAX_RECYCLED_BYTES = 256L << 20;
    private final java.util.ArrayDeque<long[]> recycled = new java.util.ArrayDeque<>();

    /** A limb of {@code n} coefficients: a recycled one (cleared if {@code zeroed}) when there is one, else a new one. */
    private long[] newLimb(boolean zeroed) {
        long[] l;
        synchronized (recycled) {
            l = recycled.pollLast();
        }
        if (l == null) {
            return new long[n];
        }
        if (zeroed) {
            java.util.Arrays.fill(l, 0);
        }
        return l;
    }

    /**
     * Hands the limbs of {@code c} back for reuse by later results of this evaluator (up to
     * {@value #MAX_RECYCLED_BYTES} bytes are kept; they are zeroed when reused): a long run of operations on many
     * ciphertexts (a batch-packed plan) then reuses memory that is already mapped and recently touched instead of
     * allocating fresh arrays and collecting the old ones. The caller gives up {@code c}: it must not be used again, and
     * no other ciphertext may share its limbs.
     */
    public void recycle(Ciphertext c) {
        checkParams(c, "c");
        synchronized (recycled) {
            for (int k = 0; k < c.size(); k++) {
                RnsPoly p = c.poly(k);
                for (int i = 0; i < p.limbCount(); i++) {
                    if ((long) (recycled.size() + 1) * n * Long.BYTES > MAX_RECYCLED_BYTES) {
                        return;
                    }
                    recycled.addLast(p.limb(i));
                }
            }
        }
    }

    // ---------------------------------------------------------------- additions

    /** {@code a + b}. */
    public Ciphertext add(Ciphertext a, Ciphertext b) {
        // every coefficient is written: recycled limbs need no clearing
        Ciphertext out = new Ciphertext(params, a.scale(),
                newPolys(Math.max(a.size(), b.size()), a.level() + 1, false));
        addInto(a, b, out);
        return out;
    }

    /** {@code out = a + b}. */
    public void addInto(Ciphertext a, Ciphertext b, Ciphertext out) {
        addSub(a, b, out, false);
    }

    /** {@code a - b}. */
    public Ciphertext sub(Ciphertext a, Ciphertext b) {
        // every coefficient is written: recycled limbs need no clearing
        Ciphertext out = new Ciphertext(params, a.scale(),
                newPolys(Math.max(a.size(), b.size()), a.level() + 1, false));
        subInto(a, b, out);
        return out;
    }

    /** {@code out = a - b}. */
    public void subInto(Ciphertext a, Ciphertext b, Ciphertext out) {
        addSub(a, b, out, true);
    }

    private void addSub(Ciphertext a, Ciphertext b, Ciphertext out, boolean sub) {
        checkBinary(a, b);
        checkScale(a.scale(), b.scale());
        int size = Math.max(a.size(), b.size());
        int limbs = a.level() + 1;
        RnsPoly[] res = target(out, size, limbs, a, b);
        par.forEach(limbs, i -> {
            for (int k = 0; k < size; k++) {
                long[] r = res[k].limb(i);
                if (k < a.size() && k < b.size()) {
                    if (sub) {
                        ring.subLimb(i, a.poly(k).limb(i), b.poly(k).limb(i), r);
                    } else {
                        ring.addLimb(i, a.poly(k).limb(i), b.poly(k).limb(i), r);
                    }
                } else if (k < a.size()) {
                    System.arraycopy(a.poly(k).limb(i), 0, r, 0, n);
                } else if (sub) {
                    ring.negLimb(i, b.poly(k).limb(i), r);
                } else {
                    System.arraycopy(b.poly(k).limb(i), 0, r, 0, n);
                }
            }
        });
        out.set(a.scale(), res);
    }

    /**
     * Polynomials to write a result of {@code size x limbs} into: out's own if they have the right shape, else new
     * ones. Writing limb-by-limb into an input's polys is safe because every op reads limb i only to write limb i.
     */
    RnsPoly[] target(Ciphertext out, int size, int limbs, Ciphertext... inputs) {
        if (out.size() == size && out.level() + 1 == limbs) {
            RnsPoly[] r = new RnsPoly[size];
            for (int k = 0; k < size; k++) {
                r[k] = out.poly(k);
            }
            return r;
        }
        return newPolys(size, limbs);
    }

    /** {@code -a}. */
    public Ciphertext negate(Ciphertext a) {
        Ciphertext out = new Ciphertext(params, a.scale(), newPolys(a.size(), a.level() + 1));
        negateInto(a, out);
        return out;
    }

    /** {@code out = -a}. */
    public void negateInto(Ciphertext a, Ciphertext out) {
        checkParams(a, "a");
        RnsPoly[] res = target(out, a.size(), a.level() + 1, a);
        par.forEach(a.level() + 1, i -> {
            for (int k = 0; k < a.size(); k++) {
                ring.negLimb(i, a.poly(k).limb(i), res[k].limb(i));
            }
        });
        out.set(a.scale(), res);
    }

    /** {@code a + pt} (same scale; the plaintext may sit at a higher level). */
    public Ciphertext addPlain(Ciphertext a, Plaintext pt) {
        Ciphertext out = blank(a);
        addPlainInto(a, pt, out);
        return out;
    }

    /**
     * A ciphertext shaped like {@code a} (size, level, scale) on recycled limbs whose old content stays: for results
     * that write every coefficient (a deep copy allocated fresh memory, whose garbage brought collector pauses into
     * the operations of a long run).
     */
    private Ciphertext blank(Ciphertext a) {
        checkParams(a, "a");
        return new Ciphertext(params, a.scale(), newPolys(a.size(), a.level() + 1, false));
    }

    /** {@code out = a + pt}. */
    public void addPlainInto(Ciphertext a, Plaintext pt, Ciphertext out) {
        addSubPlain(a, pt, out, false);
    }

    /** {@code a - pt}. */
    public Ciphertext subPlain(Ciphertext a, Plaintext pt) {
        Ciphertext out = blank(a);
        subPlainInto(a, pt, out);
        return out;
    }

    /** {@code out = a - pt}. */
    public void subPlainInto(Ciphertext a, Plaintext pt, Ciphertext out) {
        addSubPlain(a, pt, out, true);
    }

    private void addSubPlain(Ciphertext a, Plaintext pt, Ciphertext out, boolean sub) {
        checkPlain(a, pt);
        checkScale(a.scale(), pt.scale());
        RnsPoly[] res = target(out, a.size(), a.level() + 1, a);
        par.forEach(a.level() + 1, i -> {
            if (sub) {
                ring.subLimb(i, a.poly(0).limb(i), pt.poly().limb(i), res[0].limb(i));
            } else {
                ring.addLimb(i, a.poly(0).limb(i), pt.poly().limb(i), res[0].limb(i));
            }
            for (int k = 1; k < a.size(); k++) {
                if (res[k] != a.poly(k)) {
                    System.arraycopy(a.poly(k).limb(i), 0, res[k].limb(i), 0, n);
                }
            }
        });
        out.set(a.scale(), res);
    }

    /** {@code a + c} in every slot (c is encoded at the ciphertext's scale; no level used). */
    public Ciphertext addConst(Ciphertext a, double c) {
        checkParams(a, "a");
        Ciphertext out = blank(a);
        addConstInto(a, c, out);
        return out;
    }

    /** {@code c * a.scale}, which must be finite. */
    private static double constantTimesScale(Ciphertext a, double c) {
        double v = c * a.scale();
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("constant times scale must be finite, but was " + v);
        }
        return v;
    }

    /** {@code a += c} in every slot, in place (only the first polynomial changes; no level used). */
    public void addConstInPlace(Ciphertext a, double c) {
        checkParams(a, "a");
        addConstInto(a, c, a);
    }

    /**
     * {@code out = a + c} limb by limb: the first polynomial plus the constant's residue, the others copied (nothing to
     * copy when {@code out} is {@code a}); {@code out} shaped like {@code a}.
     */
    private void addConstInto(Ciphertext a, double c, Ciphertext out) {
        double v = constantTimesScale(a, c);
        par.forEach(a.level() + 1, i -> {
            ring.addScalarLimb(i, a.poly(0).limb(i), ring.roundedResidue(v, i), out.poly(0).limb(i));
            for (int k = 1; k < a.size() && out != a; k++) {
                System.arraycopy(a.poly(k).limb(i), 0, out.poly(k).limb(i), 0, n);
            }
        });
    }

    // ---------------------------------------------------------------- products

    /** {@code a * pt}: the scale becomes {@code a.scale * pt.scale} (rescale afterwards). */
    public Ciphertext mulPlain(Ciphertext a, Plaintext pt) {
        // every coefficient is written: recycled limbs need no clearing (a serial memset before the parallel product)
        Ciphertext out = new Ciphertext(params, a.scale(), newPolys(a.size(), a.level() + 1, false));
        mulPlainInto(a, pt, out);
        return out;
    }

    /** {@code out = a * pt}. */
    public void mulPlainInto(Ciphertext a, Plaintext pt, Ciphertext out) {
        checkPlain(a, pt);
        RnsPoly[] res = target(out, a.size(), a.level() + 1, a);
        par.forEach(a.level() + 1, i -> {
            if (a.size() == 2) {
                // read the plaintext once for both polynomials
                ring.mulLimb2(i, a.poly(0).limb(i), a.poly(1).limb(i), pt.poly().limb(i), res[0].limb(i),
                        res[1].limb(i));
            } else {
                for (int k = 0; k < a.size(); k++) {
                    ring.mulLimb(i, a.poly(k).limb(i), pt.poly().limb(i), res[k].limb(i));
                }
            }
        });
        out.set(a.scale() * pt.scale(), res);
    }

    /** {@code a * c} for an integer constant: scale and level unchanged. */
    public Ciphertext mulConstInteger(Ciphertext a, long c) {
        return mulResidues(a, i -> ring.modulus(i).reduceSigned(c), a.scale());
    }

    /**
     * {@code a * c} for a real constant, encoded as {@code round(c * q_level)}: the scale becomes
     * {@code a.scale * q_level}, so a following {@link #rescale} restores {@code a.scale} exactly (one level used).
     * For integer constants use {@link #mulConstInteger} (no level used).
     */
    public Ciphertext mulConst(Ciphertext a, double c) {
        checkParams(a, "a");
        return mulConstScaled(a, c, params.rlwe().q(a.level()));
    }

    /**
     * {@code a * c} with the constant encoded as {@code round(c * constScale)}: the scale becomes
     * {@code a.scale * constScale} (an integer multiply per RNS limb, no plaintext polynomial).
     */
    public Ciphertext mulConstScaled(Ciphertext a, double c, double constScale) {
        double v = c * constScale;
        return mulResidues(a, i -> ring.roundedResidue(v, i), a.scale() * constScale);
    }

    /** {@code a} times one integer per RNS limb ({@code residue(i)} modulo prime i); the result has {@code scale}. */
    private Ciphertext mulResidues(Ciphertext a, java.util.function.IntToLongFunction residue, double scale) {
        checkParams(a, "a");
        Ciphertext out = new Ciphertext(params, a.scale(), newPolys(a.size(), a.level() + 1));
        par.forEach(a.level() + 1, i -> {
            long ci = residue.applyAsLong(i);
            for (int k = 0; k < a.size(); k++) {
                ring.mulScalarLimb(i, a.poly(k).limb(i), ci, out.poly(k).limb(i));
            }
        });
        out.set(scale, polys(out));
        return out;
    }

    /**
     * {@code acc += a * pt} in place, the product computed into {@code product} (a buffer at {@code a}'s level and
     * size that the caller reuses from one accumulation to the next).
     *
     * @throws IllegalArgumentException if the levels, sizes or scales of {@code acc} and the product differ
     */
    public void mulPlainAccInto(Ciphertext acc, Ciphertext a, Plaintext pt, Ciphertext product) {
        mulPlainInto(a, pt, product);
        addInto(acc, product, acc);
    }

    /**
     * {@code acc += a * round(c * constScale)} in place (fused multiply-accumulate per RNS limb), for an accumulator
     * at {@code a}'s level and size whose scale is {@code a.scale * constScale}.
     *
     * @throws IllegalArgumentException if the levels, sizes or scales differ
     */
    public void mulConstAccInto(Ciphertext acc, Ciphertext a, double c, double constScale) {
        checkParams(a, "a");
        checkParams(acc, "acc");
        if (acc.level() != a.level() || acc.size() != a.size()) {
            throw new IllegalArgumentException("accumulator must match the operand's level and size, but had level "
                    + acc.level() + "/size " + acc.size() + " vs " + a.level() + "/" + a.size());
        }
        checkScale(acc.scale(), a.scale() * constScale);
        double v = c * constScale;
        par.forEach(a.level() + 1, i -> {
            long ci = ring.roundedResidue(v, i);
            for (int k = 0; k < a.size(); k++) {
                ring.mulScalarAddLimb(i, a.poly(k).limb(i), ci, acc.poly(k).limb(i));
            }
        });
    }

    static RnsPoly[] polys(Ciphertext c) {
        RnsPoly[] p = new RnsPoly[c.size()];
        for (int k = 0; k < p.length; k++) {
            p[k] = c.poly(k);
        }
        return p;
    }

    /** {@code a * b} without relinearization (size 3); the scale is the product of the scales. */
    public Ciphertext mul(Ciphertext a, Ciphertext b) {
        Ciphertext out = new Ciphertext(params, a.scale(), newPolys(3, a.level() + 1, false));
        mulInto(a, b, out);
        return out;
    }

    /** {@code out = a * b} (size 3; {@code out} may be {@code a} or {@code b}). */
    public void mulInto(Ciphertext a, Ciphertext b, Ciphertext out) {
        checkBinary(a, b);
        checkSize2(a, "mul");
        checkSize2(b, "mul");
        int limbs = a.level() + 1;
        RnsPoly[] res = (out != a && out != b) ? target(out, 3, limbs) : newPolys(3, limbs);
        par.forEach(limbs, i -> {
            var m = ring.modulus(i);
            long[] a0 = a.poly(0).limb(i);
            long[] a1 = a.poly(1).limb(i);
            long[] b0 = b.poly(0).limb(i);
            long[] b1 = b.poly(1).limb(i);
            long[] r0 = res[0].limb(i);
            long[] r1 = res[1].limb(i);
            long[] r2 = res[2].limb(i);
            for (int k = 0; k < n; k++) {
                long x0 = a0[k];
                long x1 = a1[k];
                long y0 = b0[k];
                long y1 = b1[k];
                r0[k] = m.reduceProduct(Math.unsignedMultiplyHigh(x0, y0), x0 * y0);
                r2[k] = m.reduceProduct(Math.unsignedMultiplyHigh(x1, y1), x1 * y1);
                long l1 = x0 * y1;
                long l2 = x1 * y0;
                long lo = l1 + l2;
                long hi = Math.unsignedMultiplyHigh(x0, y1) + Math.unsignedMultiplyHigh(x1, y0)
                        + (((l1 & l2) | ((l1 | l2) & ~lo)) >>> 63);
                r1[k] = m.reduceProduct(hi, lo);
            }
        });
        out.set(a.scale() * b.scale(), res);
    }

    /** {@code a^2} without relinearization (size 3). */
    public Ciphertext square(Ciphertext a) {
        Ciphertext out = new Ciphertext(params, a.scale(), newPolys(3, a.level() + 1, false));
        squareInto(a, out);
        return out;
    }

    /** {@code out = a^2} (size 3). */
    public void squareInto(Ciphertext a, Ciphertext out) {
        checkParams(a, "a");
        checkSize2(a, "square");
        int limbs = a.level() + 1;
        RnsPoly[] res = out != a ? target(out, 3, limbs) : newPolys(3, limbs);
        par.forEach(limbs, i -> {
            var m = ring.modulus(i);
            long q = m.value();
            long[] a0 = a.poly(0).limb(i);
            long[] a1 = a.poly(1).limb(i);
            long[] r0 = res[0].limb(i);
            long[] r1 = res[1].limb(i);
            long[] r2 = res[2].limb(i);
            for (int k = 0; k < n; k++) {
                long x0 = a0[k];
                long x1 = a1[k];
                r0[k] = m.reduceProduct(Math.unsignedMultiplyHigh(x0, x0), x0 * x0);
                r2[k] = m.reduceProduct(Math.unsignedMultiplyHigh(x1, x1), x1 * x1);
                long c = m.reduceProduct(Math.unsignedMultiplyHigh(x0, x1), x0 * x1);
                c <<= 1;
                r1[k] = Modulus.csub(c, q);
            }
        });
        out.set(a.scale() * a.scale(), res);
    }

    /** Relinearizes a size-3 ciphertext to size 2 (returns a copy if already size 2). */
    public Ciphertext relinearize(Ciphertext a) {
        Ciphertext out = new Ciphertext(params, a.scale(), newPolys(2, a.level() + 1));
        relinearizeInto(a, out);
        return out;
    }

    /** {@code out = relinearize(a)}. */
    public void relinearizeInto(Ciphertext a, Ciphertext out) {
        checkParams(a, "a");
        int limbs = a.level() + 1;
        if (a.size() == 2) {
            if (out != a) {
                out.set(a.scale(), polys(a.copy()));
            }
            return;
        }
        if (keys == null || keys.relinKey() == null) {
            throw new IllegalStateException("relinearization needs a relinearization key, but the evaluator has none");
        }
        if (keys.relinKey().key().level() < a.level()) {
            throw new IllegalArgumentException("relinearization at level " + a.level() + " needs a relinearization key"
                    + " of level >= " + a.level() + ", but the key only reaches level " + keys.relinKey().key().level());
        }
        RnsPoly bT = pooled(limbs);
        RnsPoly aT = pooled(limbs);
        switcher.switchKey(a.poly(2), keys.relinKey().key(), null, bT, aT, par, pool);
        RnsPoly c0 = a.poly(0);
        RnsPoly c1 = a.poly(1);
        RnsPoly[] res = out == a ? new RnsPoly[]{c0, c1} : target(out, 2, limbs);
        par.forEach(limbs, i -> {
            ring.addLimb(i, c0.limb(i), bT.limb(i), res[0].limb(i));
            ring.addLimb(i, c1.limb(i), aT.limb(i), res[1].limb(i));
        });
        release(bT);
        release(aT);
        out.set(a.scale(), res);
    }

    RnsPoly pooled(int limbs) {
        long[][] l = new long[limbs][];
        for (int i = 0; i < limbs; i++) {
            l[i] = pool.take();
        }
        return new RnsPoly(l, true);
    }

    void release(RnsPoly p) {
        for (int i = 0; i < p.limbCount(); i++) {
            pool.give(p.limb(i));
        }
    }

    /** {@code relinearize(a * b)}. */
    public Ciphertext mulRelin(Ciphertext a, Ciphertext b) {
        Ciphertext t = mul(a, b);
        relinearizeInto(t, t);
        return t;
    }

    // ---------------------------------------------------------------- levels and scales

    /** Divides by the top prime {@code q_level} with rounding: level - 1, scale / q_level. */
    public Ciphertext rescale(Ciphertext a) {
        Ciphertext out = new Ciphertext(params, a.scale(), newPolys(a.size(), Math.max(1, a.level())));
        rescaleInto(a, out);
        return out;
    }

    /** {@code out = rescale(a)} ({@code out} may be {@code a}). */
    public void rescaleInto(Ciphertext a, Ciphertext out) {
        levels.rescaleInto(a, out);
    }

    /** A copy of {@code a} at the lower {@code level} (drops top primes; the scale is unchanged). */
    public Ciphertext dropToLevel(Ciphertext a, int level) {
        return levels.dropToLevel(a, level);
    }

    /**
     * Brings {@code a} to {@code targetScale} at the cost of one level: multiplies by the integer
     * {@code round(targetScale * q_level / a.scale)} and rescales. The resulting scale equals the target within a
     * relative {@code 2^-20} or better (exactly tracked).
     *
     * @throws IllegalArgumentException if the level is 0 or the factor would be below 2^20 (too imprecise)
     */
    public Ciphertext alignScale(Ciphertext a, double targetScale) {
        return levels.alignScale(a, targetScale);
    }

    /**
     * Returns copies of {@code a} and {@code b} with equal level and scale, ready for {@link #add}: if the scales
     * differ, the operand with the higher level (or {@code a} if equal) is brought to the other's scale with
     * {@link #alignScale} (one level); then the higher one is dropped to the lower level.
     */
    public Ciphertext[] align(Ciphertext a, Ciphertext b) {
        return levels.align(a, b);
    }

    // ---------------------------------------------------------------- rotations

    /** The Galois element of a left rotation by {@code k} slots. */
    public long rotationElement(int k) {
        return Automorphism.rotationElement(params.logN(), k);
    }

    /**
     * Rotates the slots left by {@code k}: slot {@code i + k} moves to slot {@code i} (indices mod N/2; negative
     * {@code k} rotates right). Needs the Galois key of {@code 5^k mod 2N}.
     */
    public Ciphertext rotate(Ciphertext a, int k) {
        return galois.rotate(a, k);
    }

    /** Complex conjugation of every slot (needs the conjugation key). */
    public Ciphertext conjugate(Ciphertext a) {
        return galois.conjugate(a);
    }

    /**
     * Several rotations of one ciphertext sharing one key-switching decomposition (hoisting): much cheaper than
     * separate {@link #rotate} calls. Returns one ciphertext per step, in order; equal to {@code rotate(a, k)}
     * up to the fresh key-switching noise.
     */
    public Ciphertext[] rotateHoisted(Ciphertext a, int... steps) {
        return galois.rotateHoisted(a, steps);
    }

    /**
     * As {@link #rotateHoisted(Ciphertext, int...)}, calling {@code beforeStep.accept(s)} after the shared
     * decomposition and before rotation {@code s} is computed (e.g. to time the decomposition and each rotation apart).
     */
    public Ciphertext[] rotateHoisted(Ciphertext a, int[] steps, java.util.function.IntConsumer beforeStep) {
        return galois.rotateHoisted(a, steps, beforeStep);
    }

    /** {@code out = rotate(a, k)} ({@code out} may be {@code a}; its polynomials are reused when shaped alike). */
    public void rotateInto(Ciphertext a, int k, Ciphertext out) {
        galois.rotateInto(a, k, out);
    }

    /** {@code out = conjugate(a)}. */
    public void conjugateInto(Ciphertext a, Ciphertext out) {
        galois.conjugateInto(a, out);
    }

    /** Stops the thread pool (no-op for one thread). */
    @Override
    public void close() {
        if (par != Parallel.SEQUENTIAL) {
            par.close();
        }
    }
}
