package io.henas.he;

import java.util.Arrays;

import io.henas.ir.LoweredNet;
import io.henas.ir.NetWeights;
import io.henas.ir.Op;
import io.henas.ir.Shape;
import io.henas.ir.Tensor;

/**
 * The constants of a batch-packed plan ({@link Packing#BATCH}): the value of every {@code Plaintext.Batch*} operand
 * from the (folded) weights and the pending affines of a {@link PlanBinding}, computed once and cached; plus the
 * packing of a batch of images (image {@code t} in slot {@code t} of every input register) and the unpacking of the
 * logits. Not thread-safe.
 */
final class BatchValues {
    private final PlanBinding binding;
    private final HePlan plan;
    private final LoweredNet net;
    private final NetWeights w;
    private final double[] cache;
    private final boolean[] known;

    BatchValues(PlanBinding binding, NetWeights w) {
        this.binding = binding;
        this.plan = binding.plan();
        this.net = plan.net();
        this.w = w;
        this.cache = new double[plan.plaintexts().size()];
        this.known = new boolean[cache.length];
    }

    /** Whether plaintext {@code p} is a batch-packing constant. */
    static boolean isBatch(Plaintext p) {
        return p instanceof Plaintext.BatchWeight || p instanceof Plaintext.BatchBias
                || p instanceof Plaintext.BatchAffine || p instanceof Plaintext.BatchActShift
                || p instanceof Plaintext.BatchCenterShift || p instanceof Plaintext.BatchPoly;
    }

    /** The constant of batch operand {@code pt} (cached). */
    double value(int pt) {
        if (!known[pt]) {
            cache[pt] = compute(plan.plaintext(pt));
            known[pt] = true;
        }
        return cache[pt];
    }

    private double compute(Plaintext p) {
        return switch (p) {
            case Plaintext.BatchWeight b -> weight(b);
            case Plaintext.BatchBias b -> bias(b);
            case Plaintext.BatchAffine b -> binding.affine(b.affine())[b.which() == 'a' ? 0 : 1][b.channel()];
            case Plaintext.BatchActShift b -> actShift(b.node(), b.inAffine(), b.channel());
            case Plaintext.BatchCenterShift b -> actShift(b.node(), b.inAffine(), b.channel()) / 2;
            case Plaintext.BatchPoly b -> w.get(net.node(b.node()).name(), String.valueOf(b.which())).at(b.channel());
            default -> throw new IllegalStateException("plaintext " + p + " is not a batch constant");
        };
    }

    private double weight(Plaintext.BatchWeight b) {
        LoweredNet.Node n = net.node(b.node());
        Shape in = net.node(n.inputs().getFirst()).shape();
        double[][] ain = binding.affine(b.inAffine());
        double fold = binding.affine(b.outFold())[0][b.out()];
        Tensor wt = w.get(n.name(), "W");
        if (n.op() instanceof Op.Conv c) {
            int k = c.kernel();
            int inPer = c.depthwise() ? 1 : in.channels();
            int ic = c.depthwise() ? b.out() : b.in();
            return fold * wt.at(((b.out() * inPer + b.in()) * k + b.ky()) * k + b.kx()) * ain[0][ic];
        }
        int hw = in.height() * in.width();
        return fold * wt.at(b.out() * in.size() + b.in()) * ain[0][b.in() / hw];
    }

    private double bias(Plaintext.BatchBias b) {
        LoweredNet.Node n = net.node(b.node());
        Shape in = net.node(n.inputs().getFirst()).shape();
        double[][] ain = binding.affine(b.inAffine());
        double[][] fold = binding.affine(b.outFold());
        Tensor wt = w.get(n.name(), "W");
        double acc = w.get(n.name(), "bias").at(b.out());
        if (n.op() instanceof Op.Conv c) {
            int k = c.kernel();
            int pad = (k - 1) / 2;
            int inPer = c.depthwise() ? 1 : in.channels();
            for (int j = 0; j < inPer; j++) {
                int ic = c.depthwise() ? b.out() : j;
                for (int ky = 0; ky < k; ky++) {
                    for (int kx = 0; kx < k; kx++) {
                        int iy = b.y() * c.stride() + ky - pad;
                        int ix = b.x() * c.stride() + kx - pad;
                        if (iy >= 0 && iy < in.height() && ix >= 0 && ix < in.width()) {
                            acc += wt.at(((b.out() * inPer + j) * k + ky) * k + kx) * ain[1][ic];
                        }
                    }
                }
            }
        } else {
            int hw = in.height() * in.width();
            for (int i = 0; i < in.size(); i++) {
                acc += wt.at(b.out() * in.size() + i) * ain[1][i / hw];
            }
        }
        return fold[0][b.out()] * acc + fold[1][b.out()];
    }

    /** The merged activation shift {@code k = B'/A'} of activation {@code node} on channel {@code c}. */
    private double actShift(int node, int inAffine, int c) {
        double[] coef = binding.actCoefficients(node);
        double[][] ain = binding.affine(inAffine);
        double a = coef[3 * c];
        if (a * ain[0][c] == 0) {
            throw new IllegalArgumentException(net.node(node).name() + ": merged activation needs a * x^2 with"
                    + " a != 0 (after folding), but channel " + c + " has a = " + a + ", input scale " + ain[0][c]
                    + ": compile with merge off");
        }
        return (2 * a * ain[1][c] + coef[3 * c + 1]) / (a * ain[0][c]);
    }

    /**
     * Packs up to {@code N/2} images (each C-H-W): one slot vector per input register, image {@code t} in slot
     * {@code t}, unused slots 0.
     */
    double[][] pack(double[][] images) {
        Shape s = net.node(0).shape();
        if (images.length < 1 || images.length > plan.slots()) {
            throw new IllegalArgumentException("a batch must hold 1 to " + plan.slots() + " images (N/2 slots), but had "
                    + images.length);
        }
        Layout l = plan.inputLayout();
        double[][] out = new double[l.regCount()][plan.slots()];
        for (int t = 0; t < images.length; t++) {
            if (images[t].length != s.size()) {
                throw new IllegalArgumentException("image " + t + " must have " + s.size() + " values (" + s
                        + "), but had " + images[t].length);
            }
            for (int i = 0; i < s.size(); i++) {
                out[l.regIndex(l.reg(i))][t] = images[t][i];
            }
        }
        return out;
    }

    /** The logits of the first {@code images} images from the decoded output registers, pending affine applied. */
    double[][] unpack(double[][] regs, int images) {
        Layout l = plan.outputLayout();
        if (regs.length != l.regCount()) {
            throw new IllegalArgumentException("output needs " + l.regCount() + " registers, but had " + regs.length);
        }
        Shape s = net.outputNode().shape();
        double[][] aff = binding.affine(plan.outputAffine());
        int hw = s.height() * s.width();
        double[][] out = new double[images][s.size()];
        for (int t = 0; t < images; t++) {
            for (int i = 0; i < s.size(); i++) {
                out[t][i] = aff[0][i / hw] * regs[l.regIndex(l.reg(i))][t] + aff[1][i / hw];
            }
        }
        return out;
    }

    /** The slot vector of batch constant {@code pt}: the constant in every slot. */
    double[] slots(int pt) {
        double[] v = new double[plan.slots()];
        Arrays.fill(v, value(pt));
        return v;
    }
}
