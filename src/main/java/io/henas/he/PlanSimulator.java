package io.henas.he;

/**
 * Executes an {@link HePlan} on plaintext slot vectors in double arithmetic, in the plan's exact order: rotations are
 * cyclic shifts of the {@code N/2} slots, products are slot-wise, RESCALE and DROP_LEVEL only move the level. It
 * checks what CKKS requires (operands at equal levels and degrees, products rescaled before reuse, relinearization
 * before rescaling, hoisted rotations after a HOIST of the same register, the level staying non-negative) and counts
 * every operation as it runs. This is the plaintext simulation of encrypted inference: with exact weights it must
 * equal {@link io.henas.ir.PlainForward}.
 */
public final class PlanSimulator {
    private PlanSimulator() {
    }

    /**
     * The result of one simulated inference.
     *
     * @param logits       the unpacked output (C-H-W order of the output node)
     * @param counts       the operations executed
     * @param maxAbsSlot   the largest |value| held in any register slot (drives the first prime's headroom)
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

    /** Runs the plan on one input (C-H-W order). */
    public static Result run(PlanBinding binding, double[] input) {
        HePlan plan = binding.plan();
        int n = plan.registerCount();
        int slots = plan.slots();
        double[][] val = new double[n][];
        int[] depth = new int[n];
        int[] degree = new int[n];
        boolean[] size3 = new boolean[n];
        int[] hoistedAt = new int[n];
        java.util.Arrays.fill(hoistedAt, -1);
        int[] writtenAt = new int[n];
        int[] tag = new int[n]; // scale class: -1 = the plan's scale, else the MUL_CT register it descends from
        java.util.Arrays.fill(tag, -1);
        Layout in = plan.inputLayout();
        double[][] packed = binding.packInput(input);
        int live = 0;
        int peak = 0;
        for (int k = 0; k < in.regCount(); k++) {
            int r = in.regAt(k);
            val[r] = packed[k];
            degree[r] = 1;
            live++;
        }
        peak = live;
        OpCounts counts = new OpCounts(plan.net().nodes().size(), plan.depth());
        double maxAbs = 0;
        for (int i = 0; i < plan.instructionCount(); i++) {
            OpCode op = plan.op(i);
            int dst = plan.dst(i);
            int a = plan.a(i);
            int b = plan.b(i);
            counts.record(plan, i);
            if (a >= 0) {
                need(val[a] != null, i, op, "reads register " + a + " before it is written or after it is freed");
                need(plan.level(i) == plan.depth() - depth[a], i, op, "level " + plan.level(i) + " but register " + a
                        + " is at level " + (plan.depth() - depth[a]));
            }
            boolean fresh = dst >= 0 && val[dst] == null;
            int ref = plan.scaleTarget(i);
            if (ref >= 0) {
                need(val[ref] != null, i, op, "scale target register " + ref + " is not live");
            }
            int productTag = ref < 0 ? -1 : tag[ref];
            switch (op) {
                case MUL_PLAIN, MUL_CONST -> tag[dst] = productTag;
                case MUL_PLAIN_ACC -> need(tag[dst] == productTag, i, op, "accumulator mixes scale targets");
                case MUL_CT -> {
                    need(tag[a] == tag[b], i, op, "ct x ct of registers with different scales");
                    tag[dst] = dst;
                }
                case ADD -> {
                    need(tag[a] == tag[b], i, op, "add of registers with different scales (" + a + ", " + b + ")");
                    tag[dst] = tag[a];
                }
                case ROTATE, ROTATE_HOISTED, DROP_LEVEL, ADD_PLAIN -> tag[dst] = tag[a];
                default -> {
                }
            }
            double[] out;
            switch (op) {
                case ROTATE, ROTATE_HOISTED -> {
                    need(!size3[a], i, op, "rotation needs a relinearized operand");
                    if (op == OpCode.ROTATE_HOISTED) {
                        need(hoistedAt[a] >= writtenAt[a] && hoistedAt[a] >= 0, i, op, "register " + a
                                + " was not hoisted since its last write");
                    }
                    out = new double[slots];
                    double[] x = val[a];
                    int s = b;
                    System.arraycopy(x, s, out, 0, slots - s);
                    System.arraycopy(x, 0, out, slots - s, s);
                    set(val, depth, degree, size3, writtenAt, dst, out, depth[a], degree[a], false, i);
                }
                case HOIST -> {
                    need(degree[a] == 1 && !size3[a], i, op, "hoisting needs a rescaled, relinearized operand");
                    hoistedAt[a] = i;
                }
                case MUL_PLAIN, MUL_CONST -> {
                    need(degree[a] == 1 && !size3[a], i, op, "product of an unrescaled operand");
                    out = val[a].clone();
                    if (op == OpCode.MUL_CONST) {
                        double c = binding.scalar(b);
                        for (int t = 0; t < slots; t++) {
                            out[t] *= c;
                        }
                    } else {
                        double[] p = binding.slots(b);
                        for (int t = 0; t < slots; t++) {
                            out[t] *= p[t];
                        }
                    }
                    set(val, depth, degree, size3, writtenAt, dst, out, depth[a], 2, false, i);
                }
                case MUL_PLAIN_ACC -> {
                    need(degree[a] == 1 && !size3[a], i, op, "product of an unrescaled operand");
                    need(val[dst] != null && degree[dst] == 2 && depth[dst] == depth[a], i, op,
                            "accumulator " + dst + " must be a degree-2 product at the operand's level");
                    double[] p = binding.slots(b);
                    double[] x = val[a];
                    double[] acc = val[dst];
                    for (int t = 0; t < slots; t++) {
                        acc[t] += x[t] * p[t];
                    }
                    writtenAt[dst] = i;
                }
                case MUL_CT -> {
                    need(degree[a] == 1 && degree[b] == 1 && !size3[a] && !size3[b] && depth[a] == depth[b], i, op,
                            "ct x ct needs two rescaled operands at the same level, but levels were " + depth[a] + " and "
                                    + depth[b]);
                    out = new double[slots];
                    for (int t = 0; t < slots; t++) {
                        out[t] = val[a][t] * val[b][t];
                    }
                    set(val, depth, degree, size3, writtenAt, dst, out, depth[a], 2, true, i);
                }
                case RELINEARIZE -> {
                    need(size3[a], i, op, "relinearize needs a size-3 ciphertext");
                    size3[a] = false;
                    writtenAt[a] = i;
                }
                case RESCALE -> {
                    need(degree[a] == 2 && !size3[a], i, op, "rescale needs a relinearized product");
                    need(depth[a] < plan.depth(), i, op, "rescale below level 0");
                    degree[a] = 1;
                    depth[a]++;
                    writtenAt[a] = i;
                }
                case DROP_LEVEL -> {
                    need(degree[a] == 1 && b > 0 && depth[a] + b <= plan.depth(), i, op, "bad level drop by " + b);
                    set(val, depth, degree, size3, writtenAt, dst, val[a].clone(), depth[a] + b, 1, false, i);
                }
                case ADD -> {
                    need(val[b] != null, i, op, "reads register " + b + " before it is written");
                    need(depth[a] == depth[b] && degree[a] == degree[b] && !size3[a] && !size3[b], i, op,
                            "add needs equal levels and degrees, but had level " + (plan.depth() - depth[a]) + "/degree "
                                    + degree[a] + " and level " + (plan.depth() - depth[b]) + "/degree " + degree[b]);
                    out = dst == a ? val[a] : val[a].clone();
                    for (int t = 0; t < slots; t++) {
                        out[t] += val[b][t];
                    }
                    set(val, depth, degree, size3, writtenAt, dst, out, depth[a], degree[a], false, i);
                }
                case ADD_PLAIN -> {
                    need(!size3[a], i, op, "add of a size-3 ciphertext");
                    out = dst == a ? val[a] : val[a].clone();
                    double[] p = binding.slots(b);
                    for (int t = 0; t < slots; t++) {
                        out[t] += p[t];
                    }
                    set(val, depth, degree, size3, writtenAt, dst, out, depth[a], degree[a], false, i);
                }
            }
            if (dst >= 0 && val[dst] != null) {
                if (fresh) {
                    live++;
                    peak = Math.max(peak, live);
                }
                for (double x : val[dst]) {
                    maxAbs = Math.max(maxAbs, Math.abs(x));
                }
            }
            for (int r : new int[]{dst, a, HePlan.readsB(op) ? b : -1, ref}) {
                if (r >= 0 && plan.lastUse(r) == i && val[r] != null) {
                    val[r] = null;
                    live--;
                }
            }
        }
        Layout out = plan.outputLayout();
        double[][] outRegs = new double[out.regCount()][];
        for (int k = 0; k < out.regCount(); k++) {
            int r = out.regAt(k);
            if (val[r] == null || degree[r] != 1) {
                throw new IllegalStateException("output register " + r + " must hold a rescaled ciphertext at the end");
            }
            outRegs[k] = val[r];
        }
        return new Result(binding.unpackOutput(outRegs), counts, maxAbs, peak);
    }

    private static void set(double[][] val, int[] depth, int[] degree, boolean[] size3, int[] writtenAt, int dst,
                            double[] out, int d, int deg, boolean s3, int i) {
        val[dst] = out;
        depth[dst] = d;
        degree[dst] = deg;
        size3[dst] = s3;
        writtenAt[dst] = i;
    }

    private static void need(boolean ok, int i, OpCode op, String what) {
        if (!ok) {
            throw new IllegalStateException("instruction " + i + " (" + op + "): " + what);
        }
    }
}
