package io.henas.he;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The code buffer of one compilation: appends {@link OpCode} instructions, owns the virtual registers (their depth
 * in levels consumed, their scale tag and whether their empty blocks are clean), the scale target of the products
 * being emitted, the plaintext and scalar constant pools and the set of Galois steps used. The lowering passes
 * ({@link ConvLowering}, {@link DenseLowering}, {@link ElementwiseLowering}) only talk to it; it knows nothing of
 * layers.
 */
final class Emitter {
    private final int slots;

    private int[] code = new int[4096];
    private int[] nodeOf = new int[1024];
    private int[] opDepth = new int[1024];
    private int[] scaleRef = new int[1024];
    private int count;
    private int[] regDepth = new int[256];
    private int[] regTag = new int[256];
    /** Whether a register's empty blocks hold zeros at the valid slots (false only after a non-1x1 dense). */
    private boolean[] regClean = new boolean[256];
    /** Register whose scale the products being emitted must land on after rescaling (-1: the plan's scale). */
    private int target = -1;
    private int regs;
    private final List<Plaintext> pts = new ArrayList<>();
    private final Map<Double, Integer> scalars = new HashMap<>();
    private final TreeSet<Integer> steps = new TreeSet<>();
    private int curNode;
    /** Batch packing: a square's scale class is determined by its operands' classes and level. */
    private Map<List<Integer>, Integer> squareTags;

    Emitter(int slots) {
        this.slots = slots;
    }

    /** The network node the following instructions belong to. */
    void node(int id) {
        curNode = id;
    }

    /**
     * From now on a MUL_CT's scale class is a function of its operands' classes and level (not one class per
     * product): the batch packing adds squares of equal-scale values (pooling) without scale fixes. The executors'
     * scales agree: equal operand scales at one level give equal product scales.
     */
    void structuralSquares() {
        squareTags = new HashMap<>();
    }

    /** Products emitted from now on land on register {@code r}'s scale after rescaling (-1: the plan's scale). */
    void target(int r) {
        target = r;
    }

    int depth(int r) {
        return regDepth[r];
    }

    void setDepth(int r, int depth) {
        regDepth[r] = depth;
    }

    int tag(int r) {
        return regTag[r];
    }

    boolean clean(int r) {
        return regClean[r];
    }

    void markDirty(int r) {
        regClean[r] = false;
    }

    int registerCount() {
        return regs;
    }

    /** The deepest register: the plan's multiplicative depth. */
    int maxDepth() {
        int depth = 0;
        for (int r = 0; r < regs; r++) {
            depth = Math.max(depth, regDepth[r]);
        }
        return depth;
    }

    int newReg(int depth) {
        if (regs == regDepth.length) {
            regDepth = Arrays.copyOf(regDepth, regs * 2);
            regTag = Arrays.copyOf(regTag, regs * 2);
            regClean = Arrays.copyOf(regClean, regs * 2);
        }
        regClean[regs] = true;
        regDepth[regs] = depth;
        regTag[regs] = -1;
        return regs++;
    }

    void emit(OpCode op, int dst, int a, int b, int depth) {
        if (count == nodeOf.length) {
            nodeOf = Arrays.copyOf(nodeOf, count * 2);
            opDepth = Arrays.copyOf(opDepth, count * 2);
            scaleRef = Arrays.copyOf(scaleRef, count * 2);
            code = Arrays.copyOf(code, count * 8);
        }
        boolean product = op == OpCode.MUL_PLAIN || op == OpCode.MUL_CONST || op == OpCode.MUL_PLAIN_ACC
                || op == OpCode.MUL_CONST_ACC;
        scaleRef[count] = product ? target : -1;
        switch (op) {
            case MUL_PLAIN, MUL_CONST -> regTag[dst] = target < 0 ? -1 : regTag[target];
            case MUL_PLAIN_ACC, MUL_CONST_ACC -> {
                if (regTag[dst] != (target < 0 ? -1 : regTag[target])) {
                    throw new IllegalStateException("accumulator " + dst + " mixes scale targets");
                }
            }
            case MUL_CT -> regTag[dst] = squareTags == null ? dst
                    : squareTags.computeIfAbsent(List.of(regTag[a], regTag[b], depth), k -> (1 << 28) + squareTags.size());
            case ROTATE, ROTATE_HOISTED, DROP_LEVEL, ADD_PLAIN -> regTag[dst] = regTag[a];
            case ADD -> {
                if (regTag[a] != regTag[b]) {
                    throw new IllegalStateException("add of registers " + a + " and " + b + " with different scales");
                }
                regTag[dst] = regTag[a];
            }
            default -> {
            }
        }
        code[4 * count] = op.ordinal();
        code[4 * count + 1] = dst;
        code[4 * count + 2] = a;
        code[4 * count + 3] = b;
        nodeOf[count] = curNode;
        opDepth[count] = depth;
        count++;
    }

    /** {@code rot(src, step)} in a new register, or {@code src} itself when the step is 0 mod N/2. */
    int rotate(int src, int step) {
        int s = Math.floorMod(step, slots);
        if (s == 0) {
            return src;
        }
        steps.add(s);
        int d = newReg(regDepth[src]);
        emit(OpCode.ROTATE, d, src, s, regDepth[src]);
        return d;
    }

    /** {@code dst = rot(src, step)} into a pre-allocated register. */
    void rotateInto(int dst, int src, int step) {
        int s = Math.floorMod(step, slots);
        steps.add(s);
        regDepth[dst] = regDepth[src];
        emit(OpCode.ROTATE, dst, src, s, regDepth[src]);
    }

    /** Whether a rotation by {@code step} (in {@code [1, N/2)}) was emitted already (its Galois key is needed). */
    boolean usesStep(int step) {
        return steps.contains(step);
    }

    /** Decomposes {@code src} once for the hoisted rotations that follow. */
    void hoist(int src) {
        emit(OpCode.HOIST, -1, src, 0, regDepth[src]);
    }

    int rotateHoisted(int src, int step) {
        steps.add(step);
        int d = newReg(regDepth[src]);
        emit(OpCode.ROTATE_HOISTED, d, src, step, regDepth[src]);
        return d;
    }

    void rescale(int r) {
        emit(OpCode.RESCALE, r, r, 0, regDepth[r]);
        regDepth[r]++;
    }

    /**
     * {@code a + b} in a new register. Registers of different scales (e.g. two activation outputs) are aligned first:
     * the shallower side is brought onto the other's scale by a product by 1 (one level on that side, usually free
     * because it was shallower anyway); then both are dropped to the deeper level.
     */
    int addAligned(int a, int b) {
        if (tag(a) != tag(b)) {
            boolean fixA = depth(a) < depth(b);
            int s = fixA ? a : b;
            int o = fixA ? b : a;
            int d = Math.max(depth(s), depth(o) - 1);
            s = dropTo(s, d);
            int f = newReg(d);
            target(o);
            emit(OpCode.MUL_CONST, f, s, scalar(1.0), d);
            target(-1);
            rescale(f);
            if (fixA) {
                a = f;
            } else {
                b = f;
            }
        }
        int depth = Math.max(depth(a), depth(b));
        a = dropTo(a, depth);
        b = dropTo(b, depth);
        int sum = newReg(depth);
        emit(OpCode.ADD, sum, a, b, depth);
        return sum;
    }

    /** {@code r} itself if already at {@code depth}, else a DROP_LEVEL copy. */
    int dropTo(int r, int depth) {
        if (regDepth[r] == depth) {
            return r;
        }
        if (regDepth[r] > depth) {
            throw new IllegalStateException("register " + r + " is deeper (" + regDepth[r] + ") than " + depth);
        }
        int d = newReg(depth);
        emit(OpCode.DROP_LEVEL, d, r, depth - regDepth[r], regDepth[r]);
        return d;
    }

    /** {@code a * b}, relinearized and rescaled, in a new register. */
    int square(int a, int b) {
        int y = squareUnsettled(a, b);
        settle(y);
        return y;
    }

    /**
     * {@code a * b} in a new register, neither relinearized nor rescaled (three polynomials at the operands' level
     * and the product of their scales): additions of such products stay exact, so a sum of many pays one
     * {@link #settle} instead of one per product.
     */
    int squareUnsettled(int a, int b) {
        int y = newReg(regDepth[a]);
        emit(OpCode.MUL_CT, y, a, b, regDepth[a]);
        return y;
    }

    /** Relinearizes and rescales a product (or a sum of products) of {@link #squareUnsettled}, in place. */
    void settle(int y) {
        emit(OpCode.RELINEARIZE, y, y, 0, regDepth[y]);
        rescale(y);
    }

    /**
     * Adds {@code src * pt} into accumulator {@code acc} (diagonal {@code slot} of {@code started}): the first product
     * initializes it; {@code uniform} products are constants (MUL_CONST then ADD), others fused MUL_PLAIN_ACC.
     */
    void accumulate(boolean[] started, int slot, int acc, int src, int pt, boolean uniform) {
        if (!started[slot]) {
            started[slot] = true;
            emit(uniform ? OpCode.MUL_CONST : OpCode.MUL_PLAIN, acc, src, pt, regDepth[src]);
            regDepth[acc] = regDepth[src];
        } else if (uniform) {
            int t = newReg(regDepth[src]);
            emit(OpCode.MUL_CONST, t, src, pt, regDepth[src]);
            emit(OpCode.ADD, acc, acc, t, regDepth[acc]);
        } else {
            emit(OpCode.MUL_PLAIN_ACC, acc, src, pt, regDepth[src]);
        }
    }

    /**
     * {@code out[t] = sum_{i < count} x[t + i * stride]} by binary doubling ({@code S_2m = S_m + rot(S_m, m*stride)},
     * {@code S_m+1 = x + rot(S_m, stride)}); returns {@code x} itself when {@code count == 1}, else a new register.
     */
    int strideSum(int x, int count, int stride) {
        if (count == 1) {
            return x;
        }
        int r = x;
        int m = 1;
        for (int bit = Integer.highestOneBit(count) >> 1; bit > 0; bit >>= 1) {
            int t = rotate(r, m * stride);
            int sum = newReg(regDepth[r]);
            emit(OpCode.ADD, sum, r, t, regDepth[r]);
            r = sum;
            m *= 2;
            if ((count & bit) != 0) {
                int t2 = rotate(r, stride);
                int sum2 = newReg(regDepth[r]);
                emit(OpCode.ADD, sum2, x, t2, regDepth[r]);
                r = sum2;
                m += 1;
            }
        }
        return r;
    }

    /** Index of a new plaintext operand. */
    int pt(Plaintext p) {
        pts.add(p);
        return pts.size() - 1;
    }

    /** Index of the (shared) constant plaintext {@code v}. */
    int scalar(double v) {
        return scalars.computeIfAbsent(v, x -> pt(new Plaintext.Scalar(x)));
    }

    /** The emitted program, ready for {@link HePlan}. */
    Program program() {
        return new Program(Arrays.copyOf(code, 4 * count), Arrays.copyOf(nodeOf, count), Arrays.copyOf(opDepth, count),
                Arrays.copyOf(scaleRef, count), List.copyOf(pts), regs, maxDepth(),
                steps.stream().mapToInt(Integer::intValue).toArray());
    }

    /** The instruction arrays, plaintext pool, register count, depth and Galois steps of a compiled plan. */
    record Program(int[] code, int[] nodeOf, int[] opDepth, int[] scaleRef, List<Plaintext> plaintexts,
                   int registerCount, int depth, int[] galoisSteps) {
    }
}
