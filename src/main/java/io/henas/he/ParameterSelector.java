package io.henas.he;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.henas.ir.LoweredNet;
import io.henas.ir.NetWeights;

/**
 * Picks CKKS parameters for a plan: the smallest 128-bit-secure ring first, then the fastest chain inside it, such
 * that no value overflows its level's modulus and the logits keep the precision the argmax needs.
 *
 * <p>The rule (documented for reproducibility):
 * <ol>
 *   <li><b>Evidence.</b> With the trained weights ({@link #select}), the plan is simulated on calibration inputs
 *       ({@link PlanAnalysis}): the largest |value| per level before and after rescaling, the logits, and each logit's
 *       sensitivity to every CKKS error source ({@link NoiseModel}). Without weights (search ranking, {@code henas
 *       cost} of an untrained architecture) the defaults are assumed: every |value| at levels 0 and 1 (the logits and
 *       the products rescaled into them) below {@code 2^magnitudeBits} ({@link CompileOptions#DEFAULT_MAGNITUDE_BITS}),
 *       {@value #HIGH_LEVEL_EXTRA_BITS} bits more above; every error source reaching the logits amplified by
 *       {@code 2^DEFAULT_GROWTH_BITS} ({@value #DEFAULT_GROWTH_BITS}; the trained fashion-best model measures about
 *       4.6); the precision requirement is {@code precisionBits}. A calibrated selection reports whether these
 *       defaults held (ranges within, predicted error below, requirement at most the defaults').</li>
 *   <li><b>Chains.</b> Data primes {@code q0} ({@code f} bits) and {@code depth} primes of {@code s} bits (the scale
 *       {@code 2^s}, {@code s} in [{@value #MIN_SCALE_BITS}, {@value #MAX_PRIME_BITS}]); {@code k} special primes of
 *       {@code b} bits each ({@code P = 2^(k b)}); key-switching digits of {@code alpha} data primes. With
 *       {@link CompileOptions#maxSpecialPrimes()} = 1 only SEAL's {@code k = alpha = 1} is considered; above, every
 *       {@code k <= max} and {@code alpha <= depth + 1} (hybrid key switching).</li>
 *   <li><b>Constraints.</b> {@code logQP = f + depth s + k b <= SecurityTable.maxLogQp128(logN)}; no overflow: at every
 *       level {@code l}, {@code log2 max|v| + degree * s + 1 + }{@value #MARGIN_BITS}{@code  <= f + l s} (degree 2 for
 *       products before their rescale; at level 0 this keeps the logits below {@code q0 / 2}); key switching:
 *       {@code k b >= } the bits of the largest digit {@code + }{@value #P_MARGIN_BITS} ({@code P > D_max}); precision: the
 *       predicted bits {@code log2(max|logit| / sigma)} at least the required bits ({@link PrecisionReport}:
 *       {@code precisionBits}, and with calibration {@code 6 sigma < gap / 2} for the smallest top-1/top-2 gap).
 *       Primes must exist (NTT-friendly, distinct).</li>
 *   <li><b>Preference.</b> The smallest {@code logN} with a feasible chain whose plan's block fits {@code N/2}
 *       slots. Inside it the least key-switching cost {@code digits (L + 1 + k) + 2 (L + 1 + k)} limb NTTs per key
 *       switch at the top level ({@code L + 1 = depth + 1} data primes, {@code digits = ceil((L + 1) / alpha)}; key
 *       memory is proportional to the first term); then the largest precision margin (which spends the security
 *       budget on a larger scale); then the smallest {@code logQP}.</li>
 *   <li><b>The ranked chain first.</b> With the weights, the chain the defaults give at the selected ring (the one
 *       search and {@code henas cost} ranked) is kept whenever the calibration accepts it (no overflow, precision
 *       met) and its key-switching shape is as cheap as the calibrated best: the model that ships is then the plan
 *       that was ranked ({@link HePlan#fingerprint} equal). Only when the defaults do not hold for the trained
 *       network does the export take the calibrated best chain (or a smaller ring the calibration allows).</li>
 * </ol>
 * Search, cost, export and compare all go through this class: {@link HePlan#compile} uses the defaults, {@link #select}
 * the calibration, and a chain fixed by a selection ({@link CompileOptions#chain()}) is reused verbatim.
 */
public final class ParameterSelector {
    /** Smallest and largest ring degrees considered. */
    public static final int MIN_LOG_N = 12;
    public static final int MAX_LOG_N = 16;
    /** Smallest scale considered. */
    public static final int MIN_SCALE_BITS = 20;
    /** Largest prime size used. */
    public static final int MAX_PRIME_BITS = 60;
    /**
     * The special primes must cover the largest key-switching digit: {@code log P >= log D_max + P_MARGIN_BITS} in
     * nominal prime sizes (SEAL's rule {@code p >= q_max} for {@code k = alpha = 1}). This bounds {@code D / P < 2},
     * so the key-switching error {@code ~ N D / P} stays far below a product's scale {@code Delta q_l} before its
     * rescale (relinearization); the error it leaves on rotated values is priced by the precision rule
     * ({@link NoiseModel}, key switching), which is what makes a larger {@code P} necessary at small scales.
     */
    public static final int P_MARGIN_BITS = 0;
    /** Extra bits kept between the largest |value| and half a level's modulus. */
    public static final int MARGIN_BITS = 1;
    /** Cap on the argmax-derived precision requirement (closer ties are undecidable anyway). */
    public static final int MAX_REQUIRED_BITS = 24;
    /**
     * Default amplification (in bits) of the error sources at the logits when the weights are not known; deliberately
     * above what trained Fashion-MNIST networks measure (fashion-best about 4.6), since deeper untrained networks
     * (the CIFAR SqueezeNet variants) need not stay below it.
     */
    public static final int DEFAULT_GROWTH_BITS = 8;
    /** Defaults: values above level 1 may be this many bits larger than {@code 2^magnitudeBits}. */
    public static final int HIGH_LEVEL_EXTRA_BITS = 8;

    private ParameterSelector() {
    }

    /** A feasible chain with its ranking keys. */
    private record Candidate(ChainSpec spec, List<Integer> primes, double predicted, double required, double cost,
                             int logQp) {
    }

    /**
     * Parameters for {@code depth} at ring degree {@code logN}: the options' fixed chain if any, else the best chain
     * under the default evidence, else (for insecure simulation only) the best SEAL-shape chain ignoring the 128-bit
     * bound.
     *
     * @throws HeCompileException if no chain holds the plan's values and precision even without the bound
     */
    public static HeParameters at(int logN, int depth, CompileOptions o, List<Integer> galoisSteps) {
        if (o.chain() != null) {
            ChainSpec c = o.chain();
            PrecisionReport p = c.precision() != null ? c.precision()
                    : report(SelectionEvidence.defaults(logN, depth, o), c, primes(c, depth));
            return build(logN, depth, c, p, galoisSteps);
        }
        SelectionEvidence ev = SelectionEvidence.defaults(logN, depth, o);
        // without the bound there is no security budget to trade for fewer digits: SEAL's shape keeps the scale large
        Candidate c = best(ev, o, true, new ArrayList<>())
                .or(() -> best(ev, o.withMaxSpecialPrimes(1), false, new ArrayList<>()))
                .orElseThrow(() -> new HeCompileException(refusal(ev, o, new ArrayList<>())));
        return build(logN, depth, c.spec(), c.spec().precision(), galoisSteps);
    }

    private static HeParameters build(int logN, int depth, ChainSpec c, PrecisionReport p, List<Integer> galoisSteps) {
        List<Integer> q = primes(c, depth);
        int logQp = q.stream().mapToInt(Integer::intValue).sum()
                + c.specialPrimeBits().stream().mapToInt(Integer::intValue).sum();
        return new HeParameters(logN, q, c.specialPrimeBits(), Math.min(c.digitSize(), depth + 1), c.scaleBits(),
                logQp, SecurityTable.securityBits(logN, logQp), galoisSteps, p);
    }

    private static List<Integer> primes(ChainSpec c, int depth) {
        List<Integer> q = new ArrayList<>();
        q.add(c.firstPrimeBits());
        q.addAll(Collections.nCopies(depth, c.scaleBits()));
        return q;
    }

    /** Whether a secure chain exists at {@code logN} for {@code depth} (defaults or the fixed chain) and the block fits. */
    public static boolean fits(int logN, int depth, int minBlock, CompileOptions o) {
        if (minBlock > (1 << (logN - 1))) {
            return false;
        }
        if (o.chain() != null) {
            return build(logN, depth, o.chain(), null == o.chain().precision() ? dummy() : o.chain().precision(),
                    List.of()).logQp() <= SecurityTable.maxLogQp128(logN);
        }
        return best(SelectionEvidence.defaults(logN, depth, o), o, true, new ArrayList<>()).isPresent();
    }

    private static PrecisionReport dummy() {
        return new PrecisionReport(PrecisionReport.DEFAULTS, 0, 0, 0, 0, Double.NaN, 0, null);
    }

    /**
     * The smallest {@code logN} in [12, 16] that fits under the defaults.
     *
     * @throws HeCompileException if none does, naming the depth, the requirement and what the largest ring allows
     */
    public static int smallestLogN(int depth, int minBlock, CompileOptions o) {
        for (int logN = MIN_LOG_N; logN <= MAX_LOG_N; logN++) {
            if (fits(logN, depth, minBlock, o)) {
                return logN;
            }
        }
        if (minBlock > (1 << (MAX_LOG_N - 1))) {
            throw new HeCompileException("an input map of " + minBlock + " slots (rounded to a power of two) must fit in "
                    + (1 << (MAX_LOG_N - 1)) + " slots (N = 2^16), but does not: shrink the input");
        }
        throw new HeCompileException(refusal(SelectionEvidence.defaults(MAX_LOG_N, depth, o), o, new ArrayList<>()));
    }

    /**
     * Selects with the trained weights: for each ring degree from the smallest, compiles the plan, simulates it on the
     * calibration inputs ({@link PlanAnalysis}) and takes the best secure chain; returns the plan compiled with that
     * ring and chain fixed (its {@link HeParameters#precision()} is the calibrated report). A fixed
     * {@link CompileOptions#logN()} is honoured.
     *
     * @param inputs calibration inputs (C-H-W order), e.g. a few training images
     * @throws HeCompileException if no secure ring holds the values at the required precision (naming why)
     */
    public static HePlan select(LoweredNet net, CompileOptions o, NetWeights weights, List<double[]> inputs) {
        return select(net, o, weights, inputs, Packing.CURRENT);
    }

    /** As {@link #select(LoweredNet, CompileOptions, NetWeights, List)} for plans of the given packing. */
    public static HePlan select(LoweredNet net, CompileOptions o, NetWeights weights, List<double[]> inputs,
                                Packing packing) {
        CompileOptions base = o.withLogN(0);
        int minBlock = packing.batch() ? 1 : HeCompiler.minBlock(net);
        List<String> why = new ArrayList<>();
        for (int logN = o.logN() != 0 ? o.logN() : MIN_LOG_N; logN <= (o.logN() != 0 ? o.logN() : MAX_LOG_N); logN++) {
            if (minBlock > (1 << (logN - 1))) {
                continue;
            }
            HePlan probe = HeCompiler.compileInsecure(net, base, logN, packing);
            // every prime (first, scale, special) has at least minPrime bits: a ring whose bound cannot hold
            // depth + 2 of them has no chain whatever the calibration says, so it is not simulated
            int minPrime = Math.max(MIN_SCALE_BITS, logN + 2);
            if ((long) (probe.depth() + 2) * minPrime > SecurityTable.maxLogQp128(logN)) {
                why.add("logN " + logN + ": depth " + probe.depth() + " needs at least " + (probe.depth() + 2)
                        + " primes of " + minPrime + " bits, above the 128-bit bound of " + SecurityTable
                        .maxLogQp128(logN) + " bits");
                continue;
            }
            PlanAnalysis a = PlanAnalysis.run(new PlanBinding(probe, weights), inputs);
            Optional<ChainSpec> c = chooseChain(a, o, why);
            if (c.isPresent()) {
                ChainSpec chain = rankedChain(a, o, c.get()).orElse(c.get());
                return HePlan.compile(net, base.withChain(logN, chain), packing);
            }
        }
        throw new HeCompileException("no 128-bit-secure ring holds this network at the required precision: "
                + String.join("; ", why));
    }

    /**
     * The best secure chain for an analysed plan at its ring degree (with the calibrated precision report), or empty
     * (then {@code why} gets the reason).
     */
    public static Optional<ChainSpec> chooseChain(PlanAnalysis a, CompileOptions o, List<String> why) {
        SelectionEvidence ev = SelectionEvidence.of(a, o);
        Optional<Candidate> c = best(ev, o, true, why);
        if (c.isEmpty()) {
            why.add(refusal(ev, o, why));
        }
        return c.map(Candidate::spec);
    }

    /**
     * The chain the defaults give at the analysed plan's ring (the chain search and {@code henas cost} ranked), with
     * the calibrated precision report, if the calibration accepts it: no level overflows under the measured ranges,
     * the predicted precision meets the calibrated requirement, and its key-switching shape costs no more than
     * {@code best}'s (the cheapest the calibration allows). Then the exported plan is the ranked plan, fingerprint
     * and all; the calibrated best (which spends a smaller first prime on a larger scale) is kept otherwise.
     */
    static Optional<ChainSpec> rankedChain(PlanAnalysis a, CompileOptions o, ChainSpec best) {
        SelectionEvidence ev = SelectionEvidence.of(a, o);
        Optional<Candidate> d = best(SelectionEvidence.defaults(ev.logN, ev.depth, o), o, true, new ArrayList<>());
        if (d.isEmpty()) {
            return Optional.empty();
        }
        ChainSpec r = d.get().spec();
        List<Integer> q = primes(r, ev.depth);
        int depth = ev.depth;
        boolean valid = keySwitchCost(depth, r.specialPrimeBits().size(), Math.min(r.digitSize(), depth + 1))
                <= keySwitchCost(depth, best.specialPrimeBits().size(), Math.min(best.digitSize(), depth + 1))
                && firstPrime(ev, r.scaleBits()) <= r.firstPrimeBits()
                && ev.predictedBits(r.scaleBits(), q, r.specialPrimeBits(), r.digitSize()) >= ev.requiredBits();
        return valid ? Optional.of(new ChainSpec(r.scaleBits(), r.firstPrimeBits(), r.specialPrimeBits(),
                r.digitSize(), report(ev, r, q))) : Optional.empty();
    }

    /** The best chain under {@code ev}, within the 128-bit bound if {@code bounded}. */
    private static Optional<Candidate> best(SelectionEvidence ev, CompileOptions o, boolean bounded, List<String> why) {
        int maxK = o.maxSpecialPrimes();
        int maxAlpha = maxK == 1 ? 1 : ev.depth + 1;
        List<int[]> shapes = new ArrayList<>();
        for (int k = 1; k <= maxK; k++) {
            for (int alpha = 1; alpha <= maxAlpha; alpha++) {
                shapes.add(new int[]{k, alpha});
            }
        }
        return best(ev, shapes, bounded, ev.requiredBits());
    }

    /**
     * The best chain under {@code ev} among the key-switching shapes {@code {k, alpha}}: shapes are tried by
     * increasing key-switching cost ({@link #keySwitchCost}), all shapes of equal cost together; the first cost with a
     * feasible chain whose primes exist wins (ties: larger predicted precision, then smaller logQP).
     */
    private static Optional<Candidate> best(SelectionEvidence ev, List<int[]> shapes, boolean bounded,
                                            double required) {
        int logN = ev.logN;
        int depth = ev.depth;
        int bound = bounded ? SecurityTable.maxLogQp128(logN) : Integer.MAX_VALUE;
        int minPrime = Math.max(MIN_SCALE_BITS, logN + 2);
        java.util.TreeMap<Double, List<int[]>> byCost = new java.util.TreeMap<>();
        for (int[] sh : shapes) {
            if (sh[1] <= depth + 1) {
                byCost.computeIfAbsent(keySwitchCost(depth, sh[0], sh[1]), c -> new ArrayList<>()).add(sh);
            }
        }
        for (Map.Entry<Double, List<int[]>> cls : byCost.entrySet()) {
            List<Candidate> all = new ArrayList<>();
            for (int s = minPrime; s <= MAX_PRIME_BITS; s++) {
                int q0 = firstPrime(ev, s);
                if (q0 > MAX_PRIME_BITS) {
                    continue;
                }
                List<Integer> q = new ArrayList<>();
                q.add(q0);
                q.addAll(Collections.nCopies(depth, s));
                int dataBits = q0 + depth * s;
                for (int[] sh : cls.getValue()) {
                    int k = sh[0];
                    int alpha = sh[1];
                    int minP = maxDigitBits(q, alpha) + P_MARGIN_BITS;
                    int bLo = Math.max(minPrime, (minP + k - 1) / k);
                    int bHi = (int) Math.min(MAX_PRIME_BITS, ((long) bound - dataBits) / k);
                    // the precision grows with P: a shape that misses it at the largest P misses it at every P
                    if (bLo > bHi || ev.predictedBits(s, q, Collections.nCopies(k, bHi), alpha) < required) {
                        continue;
                    }
                    for (int b = bLo; b <= bHi; b++) {
                        List<Integer> sp = Collections.nCopies(k, b);
                        double bits = ev.predictedBits(s, q, sp, alpha);
                        if (bits >= required) {
                            all.add(new Candidate(new ChainSpec(s, q0, sp, alpha, null), q, bits, required,
                                    cls.getKey(), dataBits + k * b));
                        }
                    }
                }
            }
            all.sort(java.util.Comparator.comparing(Candidate::predicted, java.util.Comparator.reverseOrder())
                    .thenComparingInt(Candidate::logQp));
            for (Candidate c : all) {
                if (primesExist(logN, c)) {
                    ChainSpec spec = c.spec();
                    PrecisionReport p = report(ev, spec, c.primes());
                    return Optional.of(new Candidate(new ChainSpec(spec.scaleBits(), spec.firstPrimeBits(),
                            spec.specialPrimeBits(), spec.digitSize(), p), c.primes(), c.predicted(), required,
                            c.cost(), c.logQp()));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Key-switching cost of a shape in limb NTTs at the top level: {@code digits (L + 1 + k) + 2 (L + 1 + k)} (each
     * digit raised to all {@code L + 1 + k} primes, then the two halves brought down from {@code QP} to {@code Q});
     * the first term is also proportional to the key's size. A formula, not a measurement: basis conversions are not
     * counted, and a same-JVM timing at N = 2^14, depth 5 ranked digits of 2 primes ahead of one digit of 6, which
     * this formula prefers. The cost model times the shape actually chosen (calibrations are keyed by ring degree,
     * {@code k} and {@code alpha}).
     */
    public static double keySwitchCost(int depth, int k, int alpha) {
        int digits = (depth + alpha) / alpha;
        return digits * (depth + 1.0 + k) + 2 * (depth + 1.0 + k);
    }

    /** Bits of the largest key-switching digit (consecutive groups of {@code alpha} of the primes {@code q}). */
    static int maxDigitBits(List<Integer> q, int alpha) {
        int best = 0;
        for (int j = 0; j < q.size(); j += alpha) {
            int sum = 0;
            for (int i = j; i < Math.min(j + alpha, q.size()); i++) {
                sum += q.get(i);
            }
            best = Math.max(best, sum);
        }
        return best;
    }

    /**
     * A chain at {@code logN} for {@code depth} with exactly {@code k} special primes and digits of {@code alpha} data
     * primes, for timing that key-switching shape (calibration): secure, no overflow under the default ranges and
     * {@code P} covering the largest digit, but no precision required (a shape the calibrated evidence of a trained
     * network affords may miss the defaults' precision; its timings do not depend on it). Empty if none exists.
     */
    public static Optional<HeParameters> atShape(int logN, int depth, int k, int alpha) {
        CompileOptions o = CompileOptions.defaults(true).withMaxSpecialPrimes(Math.max(1, k));
        List<int[]> one = new ArrayList<>();
        one.add(new int[]{k, alpha});
        return best(SelectionEvidence.defaults(logN, depth, o), one, true, Double.NEGATIVE_INFINITY)
                .map(c -> build(logN, depth, c.spec(), c.spec().precision(), List.of()));
    }

    /** Smallest {@code q0} (at least {@code s}) such that no level overflows under the evidence's ranges. */
    static int firstPrime(SelectionEvidence ev, int s) {
        double need = s;
        for (int l = 0; l <= ev.depth; l++) {
            for (int degree = 1; degree <= (l == 0 ? 1 : 2); degree++) {
                double m = ev.maxAbs(l, degree);
                if (m > 0) {
                    need = Math.max(need, log2(m) + degree * s + 1 + MARGIN_BITS - (double) l * s);
                }
            }
        }
        return (int) Math.ceil(need - 1e-9);
    }

    private static boolean primesExist(int logN, Candidate c) {
        int[] bits = new int[c.primes().size() + c.spec().specialPrimeBits().size()];
        int i = 0;
        for (int b : c.primes()) {
            bits[i++] = b;
        }
        for (int b : c.spec().specialPrimeBits()) {
            bits[i++] = b;
        }
        try {
            io.henas.ring.Primes.chain(logN, bits);
            return true;
        } catch (IllegalArgumentException | IllegalStateException | ArithmeticException e) {
            return false;
        }
    }

    private static PrecisionReport report(SelectionEvidence ev, ChainSpec c, List<Integer> q) {
        double predicted = ev.predictedBits(c.scaleBits(), q, c.specialPrimeBits(), c.digitSize());
        double required = ev.requiredBits();
        if (!ev.calibrated()) {
            return new PrecisionReport(PrecisionReport.DEFAULTS, 0, r3(required), r3(predicted),
                    r3(ev.maxAbsLogit()), Double.NaN, r3(ev.maxAbsValue()), null);
        }
        SelectionEvidence d = SelectionEvidence.defaults(ev.logN, ev.depth, ev.options);
        boolean held = ev.rangesWithin(d)
                && ev.maxVariance(c.scaleBits(), q, c.specialPrimeBits(), c.digitSize())
                <= d.maxVariance(c.scaleBits(), q, c.specialPrimeBits(), c.digitSize())
                && required <= d.requiredBits();
        return new PrecisionReport(PrecisionReport.CALIBRATED, ev.analysis.logits().length, r3(required),
                r3(predicted), r3(ev.maxAbsLogit()), r3(ev.analysis.minLogitGap()), r3(ev.maxAbsValue()), held);
    }

    private static String refusal(SelectionEvidence ev, CompileOptions o, List<String> why) {
        int bound = SecurityTable.maxLogQp128(ev.logN);
        int s = Math.max(MIN_SCALE_BITS, ev.logN + 2);
        int q0 = firstPrime(ev, s);
        return "at N = 2^" + ev.logN + " depth " + ev.depth + " must keep " + PrecisionReport.r3(ev.requiredBits())
                + " bits of logit precision (max |logit| " + PrecisionReport.r3(ev.maxAbsLogit()) + ", max |value| "
                + PrecisionReport.r3(ev.maxAbsValue()) + ") within log QP <= " + bound
                + ", but no chain does (the smallest, scale 2^" + s + " with q0 of " + q0 + " bits, needs " + (q0
                + ev.depth * s + s) + " bits)";
    }

    private static double r3(double x) {
        return PrecisionReport.r3(x);
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
