package io.henas.he;

/**
 * A {@link PlanBackend} that runs the plaintext simulation ({@link PlanSimulator}, with all its checks) and alongside
 * it propagates per-slot error variances in units of the {@link NoiseModel} sources, and records value ranges: the
 * largest |value| per plan node and per (level, degree) (degree 2 = a product before its rescale, at scale
 * {@code ~Delta^2}). Not thread-safe.
 */
final class NoiseTracker implements PlanBackend<NoiseTracker.Reg> {
    private final HePlan plan;
    private final PlanBinding binding;
    private final PlanSimulator sim;
    private final int slots;
    private final int sources;
    final double[] maxAbsByNode;
    /** [level][degree - 1]. */
    final double[][] maxAbsByLevel;
    private int current;

    /** A register: the simulated slots and the variance per source (null = zero). */
    static final class Reg {
        final PlanSimulator.Slots s;
        final double[][] var;

        Reg(PlanSimulator.Slots s, double[][] var) {
            this.s = s;
            this.var = var;
        }
    }

    NoiseTracker(PlanBinding binding) {
        this.plan = binding.plan();
        this.binding = binding;
        this.sim = PlanSimulator.backend(binding);
        this.slots = plan.slots();
        this.sources = NoiseModel.sources(plan.depth());
        this.maxAbsByNode = new double[plan.net().nodes().size()];
        this.maxAbsByLevel = new double[plan.depth() + 1][2];
    }

    /** The encrypted input registers: values and one unit of fresh error in every slot. */
    Reg input(double[] packed) {
        double[][] var = new double[sources][];
        var[NoiseModel.FRESH] = new double[slots];
        java.util.Arrays.fill(var[NoiseModel.FRESH], 1.0);
        double m = 0;
        for (double x : packed) {
            m = Math.max(m, Math.abs(x));
        }
        maxAbsByNode[0] = Math.max(maxAbsByNode[0], m);
        maxAbsByLevel[plan.depth()][0] = Math.max(maxAbsByLevel[plan.depth()][0], m);
        return new Reg(slotsOf(packed), var);
    }

    private static PlanSimulator.Slots slotsOf(double[] packed) {
        return new PlanSimulator.Slots(packed, 0, 1, false, -1);
    }

    @Override
    public void before(int i) {
        current = i;
        sim.before(i);
    }

    private Reg out(PlanSimulator.Slots s, double[][] var) {
        double m = 0;
        for (double x : s.v) {
            m = Math.max(m, Math.abs(x));
        }
        int node = plan.node(current);
        maxAbsByNode[node] = Math.max(maxAbsByNode[node], m);
        int level = plan.depth() - s.depth;
        maxAbsByLevel[level][s.degree - 1] = Math.max(maxAbsByLevel[level][s.degree - 1], m);
        return new Reg(s, var);
    }

    private double[] rot(double[] x, int step) {
        if (x == null) {
            return null;
        }
        double[] o = new double[slots];
        System.arraycopy(x, step, o, 0, slots - step);
        System.arraycopy(x, 0, o, slots - step, step);
        return o;
    }

    private double[][] rotated(Reg a, int step, boolean keySwitch) {
        double[][] var = new double[sources][];
        for (int k = 0; k < sources; k++) {
            var[k] = rot(a.var[k], step);
        }
        if (keySwitch && a.s.degree == 1) {
            int level = plan.depth() - a.s.depth;
            addConst(var, NoiseModel.ROUND, 1);
            addConst(var, NoiseModel.KS + level, 1);
        }
        return var;
    }

    private void addConst(double[][] var, int k, double c) {
        if (var[k] == null) {
            var[k] = new double[slots];
        }
        for (int t = 0; t < slots; t++) {
            var[k][t] += c;
        }
    }

    @Override
    public Reg rotate(Reg a, int step) {
        return out(sim.rotate(a.s, step), rotated(a, step, true));
    }

    @Override
    public Reg[] rotateHoisted(Reg a, int[] steps) {
        PlanSimulator.Slots[] s = sim.rotateHoisted(a.s, steps);
        Reg[] o = new Reg[steps.length];
        for (int i = 0; i < steps.length; i++) {
            o[i] = out(s[i], rotated(a, steps[i], true));
        }
        return o;
    }

    /** Variances of {@code a * p} (p null: the constant c), plus the weight-encoding error. */
    private double[][] product(Reg a, double[] p, double c) {
        double[][] var = new double[sources][];
        for (int k = 0; k < sources; k++) {
            double[] x = a.var[k];
            if (x != null) {
                double[] o = new double[slots];
                for (int t = 0; t < slots; t++) {
                    double w = p == null ? c : p[t];
                    o[t] = x[t] * w * w;
                }
                var[k] = o;
            }
        }
        double[] w = new double[slots];
        // a constant is one rounded coefficient: 1/12 per slot instead of N/24 (unit WEIGHT = N/24)
        double cu = p == null ? (1.0 / 12) / NoiseModel.unit(NoiseModel.WEIGHT, plan.logN()) * NoiseModel.WEIGHT_FACTOR
                : 1.0;
        for (int t = 0; t < slots; t++) {
            w[t] = a.s.v[t] * a.s.v[t] * cu;
        }
        var[NoiseModel.WEIGHT] = add(var[NoiseModel.WEIGHT], w);
        return var;
    }

    private double[] add(double[] x, double[] y) {
        if (x == null) {
            return y == null ? null : y.clone();
        }
        if (y == null) {
            return x.clone();
        }
        double[] o = new double[slots];
        for (int t = 0; t < slots; t++) {
            o[t] = x[t] + y[t];
        }
        return o;
    }

    @Override
    public Reg mulPlain(Reg a, int pt, Reg target) {
        return out(sim.mulPlain(a.s, pt, target == null ? null : target.s), product(a, binding.slots(pt), 0));
    }

    @Override
    public Reg mulPlainAcc(Reg acc, Reg a, int pt, Reg target) {
        double[][] p = product(a, binding.slots(pt), 0);
        PlanSimulator.Slots s = sim.mulPlainAcc(acc.s, a.s, pt, target == null ? null : target.s);
        double[][] var = new double[sources][];
        for (int k = 0; k < sources; k++) {
            var[k] = add(acc.var[k], p[k]);
        }
        return out(s, var);
    }

    @Override
    public Reg mulConst(Reg a, int pt, Reg target) {
        return out(sim.mulConst(a.s, pt, target == null ? null : target.s), product(a, null, binding.scalar(pt)));
    }

    @Override
    public Reg mulCt(Reg a, Reg b) {
        double[][] var = new double[sources][];
        for (int k = 0; k < sources; k++) {
            if (a.var[k] == null && b.var[k] == null) {
                continue;
            }
            double[] o = new double[slots];
            for (int t = 0; t < slots; t++) {
                double va = a.var[k] == null ? 0 : a.var[k][t];
                double vb = b.var[k] == null ? 0 : b.var[k][t];
                o[t] = b.s.v[t] * b.s.v[t] * va + a.s.v[t] * a.s.v[t] * vb;
            }
            var[k] = o;
        }
        return out(sim.mulCt(a.s, b.s), var);
    }

    @Override
    public Reg relinearize(Reg a) {
        return new Reg(sim.relinearize(a.s), a.var);
    }

    @Override
    public Reg rescale(Reg a) {
        double[][] var = a.var.clone();
        var[NoiseModel.ROUND] = var[NoiseModel.ROUND] == null ? null : var[NoiseModel.ROUND].clone();
        addConst(var, NoiseModel.ROUND, 1);
        return out(sim.rescale(a.s), var);
    }

    @Override
    public Reg dropLevel(Reg a, int levels) {
        return out(sim.dropLevel(a.s, levels), a.var);
    }

    @Override
    public Reg add(Reg a, Reg b) {
        double[][] var = new double[sources][];
        for (int k = 0; k < sources; k++) {
            var[k] = add(a.var[k], b.var[k]);
        }
        return out(sim.add(a.s, b.s), var);
    }

    @Override
    public Reg addPlain(Reg a, int pt) {
        double[][] var = a.var.clone();
        double[] w = new double[slots];
        java.util.Arrays.fill(w, 1.0);
        var[NoiseModel.WEIGHT] = add(var[NoiseModel.WEIGHT], w);
        return out(sim.addPlain(a.s, pt), var);
    }
}
