package io.henas.he;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.henas.ir.ActivationKind;
import io.henas.ir.LoweredNet;
import io.henas.ir.NetWeights;
import io.henas.ir.Op;
import io.henas.ir.PlainForward;
import io.henas.ir.Shape;
import io.henas.ir.Tensor;

/**
 * An {@link HePlan} bound to concrete {@link NetWeights}: builds every plaintext operand's slot vector (the folded
 * weights), packs inputs and unpacks outputs. Shared by {@link PlanSimulator} and encrypted inference, so both execute
 * exactly the same numbers. Not thread-safe (caches the evaluated affines lazily).
 */
public final class PlanBinding {
    private final HePlan plan;
    private final LoweredNet net;
    private final NetWeights w;
    private final int slots;
    private final int perCt;
    private final int blockSize;
    private final int w0;
    private final double[][][] affineValues;
    /** The constants of a batch-packed plan (null for the single-image packings). */
    private final BatchValues batch;
    private final Map<Integer, int[][]> tables = new HashMap<>();
    private final Map<List<Integer>, java.util.TreeMap<ConvShifts.Shift, List<ConvShifts.Term>>> shifts =
            new HashMap<>();

    /**
     * @throws io.henas.ir.ArchitectureException if the weights do not fit the plan's network
     */
    public PlanBinding(HePlan plan, NetWeights weights) {
        this.plan = plan;
        this.net = plan.net();
        this.w = weights;
        weights.validateFor(net);
        this.slots = plan.slots();
        this.perCt = plan.blocksPerCiphertext();
        this.blockSize = plan.blockSize();
        this.w0 = plan.gridWidth();
        this.affineValues = new double[plan.affines().size()][][];
        this.batch = plan.packing().batch() ? new BatchValues(this, weights) : null;
    }

    public HePlan plan() {
        return plan;
    }

    /** Packs an input map (C-H-W order): one slot vector per register of {@link HePlan#inputLayout()}, in order. */
    public double[][] packInput(double[] input) {
        if (batch != null) {
            return batch.pack(new double[][]{input}); // a batch of one: the image in slot 0
        }
        Layout l = plan.inputLayout();
        Shape s = net.node(0).shape();
        if (input.length != s.size()) {
            throw new IllegalArgumentException("input must have " + s.size() + " values (" + s + "), but had " + input.length);
        }
        double[][] out = new double[l.regCount()][slots];
        for (int c = 0; c < s.channels(); c++) {
            double[] v = out[l.regIndex(l.reg(c))];
            for (int y = 0; y < s.height(); y++) {
                for (int x = 0; x < s.width(); x++) {
                    v[plan.slotOf(l, c, y, x)] = input[(c * s.height() + y) * s.width() + x];
                }
            }
        }
        return out;
    }

    /**
     * The logits (C-H-W order of the output node) from the decrypted output registers, applying the pending affine
     * merging left on the output.
     *
     * @param regs the decoded slot vector of each register of {@link HePlan#outputLayout()}, in order
     */
    public double[] unpackOutput(double[][] regs) {
        if (batch != null) {
            return batch.unpack(regs, 1)[0];
        }
        Layout l = plan.outputLayout();
        if (regs.length != l.regCount()) {
            throw new IllegalArgumentException("output needs " + l.regCount() + " registers, but had " + regs.length);
        }
        double[][] aff = affine(plan.outputAffine());
        Shape s = net.outputNode().shape();
        double[] out = new double[s.size()];
        for (int c = 0; c < s.channels(); c++) {
            double[] v = regs[l.regIndex(l.reg(c))];
            for (int y = 0; y < s.height(); y++) {
                for (int x = 0; x < s.width(); x++) {
                    out[(c * s.height() + y) * s.width() + x] = aff[0][c] * v[plan.slotOf(l, c, y, x)] + aff[1][c];
                }
            }
        }
        return out;
    }

    /**
     * Batch packing ({@link Packing#BATCH}): packs up to {@code N/2} images (each C-H-W), image {@code t} in slot
     * {@code t} of every input register, one register per input value.
     *
     * @throws IllegalStateException if the plan is not batch-packed
     * @throws IllegalArgumentException if there are no images, more than {@code N/2}, or one has the wrong size
     */
    public double[][] packBatch(double[][] images) {
        return batchValues().pack(images);
    }

    /**
     * Batch packing: the logits of images {@code 0..images-1} (each C-H-W of the output node) from the decoded output
     * registers ({@link HePlan#outputLayout()} order), the pending affine applied.
     */
    public double[][] unpackBatch(double[][] regs, int images) {
        return batchValues().unpack(regs, images);
    }

    /** Whether operand {@code pt} is one constant for all slots (encode it as a constant). */
    public boolean constant(int pt) {
        Plaintext p = plan.plaintext(pt);
        return p instanceof Plaintext.Scalar || BatchValues.isBatch(p);
    }

    private BatchValues batchValues() {
        if (batch == null) {
            throw new IllegalStateException("the plan is packed " + plan.packing().name().toLowerCase(java.util.Locale.ROOT)
                    + " (one image per ciphertext), not batch");
        }
        return batch;
    }

    /** The constant of a MUL_CONST operand. */
    public double scalar(int pt) {
        Plaintext p = plan.plaintext(pt);
        if (batch != null && BatchValues.isBatch(p)) {
            return batch.value(pt);
        }
        if (p instanceof Plaintext.Scalar s) {
            return s.value();
        }
        if (perCt != 1 && !(p instanceof Plaintext.DenseWeights)) {
            throw new IllegalStateException("plaintext " + pt + " is not a constant: " + p);
        }
        return slots(pt)[0];
    }

    /** The slot vector ({@code N/2} values) of plaintext operand {@code pt}. */
    public double[] slots(int pt) {
        double[] v = new double[slots];
        switch (plan.plaintext(pt)) {
            case Plaintext.ConvWeights p -> convWeights(p, v);
            case Plaintext.PackedConvWeights p -> packedConvWeights(p, v);
            case Plaintext.ConvBias p -> convBias(p, v);
            case Plaintext.DenseWeights p -> denseWeights(p, v);
            case Plaintext.DenseBias p -> v[0] = denseBias(p.node(), p.inLayout(), p.inAffine(), p.outFold(), p.unit());
            case Plaintext.DenseDiagWeights p -> denseDiagWeights(p, v);
            case Plaintext.DenseBlockBias p -> {
                int[] outRow = table(p.outLayout())[p.outReg()];
                for (int j = 0; j < perCt; j++) {
                    if (outRow[j] >= 0) {
                        v[j * blockSize] = denseBias(p.node(), p.inLayout(), p.inAffine(), p.outFold(), outRow[j]);
                    }
                }
            }
            case Plaintext.ActShift p -> actShift(p, v);
            case Plaintext.AffineScale p -> perChannel(p.layout(), p.reg(), affine(p.affine())[0], v);
            case Plaintext.AffineShift p -> perChannel(p.layout(), p.reg(), affine(p.affine())[1], v);
            case Plaintext.PolyCoef p -> perChannel(p.layout(), p.reg(),
                    w.get(net.node(p.node()).name(), String.valueOf(p.which())).data(), v);
            case Plaintext.Scalar p -> java.util.Arrays.fill(v, p.value());
            case Plaintext.BatchWeight p -> java.util.Arrays.fill(v, batchValues().value(pt));
            case Plaintext.BatchBias p -> java.util.Arrays.fill(v, batchValues().value(pt));
            case Plaintext.BatchAffine p -> java.util.Arrays.fill(v, batchValues().value(pt));
            case Plaintext.BatchActShift p -> java.util.Arrays.fill(v, batchValues().value(pt));
            case Plaintext.BatchCenterShift p -> java.util.Arrays.fill(v, batchValues().value(pt));
            case Plaintext.BatchPoly p -> java.util.Arrays.fill(v, batchValues().value(pt));
        }
        return v;
    }

    private int[][] table(int layout) {
        return tables.computeIfAbsent(layout, l -> plan.layout(l).channelTable(perCt));
    }

    private void convWeights(Plaintext.ConvWeights p, double[] v) {
        LoweredNet.Node n = net.node(p.node());
        Op.Conv c = asConv(n);
        Shape in = net.node(n.inputs().getFirst()).shape();
        Shape out = n.shape();
        Layout ol = plan.layout(p.outLayout());
        int[] outRow = table(p.outLayout())[p.outReg()];
        int[] inRow = table(p.inLayout())[p.inReg()];
        double[] ain = affine(p.inAffine())[0];
        double[] fold = affine(p.outFold())[0];
        Tensor wt = w.get(n.name(), "W");
        int k = c.kernel();
        int pad = (k - 1) / 2;
        int inPer = c.depthwise() ? 1 : in.channels();
        for (int j = 0; j < perCt; j++) {
            int o = outRow[j];
            int bin = (j + p.diag()) % perCt;
            int i = p.period() == 0 ? inRow[bin]
                    : bin % p.period() < plan.layout(p.inLayout()).channels() ? bin % p.period() : -1;
            if (o < 0 || i < 0 || (c.depthwise() && i != o)) {
                continue;
            }
            double val = fold[o] * wt.at(((o * inPer + (c.depthwise() ? 0 : i)) * k + p.ky()) * k + p.kx()) * ain[i];
            fillKernelOffset(v, (j + p.diag()) * blockSize, ol, in, out, c.stride(), p.ky() - pad, p.kx() - pad, val);
        }
    }

    private void convBias(Plaintext.ConvBias p, double[] v) {
        LoweredNet.Node n = net.node(p.node());
        Op.Conv c = asConv(n);
        Shape in = net.node(n.inputs().getFirst()).shape();
        Shape out = n.shape();
        Layout ol = plan.layout(p.outLayout());
        double[][] ain = affine(p.inAffine());
        boolean offsets = !plan.affines().get(p.inAffine()).offsetFree(plan.affines());
        double[][] fold = affine(p.outFold());
        Tensor wt = w.get(n.name(), "W");
        Tensor bias = w.get(n.name(), "bias");
        int k = c.kernel();
        int pad = (k - 1) / 2;
        int inPer = c.depthwise() ? 1 : in.channels();
        for (int o = 0; o < ol.channels(); o++) {
            if (ol.regIndex(ol.reg(o)) != p.outReg()) {
                continue;
            }
            int base = ol.block(o) * blockSize + ol.sub(o);
            for (int oy = 0; oy < out.height(); oy++) {
                for (int ox = 0; ox < out.width(); ox++) {
                    double acc = bias.at(o);
                    if (offsets) {
                        for (int jj = 0; jj < inPer; jj++) {
                            int ic = c.depthwise() ? o : jj;
                            for (int ky = 0; ky < k; ky++) {
                                int iy = oy * c.stride() + ky - pad;
                                if (iy < 0 || iy >= in.height()) {
                                    continue;
                                }
                                for (int kx = 0; kx < k; kx++) {
                                    int ix = ox * c.stride() + kx - pad;
                                    if (ix >= 0 && ix < in.width()) {
                                        acc += wt.at(((o * inPer + jj) * k + ky) * k + kx) * ain[1][ic];
                                    }
                                }
                            }
                        }
                    }
                    v[base + ol.offset(oy, ox, w0)] = fold[0][o] * acc + fold[1][o];
                }
            }
        }
    }

    /**
     * Writes {@code val} at every output pixel (oy, ox) of {@code out} (laid out by {@code ol}, starting at slot
     * {@code base}, cyclically) whose input pixel {@code (oy * stride + dy, ox * stride + dx)} lies inside {@code in}:
     * the slots one kernel offset of a convolution contributes to.
     */
    private void fillKernelOffset(double[] v, int base, Layout ol, Shape in, Shape out, int stride, int dy, int dx,
                                  double val) {
        for (int oy = 0; oy < out.height(); oy++) {
            int iy = oy * stride + dy;
            if (iy < 0 || iy >= in.height()) {
                continue;
            }
            for (int ox = 0; ox < out.width(); ox++) {
                int ix = ox * stride + dx;
                if (ix >= 0 && ix < in.width()) {
                    v[Math.floorMod(base + ol.offset(oy, ox, w0), slots)] = val;
                }
            }
        }
    }

    /** One slot shift of a {@link PackedConvLowering} convolution, pre-rotated by its giant step (see the record). */
    private void packedConvWeights(Plaintext.PackedConvWeights p, double[] v) {
        LoweredNet.Node n = net.node(p.node());
        Op.Conv c = asConv(n);
        Shape in = net.node(n.inputs().getFirst()).shape();
        Shape out = n.shape();
        Layout ol = plan.layout(p.outLayout());
        List<ConvShifts.Term> terms = shiftTerms(p, c, in, out).get(new ConvShifts.Shift(p.block(), p.row(), p.col()));
        if (terms == null) {
            throw new IllegalStateException("plaintext " + p + " names a shift the convolution does not have");
        }
        double[] ain = affine(p.inAffine())[0];
        double[] fold = affine(p.outFold())[0];
        Tensor wt = w.get(n.name(), "W");
        int k = c.kernel();
        int pad = (k - 1) / 2;
        int giant = p.block() * blockSize + (p.row() - p.babyRows()) * w0;
        for (ConvShifts.Term t : terms) {
            int o = t.out();
            double val = fold[o] * wt.at(((o * in.channels() + t.in()) * k + t.ky()) * k + t.kx()) * ain[t.in()];
            fillKernelOffset(v, ol.block(o) * blockSize + ol.sub(o) + giant, ol, in, out, c.stride(), t.ky() - pad,
                    t.kx() - pad, val);
        }
    }

    private java.util.TreeMap<ConvShifts.Shift, List<ConvShifts.Term>> shiftTerms(Plaintext.PackedConvWeights p,
                                                                                 Op.Conv c, Shape in, Shape out) {
        List<Integer> key = List.of(p.node(), p.inLayout(), p.outLayout(), p.period(), p.inReg(), p.outReg());
        return shifts.computeIfAbsent(key, x -> ConvShifts.of(c, in, out, plan.layout(p.inLayout()),
                plan.layout(p.outLayout()), p.period(), p.inReg(), p.outReg(), perCt, w0));
    }

    /** The convolution a node computes: itself, or a dense layer over a C x 1 x 1 map as a 1x1 convolution. */
    private static Op.Conv asConv(LoweredNet.Node n) {
        return n.op() instanceof Op.Dense d ? new Op.Conv(d.units(), 1, 1, false) : (Op.Conv) n.op();
    }

    private void denseWeights(Plaintext.DenseWeights p, double[] v) {
        LoweredNet.Node n = net.node(p.node());
        Layout il = plan.layout(p.inLayout());
        int[] inRow = table(p.inLayout())[p.inReg()];
        double[] ain = affine(p.inAffine())[0];
        double fold = affine(p.outFold())[0][p.unit()];
        Tensor wt = w.get(n.name(), "W");
        int h = il.height();
        int wd = il.width();
        int inputs = il.channels() * h * wd;
        for (int j = 0; j < perCt; j++) {
            int ch = inRow[j];
            if (ch < 0) {
                continue;
            }
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < wd; x++) {
                    v[j * blockSize + il.offset(y, x, w0)] = fold * wt.at(p.unit() * inputs + (ch * h + y) * wd + x) * ain[ch];
                }
            }
        }
    }

    /** Block diagonal {@code diag} of a dense layer, pre-rotated by {@code diag * B} (see the record). */
    private void denseDiagWeights(Plaintext.DenseDiagWeights p, double[] v) {
        LoweredNet.Node n = net.node(p.node());
        Layout il = plan.layout(p.inLayout());
        int[] outRow = table(p.outLayout())[p.outReg()];
        double[] ain = affine(p.inAffine())[0];
        double[] fold = affine(p.outFold())[0];
        Tensor wt = w.get(n.name(), "W");
        int h = il.height();
        int wd = il.width();
        int inputs = il.channels() * h * wd;
        for (int ch = 0; ch < il.channels(); ch++) {
            if (il.regIndex(il.reg(ch)) != p.inReg()) {
                continue;
            }
            int bin = il.block(ch);
            int u = outRow[Math.floorMod(bin - p.diag(), perCt)];
            if (u < 0) {
                continue;
            }
            int base = bin * blockSize + il.sub(ch);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < wd; x++) {
                    v[base + il.offset(y, x, w0)] = fold[u] * wt.at(u * inputs + (ch * h + y) * wd + x) * ain[ch];
                }
            }
        }
    }

    private double denseBias(int node, int inLayout, int inAffine, int outFold, int unit) {
        LoweredNet.Node n = net.node(node);
        Layout il = plan.layout(inLayout);
        double[][] ain = affine(inAffine);
        double[][] fold = affine(outFold);
        Tensor wt = w.get(n.name(), "W");
        int hw = il.height() * il.width();
        int inputs = il.channels() * hw;
        double acc = w.get(n.name(), "bias").at(unit);
        for (int idx = 0; idx < inputs; idx++) {
            acc += wt.at(unit * inputs + idx) * ain[1][idx / hw];
        }
        return fold[0][unit] * acc + fold[1][unit];
    }

    /**
     * The pending map after a merged activation {@code A x^2 + B x + C} (per channel, {@code coef}) on an input with
     * pending {@code p = (a, c)}: {@code a' = A a^2}, {@code c' = A c^2 + B c + C}, less {@code A a^2 k^2 / 4}
     * ({@code k = (2 A c + B) / (A a)}) when the plan squared the centred value (see {@link Affine.ActOutCentered}).
     */
    private static double[][] actOut(double[][] p, double[] coef, boolean centered) {
        int ch = p[0].length;
        double[][] q = new double[2][ch];
        for (int c = 0; c < ch; c++) {
            double A = coef[3 * c];
            q[0][c] = A * p[0][c] * p[0][c];
            q[1][c] = A * p[1][c] * p[1][c] + coef[3 * c + 1] * p[1][c] + coef[3 * c + 2];
            if (centered) {
                double k = (2 * A * p[1][c] + coef[3 * c + 1]) / (A * p[0][c]);
                q[1][c] -= q[0][c] * k * k / 4;
            }
        }
        return q;
    }

    private void actShift(Plaintext.ActShift p, double[] v) {
        double[] coef = actCoefficients(p.node());
        int channels = plan.layout(p.layout()).channels();
        double[][] ain = affine(p.inAffine());
        double[] shift = new double[channels];
        for (int c = 0; c < channels; c++) {
            double A = coef[3 * c];
            double B = coef[3 * c + 1];
            if (A * ain[0][c] == 0) {
                throw new IllegalArgumentException(net.node(p.node()).name() + ": merged activation needs a * x^2 with a != 0"
                        + " (after folding), but channel " + c + " has a = " + A + ", input scale " + ain[0][c]
                        + ": compile with merge off");
            }
            shift[c] = (2 * A * ain[1][c] + B) / (A * ain[0][c]);
        }
        perChannel(p.layout(), p.reg(), shift, v);
    }

    /** Coefficients (A, B, C) per channel of activation node {@code node}, interleaved. */
    double[] actCoefficients(int node) {
        LoweredNet.Node n = net.node(node);
        int ch = n.shape().channels();
        double[] out = new double[3 * ch];
        boolean poly2 = ((Op.Act) n.op()).kind() == ActivationKind.POLY2;
        for (int c = 0; c < ch; c++) {
            out[3 * c] = poly2 ? w.get(n.name(), "a").at(c) : 1;
            out[3 * c + 1] = poly2 ? w.get(n.name(), "b").at(c) : 0;
            out[3 * c + 2] = poly2 ? w.get(n.name(), "c").at(c) : 0;
        }
        return out;
    }

    /** {@code values[channel]} on every valid slot of register {@code reg} of layout {@code layout}. */
    private void perChannel(int layout, int reg, double[] values, double[] v) {
        Layout l = plan.layout(layout);
        for (int ch = 0; ch < l.channels(); ch++) {
            if (l.regIndex(l.reg(ch)) != reg) {
                continue;
            }
            int base = l.block(ch) * blockSize + l.sub(ch);
            for (int y = 0; y < l.height(); y++) {
                for (int x = 0; x < l.width(); x++) {
                    v[base + l.offset(y, x, w0)] = values[ch];
                }
            }
        }
    }

    /** The numbers {@code {a[], c[]}} of affine {@code id}. */
    public double[][] affine(int id) {
        double[][] r = affineValues[id];
        if (r != null) {
            return r;
        }
        r = switch (plan.affines().get(id)) {
            case Affine.Identity i -> {
                double[] a = new double[i.channels()];
                java.util.Arrays.fill(a, 1);
                yield new double[][]{a, new double[i.channels()]};
            }
            case Affine.Bn b -> {
                double[][] p = affine(b.prev());
                String name = net.node(b.node()).name();
                Tensor g = w.get(name, "gamma");
                Tensor be = w.get(name, "beta");
                Tensor m = w.get(name, "mean");
                Tensor var = w.get(name, "var");
                int ch = p[0].length;
                double[][] q = new double[2][ch];
                for (int c = 0; c < ch; c++) {
                    double s = g.at(c) / Math.sqrt(var.at(c) + PlainForward.BN_EPS);
                    q[0][c] = p[0][c] * s;
                    q[1][c] = p[1][c] * s + be.at(c) - m.at(c) * s;
                }
                yield q;
            }
            case Affine.ScaleA s -> {
                double[][] p = affine(s.prev());
                double[] a = p[0].clone();
                for (int c = 0; c < a.length; c++) {
                    a[c] *= s.factor();
                }
                yield new double[][]{a, p[1]};
            }
            case Affine.ActOut t -> actOut(affine(t.prev()), actCoefficients(t.node()), false);
            case Affine.ActOutCentered t -> actOut(affine(t.prev()), actCoefficients(t.node()), true);
            case Affine.Concat cat -> {
                List<double[][]> parts = cat.parts().stream().map(this::affine).toList();
                int total = parts.stream().mapToInt(x -> x[0].length).sum();
                double[][] q = new double[2][total];
                int off = 0;
                for (double[][] x : parts) {
                    System.arraycopy(x[0], 0, q[0], off, x[0].length);
                    System.arraycopy(x[1], 0, q[1], off, x[1].length);
                    off += x[0].length;
                }
                yield q;
            }
            case Affine.Relative rel -> {
                double[][] b = affine(rel.base());
                double[][] val = affine(rel.value());
                int ch = b[0].length;
                double[][] q = new double[2][ch];
                for (int c = 0; c < ch; c++) {
                    if (b[0][c] == 0) {
                        throw new IllegalArgumentException("residual merge needs a non-zero pending scale, but channel " + c
                                + " of affine " + rel.base() + " is 0: compile with merge off");
                    }
                    q[0][c] = val[0][c] / b[0][c];
                    q[1][c] = val[1][c] / b[0][c];
                }
                yield q;
            }
        };
        affineValues[id] = r;
        return r;
    }
}
