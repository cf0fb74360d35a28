package io.henas.he;

import java.util.ArrayList;
import java.util.List;

/**
 * Executes an {@link HePlan} on plaintext slot vectors in double arithmetic, in the plan's exact order (through
 * {@link PlanRunner}): rotations are cyclic shifts of the {@code N/2} slots, products are slot-wise, RESCALE and
 * DROP_LEVEL only move the level. It checks what CKKS requires: operands at the levels the plan states, equal levels
 * and degrees for ADD and MUL_CT, products rescaled before reuse, relinearization before rescaling, the level staying
 * non-negative, and equal scales at every ADD (scale classes: the plan's scale, or the output of one MUL_CT). This is
 * the plaintext simulation of encrypted inference: with exact weights it equals {@link io.henas.ir.PlainForward}.
 */
public final class PlanSimulator implements PlanBackend<PlanSimulator.Slots> {
    private final HePlan plan;
    private final PlanBinding binding;
    private final int slots;
    private int current;
    private int tags;
    private double maxAbs;
    /** Batch packing: scale classes of squares by (operand classes, depth), as the compiler assigns them. */
    private final java.util.Map<List<Integer>, Integer> squareTags = new java.util.HashMap<>();

    private PlanSimulator(PlanBinding binding) {
        this.plan = binding.plan();
        this.binding = binding;
        this.slots = plan.slots();
    }

    /** A simulated ciphertext: slot values, consumed depth, degree (2 = not yet rescaled), size and scale class. */
    public static final class Slots {
        final double[] v;
        final int depth;
        final int degree;
        final boolean size3;
        final int tag;

        Slots(double[] v, int depth, int degree, boolean size3, int tag) {
            this.v = v;
            this.depth = depth;
            this.degree = degree;
            this.size3 = size3;
            this.tag = tag;
        }

        /** A copy of the slot values. */
        public double[] values() {
            return v.clone();
        }
    }

    /**
     * The result of one simulated inference.
     *
     * @param logits        the unpacked output (C-H-W order of the output node)
     * @param counts        the operations executed
     * @param maxAbsSlot    the largest |value| held in any register slot (drives the first prime's headroom)
     * @param peakRegisters the largest number of simultaneously live registers
     */
    public record Result(double[] logits, OpCounts counts, double maxAbsSlot, int peakRegisters) {
        public Result {
            logits = logits.clone();
        }

        @Override
        public double[] logits() {
            return logits.clone();
        }
    }

    /**
     * A simulator as a bare {@link PlanBackend}, for driving segments of a plan with
     * {@link PlanRunner#runSegment} (e.g. to get the plaintext value of every register between layers).
     */
    public static PlanSimulator backend(PlanBinding binding) {
        return new PlanSimulator(binding);
    }

    /** Packs an input (C-H-W order) as the simulator's input registers, keyed by register number. */
    public static java.util.Map<Integer, Slots> inputRegisters(PlanBinding binding, double[] input) {
        double[][] packed = binding.packInput(input);
        Layout l = binding.plan().inputLayout();
        java.util.Map<Integer, Slots> m = new java.util.HashMap<>();
        for (int k = 0; k < packed.length; k++) {
            m.put(l.regAt(k), new Slots(packed[k], 0, 1, false, -1));
        }
        return m;
    }

    /** Runs the plan on one input (C-H-W order). */
    public static Result run(PlanBinding binding, double[] input) {
        PlanSimulator sim = new PlanSimulator(binding);
        List<Slots> in = new ArrayList<>();
        for (double[] v : binding.packInput(input)) {
            in.add(new Slots(v, 0, 1, false, -1));
        }
        PlanRunner.Result<Slots> r = PlanRunner.run(binding.plan(), sim, in);
        double[][] out = new double[r.outputs().size()][];
        for (int k = 0; k < out.length; k++) {
            Slots s = r.outputs().get(k);
            if (s.degree != 1 || s.size3) {
                throw new IllegalStateException("output register " + k + " must hold a rescaled ciphertext at the end");
            }
            out[k] = s.v;
        }
        return new Result(binding.unpackOutput(out), r.counts(), sim.maxAbs, r.peakLive());
    }

    /**
     * Runs a batch-packed plan ({@link Packing#BATCH}) on up to {@code N/2} images at once (image {@code t} in slot
     * {@code t}); returns each image's logits and the run's counts.
     */
    public static BatchResult runBatch(PlanBinding binding, double[][] images) {
        PlanSimulator sim = new PlanSimulator(binding);
        List<Slots> in = new ArrayList<>();
        for (double[] v : binding.packBatch(images)) {
            in.add(new Slots(v, 0, 1, false, -1));
        }
        PlanRunner.Result<Slots> r = PlanRunner.run(binding.plan(), sim, in);
        double[][] out = new double[r.outputs().size()][];
        for (int k = 0; k < out.length; k++) {
            out[k] = r.outputs().get(k).v;
        }
        return new BatchResult(binding.unpackBatch(out, images.length), r.counts(), r.peakLive());
    }

    /** The result of one simulated batch: logits per image, the operations executed, the peak live registers. */
    public record BatchResult(double[][] logits, OpCounts counts, int peakRegisters) {
    }

    @Override
    public void before(int i) {
        current = i;
    }

    private void need(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("instruction " + current + " (" + plan.op(current) + "): " + what);
        }
    }

    private void operand(Slots a) {
        need(plan.level(current) == plan.depth() - a.depth, "the plan states level " + plan.level(current)
                + " but the operand is at level " + (plan.depth() - a.depth));
    }

    private Slots make(double[] v, int depth, int degree, boolean size3, int tag) {
        for (double x : v) {
            maxAbs = Math.max(maxAbs, Math.abs(x));
        }
        return new Slots(v, depth, degree, size3, tag);
    }

    private double[] rot(double[] x, int step) {
        double[] out = new double[slots];
        System.arraycopy(x, step, out, 0, slots - step);
        System.arraycopy(x, 0, out, slots - step, step);
        return out;
    }

    @Override
    public Slots rotate(Slots a, int step) {
        operand(a);
        need(!a.size3, "rotation needs a relinearized operand");
        need(step > 0 && step < slots, "rotation step must be in [1, " + slots + "), but was " + step);
        return make(rot(a.v, step), a.depth, a.degree, false, a.tag);
    }

    @Override
    public Slots[] rotateHoisted(Slots a, int[] steps) {
        need(a.degree == 1 && !a.size3, "hoisting needs a rescaled, relinearized operand");
        Slots[] out = new Slots[steps.length];
        for (int s = 0; s < steps.length; s++) {
            out[s] = rotate(a, steps[s]);
        }
        return out;
    }

    private Slots product(Slots a, double[] p, double c, Slots target) {
        operand(a);
        need(a.degree == 1 && !a.size3, "product of an unrescaled operand");
        double[] out = a.v.clone();
        for (int t = 0; t < slots; t++) {
            out[t] *= p == null ? c : p[t];
        }
        return make(out, a.depth, 2, false, target == null ? -1 : target.tag);
    }

    @Override
    public Slots mulPlain(Slots a, int pt, Slots target) {
        return product(a, binding.slots(pt), 0, target);
    }

    @Override
    public Slots mulPlainAcc(Slots acc, Slots a, int pt, Slots target) {
        Slots p = product(a, binding.slots(pt), 0, target);
        need(acc.degree == 2 && acc.depth == a.depth && !acc.size3, "accumulator must be a degree-2 product at the"
                + " operand's level");
        need(acc.tag == p.tag, "accumulator mixes scale targets");
        for (int t = 0; t < slots; t++) {
            acc.v[t] += p.v[t];
        }
        return make(acc.v, acc.depth, 2, false, acc.tag);
    }

    @Override
    public Slots mulConst(Slots a, int pt, Slots target) {
        return product(a, null, binding.scalar(pt), target);
    }

    @Override
    public Slots mulConstAcc(Slots acc, Slots a, int pt, Slots target) {
        operand(a);
        need(a.degree == 1 && !a.size3, "product of an unrescaled operand");
        need(acc.degree == 2 && acc.depth == a.depth && !acc.size3, "accumulator must be a degree-2 product at the"
                + " operand's level");
        need(acc.tag == (target == null ? -1 : target.tag), "accumulator mixes scale targets");
        double c = binding.scalar(pt);
        for (int t = 0; t < slots; t++) {
            acc.v[t] += a.v[t] * c;
        }
        return make(acc.v, acc.depth, 2, false, acc.tag);
    }

    @Override
    public Slots mulCt(Slots a, Slots b) {
        operand(a);
        need(a.degree == 1 && b.degree == 1 && !a.size3 && !b.size3 && a.depth == b.depth, "ct x ct needs two"
                + " rescaled operands at the same level, but levels were " + a.depth + " and " + b.depth);
        need(a.tag == b.tag, "ct x ct of registers with different scales");
        double[] out = new double[slots];
        for (int t = 0; t < slots; t++) {
            out[t] = a.v[t] * b.v[t];
        }
        int tag = plan.packing().batch()
                ? squareTags.computeIfAbsent(List.of(a.tag, b.tag, a.depth), k -> 1_000_000 + tags++)
                : 1_000_000 + tags++;
        return make(out, a.depth, 2, true, tag);
    }

    @Override
    public Slots relinearize(Slots a) {
        need(a.size3, "relinearize needs a size-3 ciphertext");
        return new Slots(a.v, a.depth, a.degree, false, a.tag);
    }

    @Override
    public Slots rescale(Slots a) {
        operand(a);
        need(a.degree == 2 && !a.size3, "rescale needs a relinearized product");
        need(a.depth < plan.depth(), "rescale below level 0");
        return new Slots(a.v, a.depth + 1, 1, false, a.tag);
    }

    @Override
    public Slots dropLevel(Slots a, int levels) {
        operand(a);
        need(a.degree == 1 && levels > 0 && a.depth + levels <= plan.depth(), "bad level drop by " + levels);
        return new Slots(a.v.clone(), a.depth + levels, 1, false, a.tag);
    }

    @Override
    public Slots add(Slots a, Slots b) {
        operand(a);
        need(a.depth == b.depth && a.degree == b.degree && a.size3 == b.size3, "add needs equal levels, degrees and"
                + " sizes, but had level " + (plan.depth() - a.depth) + "/degree " + a.degree + "/size "
                + (a.size3 ? 3 : 2) + " and level " + (plan.depth() - b.depth) + "/degree " + b.degree + "/size "
                + (b.size3 ? 3 : 2));
        need(a.tag == b.tag, "add of registers with different scales");
        double[] out = a.v.clone();
        for (int t = 0; t < slots; t++) {
            out[t] += b.v[t];
        }
        return make(out, a.depth, a.degree, a.size3, a.tag);
    }

    @Override
    public Slots addPlain(Slots a, int pt) {
        operand(a);
        need(!a.size3, "add of a size-3 ciphertext");
        double[] p = binding.slots(pt);
        double[] out = a.v.clone();
        for (int t = 0; t < slots; t++) {
            out[t] += p[t];
        }
        return make(out, a.depth, a.degree, false, a.tag);
    }
}
