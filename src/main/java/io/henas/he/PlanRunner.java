package io.henas.he;

import java.util.Arrays;
import java.util.List;

/**
 * Executes an {@link HePlan} on a {@link PlanBackend}: keeps the register file, groups a HOIST with the
 * ROTATE_HOISTEDs of the same register that follow it into one {@link PlanBackend#rotateHoisted} call, frees each
 * register after its last use and counts every instruction ({@link OpCounts}, equal to {@link OpCounts#of} by
 * construction). Not thread-safe.
 */
public final class PlanRunner {
    private PlanRunner() {
    }

    /**
     * The result of a run.
     *
     * @param outputs the output layout's registers, in {@link Layout#regAt} order
     * @param counts  the operations executed
     * @param peakLive the most registers live at once
     */
    public record Result<C>(List<C> outputs, OpCounts counts, int peakLive) {
        public Result {
            outputs = List.copyOf(outputs);
        }
    }

    /**
     * Runs the plan.
     *
     * @param inputs one ciphertext per input register, in {@link HePlan#inputLayout()} {@code regAt} order
     */
    @SuppressWarnings("unchecked")
    public static <C> Result<C> run(HePlan plan, PlanBackend<C> backend, List<C> inputs) {
        Layout in = plan.inputLayout();
        if (inputs.size() != in.regCount()) {
            throw new IllegalArgumentException("the plan needs " + in.regCount() + " input ciphertexts, but had "
                    + inputs.size());
        }
        Object[] reg = new Object[plan.registerCount()];
        int live = 0;
        for (int k = 0; k < in.regCount(); k++) {
            reg[in.regAt(k)] = inputs.get(k);
            live++;
        }
        OpCounts counts = new OpCounts(plan.net().nodes().size(), plan.depth());
        int n = plan.instructionCount();
        int peak = execute(plan, backend, reg, 0, n, counts, live);
        Layout o = plan.outputLayout();
        C[] outs = (C[]) new Object[o.regCount()];
        for (int k = 0; k < o.regCount(); k++) {
            outs[k] = (C) need(reg, o.regAt(k), n);
        }
        return new Result<>(Arrays.asList(outs), counts, peak);
    }

    /**
     * The state of the registers between two instructions, for running a plan in segments: register number to value,
     * holding exactly the registers written before and still needed at or after that point.
     *
     * @param registers the live registers
     * @param counts    the operations the segment executed
     */
    public record Segment<C>(java.util.Map<Integer, C> registers, OpCounts counts) {
        public Segment {
            registers = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(registers));
        }
    }

    /**
     * Runs instructions {@code [from, to)} of the plan on the registers {@code live} (those live before {@code from},
     * e.g. the previous segment's result, or the input registers for {@code from = 0}), freeing registers at their last
     * use as {@link #run} does. Running consecutive segments executes and counts exactly what {@link #run} does. A
     * segment must not start inside a HOIST group (between a HOIST and its ROTATE_HOISTEDs).
     *
     * @throws IllegalArgumentException if the range is outside the plan or starts inside a HOIST group
     * @throws IllegalStateException if an instruction reads a register that {@code live} does not hold
     */
    @SuppressWarnings("unchecked")
    public static <C> Segment<C> runSegment(HePlan plan, PlanBackend<C> backend, java.util.Map<Integer, C> live,
                                            int from, int to) {
        int n = plan.instructionCount();
        if (from < 0 || from > to || to > n) {
            throw new IllegalArgumentException("segment must satisfy 0 <= from <= to <= " + n + ", but was [" + from
                    + ", " + to + ")");
        }
        if (from < n && from > 0 && plan.op(from) == OpCode.ROTATE_HOISTED) {
            throw new IllegalArgumentException("segment must not start inside a HOIST group, but instruction " + from
                    + " is a ROTATE_HOISTED");
        }
        Object[] reg = new Object[plan.registerCount()];
        for (java.util.Map.Entry<Integer, C> e : live.entrySet()) {
            reg[e.getKey()] = e.getValue();
        }
        OpCounts counts = new OpCounts(plan.net().nodes().size(), plan.depth());
        execute(plan, backend, reg, from, to, counts, live.size());
        java.util.Map<Integer, C> out = new java.util.HashMap<>();
        for (int r = 0; r < reg.length; r++) {
            if (reg[r] != null) {
                out.put(r, (C) reg[r]);
            }
        }
        return new Segment<>(out, counts);
    }

    /** Executes instructions {@code [from, to)} on the register file; returns the peak number of live registers. */
    @SuppressWarnings("unchecked")
    private static <C> int execute(HePlan plan, PlanBackend<C> backend, Object[] reg, int from, int to,
                                   OpCounts counts, int live) {
        int peak = live;
        for (int i = from; i < to; i++) {
            OpCode op = plan.op(i);
            int dst = plan.dst(i);
            int a = plan.a(i);
            int b = plan.b(i);
            C x = a >= 0 ? (C) need(reg, a, i) : null;
            C t = plan.scaleTarget(i) >= 0 ? (C) need(reg, plan.scaleTarget(i), i) : null;
            backend.before(i);
            if (op == OpCode.HOIST) {
                counts.record(plan, i);
                int j = i + 1;
                while (j < to && plan.op(j) == OpCode.ROTATE_HOISTED && plan.a(j) == a) {
                    j++;
                }
                int[] steps = new int[j - i - 1];
                for (int s = 0; s < steps.length; s++) {
                    steps[s] = plan.b(i + 1 + s);
                }
                final int first = i + 1;
                C[] outs = backend.rotateHoisted(x, steps, s -> backend.before(first + s));
                for (int s = 0; s < steps.length; s++) {
                    int k = i + 1 + s;
                    counts.record(plan, k);
                    live += reg[plan.dst(k)] == null ? 1 : 0;
                    reg[plan.dst(k)] = outs[s];
                    peak = Math.max(peak, live);
                    live -= release(plan, backend, reg, k);
                }
                live -= release(plan, backend, reg, i);
                i = j - 1;
                continue;
            }
            counts.record(plan, i);
            C out = switch (op) {
                case ROTATE -> backend.rotate(x, b);
                case ROTATE_HOISTED -> backend.rotateHoisted(x, new int[]{b})[0];
                case MUL_PLAIN -> backend.mulPlain(x, b, t);
                case MUL_PLAIN_ACC -> backend.mulPlainAcc((C) need(reg, dst, i), x, b, t);
                case MUL_CONST -> backend.mulConst(x, b, t);
                case MUL_CONST_ACC -> backend.mulConstAcc((C) need(reg, dst, i), x, b, t);
                case MUL_CT -> backend.mulCt(x, (C) need(reg, b, i));
                case RELINEARIZE -> backend.relinearize(x);
                case RESCALE -> backend.rescale(x);
                case DROP_LEVEL -> backend.dropLevel(x, b);
                case ADD -> backend.add(x, (C) need(reg, b, i));
                case ADD_PLAIN -> backend.addPlain(x, b);
                case HOIST -> throw new IllegalStateException("unreachable");
            };
            Object old = reg[dst];
            if (old == null) {
                live++;
                peak = Math.max(peak, live);
            } else if (old != out) {
                backend.free((C) old); // replaced by an out-of-place result of an in-place instruction
            }
            reg[dst] = out;
            live -= release(plan, backend, reg, i);
        }
        return peak;
    }

    private static Object need(Object[] reg, int r, int i) {
        Object v = reg[r];
        if (v == null) {
            throw new IllegalStateException("instruction " + i + " reads register " + r
                    + " before it is written or after it is freed");
        }
        return v;
    }

    /**
     * Frees the registers whose last use is instruction {@code i}; returns how many. An operand register that holds
     * the destination's value (a backend that reused a dying operand's memory for the result) is cleared, not freed.
     */
    @SuppressWarnings("unchecked")
    private static <C> int release(HePlan plan, PlanBackend<C> backend, Object[] reg, int i) {
        int freed = 0;
        int dst = plan.dst(i);
        Object result = dst >= 0 ? reg[dst] : null;
        int[] rs = {dst, plan.a(i), HePlan.readsB(plan.op(i)) ? plan.b(i) : -1, plan.scaleTarget(i)};
        for (int r : rs) {
            if (r >= 0 && reg[r] != null && plan.lastUse(r) == i) {
                if (r == dst || reg[r] != result) {
                    backend.free((C) reg[r]);
                }
                reg[r] = null;
                freed++;
            }
        }
        return freed;
    }
}
