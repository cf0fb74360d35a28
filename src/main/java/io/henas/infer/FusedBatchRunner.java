package io.henas.infer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.henas.ckks.Ciphertext;
import io.henas.he.HePlan;
import io.henas.he.Layout;
import io.henas.he.OpCode;
import io.henas.he.OpCounts;
import io.henas.he.PlanRunner;

/**
 * Executes a batch-packed plan ({@code he.packing: batch}) with its linear layers fused: the plan's windows of
 * ciphertext-by-constant products ({@link #windows}: a convolution or dense layer, every output a MUL_CONST, its
 * MUL_CONST_ACCs, a RESCALE and an ADD_PLAIN) run as one {@link io.henas.ckks.ConstProducts} batch (blocked by
 * coefficient ranges, lazy reduction, both threads), then the window's rescales and bias additions in plan order; the
 * rest of the plan runs instruction by instruction through {@link PlanRunner#runSegment}. Same instructions, another
 * order inside a window (legal: no product of a window reads a register the window writes), so the outputs are
 * bit-identical to {@link PlanRunner#run} and the counts equal {@link OpCounts#of}.
 */
final class FusedBatchRunner {
    private FusedBatchRunner() {
    }

    /** The result: the output registers in output layout order and the executed counts. */
    record Result(List<Ciphertext> outputs, OpCounts counts) {
    }

    /**
     * The fusable windows {@code [start, end)} of the plan, in order: maximal runs of MUL_CONST, MUL_CONST_ACC, RESCALE
     * and ADD_PLAIN where every accumulator is opened by a MUL_CONST in the run (on a register no product of the run
     * reads), accumulated by MUL_CONST_ACCs, then rescaled in place (and only then given in-place ADD_PLAINs), and no
     * product reads a register the run writes (operand or scale target). A run that ends at an accumulation reading
     * one of its values ends before the product that opened that accumulator instead. Runs with fewer than two
     * products are left out.
     */
    static List<int[]> windows(HePlan plan) {
        List<int[]> out = new ArrayList<>();
        int n = plan.instructionCount();
        int i = 0;
        while (i < n) {
            if (plan.op(i) != OpCode.MUL_CONST) {
                i++;
                continue;
            }
            Set<Integer> open = new HashSet<>();
            Set<Integer> closed = new HashSet<>();
            Set<Integer> read = new HashSet<>();
            Map<Integer, Integer> opener = new HashMap<>();
            int products = 0;
            int j = i;
            scan:
            for (; j < n; j++) {
                OpCode op = plan.op(j);
                int d = plan.dst(j);
                int a = plan.a(j);
                int t = plan.scaleTarget(j);
                switch (op) {
                    case MUL_CONST -> {
                        if (open.contains(d) || closed.contains(d) || read.contains(d) || d == a
                                || written(open, closed, a) || written(open, closed, t) || t == d) {
                            break scan;
                        }
                        open.add(d);
                        opener.put(d, j);
                        read.add(a);
                        products++;
                    }
                    case MUL_CONST_ACC -> {
                        if (!open.contains(d) || d == a || written(open, closed, a) || written(open, closed, t)) {
                            break scan;
                        }
                        read.add(a);
                        products++;
                    }
                    case RESCALE -> {
                        if (d != a || !open.contains(d)) {
                            break scan;
                        }
                        open.remove(d);
                        closed.add(d);
                    }
                    case ADD_PLAIN -> {
                        if (d != a || !closed.contains(d)) {
                            break scan;
                        }
                    }
                    default -> {
                        break scan;
                    }
                }
            }
            if (j < n && plan.op(j) == OpCode.MUL_CONST_ACC && open.contains(plan.dst(j))
                    && opener.get(plan.dst(j)) > i) {
                // an accumulation that cannot join (it reads a value of the window): end the window before the
                // product that opened its accumulator, so that the next window takes that whole output
                j = opener.get(plan.dst(j));
                products = 0;
                for (int k = i; k < j; k++) {
                    products += plan.op(k) == OpCode.MUL_CONST || plan.op(k) == OpCode.MUL_CONST_ACC ? 1 : 0;
                }
            }
            if (products >= 2) {
                out.add(new int[]{i, j});
            }
            i = Math.max(j, i + 1);
        }
        return out;
    }

    private static boolean written(Set<Integer> open, Set<Integer> closed, int r) {
        return r >= 0 && (open.contains(r) || closed.contains(r));
    }

    /** Runs the plan on {@code inputs} (one per input register, in input layout order). */
    static Result run(HePlan plan, CkksPlanBackend backend, List<Ciphertext> inputs) {
        return run(plan, windows(plan), backend, inputs);
    }

    /** As {@link #run(HePlan, CkksPlanBackend, List)} with the plan's {@link #windows} computed once by the caller. */
    static Result run(HePlan plan, List<int[]> windows, CkksPlanBackend backend, List<Ciphertext> inputs) {
        Layout in = plan.inputLayout();
        if (inputs.size() != in.regCount()) {
            throw new IllegalArgumentException("the plan needs " + in.regCount() + " input ciphertexts, but had "
                    + inputs.size());
        }
        Map<Integer, Ciphertext> live = new HashMap<>();
        for (int k = 0; k < in.regCount(); k++) {
            live.put(in.regAt(k), inputs.get(k));
        }
        OpCounts counts = new OpCounts(plan.net().nodes().size(), plan.depth());
        int pos = 0;
        for (int[] w : windows) {
            if (pos < w[0]) {
                PlanRunner.Segment<Ciphertext> s = PlanRunner.runSegment(plan, backend, live, pos, w[0]);
                live = new HashMap<>(s.registers());
                counts.add(s.counts());
            }
            window(plan, backend, live, w[0], w[1], counts);
            pos = w[1];
        }
        int n = plan.instructionCount();
        if (pos < n) {
            PlanRunner.Segment<Ciphertext> s = PlanRunner.runSegment(plan, backend, live, pos, n);
            live = new HashMap<>(s.registers());
            counts.add(s.counts());
        }
        Layout o = plan.outputLayout();
        List<Ciphertext> outs = new ArrayList<>();
        for (int k = 0; k < o.regCount(); k++) {
            Ciphertext c = live.get(o.regAt(k));
            if (c == null) {
                throw new IllegalStateException("output register " + o.regAt(k) + " was not written");
            }
            outs.add(c);
        }
        return new Result(outs, counts);
    }

    /** Executes window {@code [from, to)}: its products as one batch, then its rescales and additions in order. */
    private static void window(HePlan plan, CkksPlanBackend backend, Map<Integer, Ciphertext> live, int from, int to,
                               OpCounts counts) {
        for (int j = from; j < to; j++) {
            OpCode op = plan.op(j);
            if (op != OpCode.MUL_CONST && op != OpCode.MUL_CONST_ACC) {
                continue;
            }
            backend.before(j);
            Ciphertext x = need(live, plan.a(j), j);
            Ciphertext t = plan.scaleTarget(j) >= 0 ? need(live, plan.scaleTarget(j), j) : null;
            if (op == OpCode.MUL_CONST) {
                Ciphertext old = live.put(plan.dst(j), backend.deferMulConst(x, plan.b(j), t));
                if (old != null) {
                    backend.free(old); // a register reused by the plan
                }
            } else {
                backend.deferMulConstAcc(need(live, plan.dst(j), j), x, plan.b(j), t);
            }
            counts.record(plan, j);
        }
        backend.runDeferred();
        for (int j = from; j < to; j++) {
            OpCode op = plan.op(j);
            if (op == OpCode.MUL_CONST || op == OpCode.MUL_CONST_ACC) {
                continue;
            }
            backend.before(j);
            Ciphertext x = need(live, plan.a(j), j);
            Ciphertext y = op == OpCode.RESCALE ? backend.rescale(x) : backend.addPlain(x, plan.b(j));
            if (y != x) {
                backend.free(x);
            }
            live.put(plan.dst(j), y);
            counts.record(plan, j);
        }
        for (int j = from; j < to; j++) {
            int[] rs = {plan.dst(j), plan.a(j), plan.scaleTarget(j)};
            for (int r : rs) {
                if (r >= 0 && plan.lastUse(r) == j) {
                    Ciphertext c = live.remove(r);
                    if (c != null) {
                        backend.free(c);
                    }
                }
            }
        }
    }

    private static Ciphertext need(Map<Integer, Ciphertext> live, int r, int i) {
        Ciphertext c = live.get(r);
        if (c == null) {
            throw new IllegalStateException("instruction " + i + " reads register " + r
                    + " before it is written or after it is freed");
        }
        return c;
    }
}
