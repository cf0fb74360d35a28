package io.henas.search;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * Test fixture: ZDT1/ZDT2 discretised onto integer genes, as a {@link CandidateSpace} plus a
 * {@link CandidateEvaluator}. Gene 0 has {@code k0} choices and gives {@code x1 = g0 / (k0 - 1)}; genes 1..n-1 have
 * {@code k} choices each and give {@code x_i = g_i / (k - 1)}. With {@code g = 1 + 9 * mean(x_2..x_n)},
 * {@code f1 = x1} and {@code f2 = g (1 - sqrt(f1 / g))} (ZDT1) or {@code g (1 - (f1 / g)^2)} (ZDT2), both minimised.
 * Mapped to the search's objectives: accuracy = 1 - f1 (max), latency = f2 (min). The true front is every gene
 * vector with genes 1..n-1 all 0: {@code k0} points, known in closed form.
 *
 * <p>Optionally the space rejects gene vectors with gene 1 and gene 2 both at their last choice (a stand-in for an
 * invalid architecture); the evaluator fails the test if it ever sees one.
 */
final class Zdt implements CandidateSpace<int[]> {
    final int k0;
    final int k;
    final int genes;
    final boolean convex;
    final boolean withInvalid;

    Zdt(int k0, int k, int genes, boolean convex, boolean withInvalid) {
        this.k0 = k0;
        this.k = k;
        this.genes = genes;
        this.convex = convex;
        this.withInvalid = withInvalid;
    }

    @Override
    public String name() {
        return (convex ? "zdt1" : "zdt2") + "-" + k0 + "x" + k + "^" + (genes - 1);
    }

    @Override
    public int[] cardinalities() {
        int[] c = new int[genes];
        Arrays.fill(c, k);
        c[0] = k0;
        return c;
    }

    boolean invalid(int[] g) {
        return withInvalid && g[1] == k - 1 && g[2] == k - 1;
    }

    @Override
    public Candidate<int[]> decode(int[] g) {
        if (invalid(g)) {
            throw new CandidateRejectedException("genes 1 and 2 must not both be " + (k - 1));
        }
        String key = Arrays.stream(g).mapToObj(Integer::toString).collect(Collectors.joining("-"));
        return new Candidate<>(Arrays.stream(g).boxed().toList(), key, "z" + key, Arrays.toString(g), g.clone());
    }

    @Override
    public String sha256() {
        return name();
    }

    /** (f1, f2) of a gene vector. */
    double[] objectives(int[] g) {
        double f1 = g[0] / (double) (k0 - 1);
        double sum = 0;
        for (int i = 1; i < genes; i++) {
            sum += g[i] / (double) (k - 1);
        }
        double gg = 1 + 9 * sum / (genes - 1);
        double f2 = convex ? gg * (1 - Math.sqrt(f1 / gg)) : gg * (1 - (f1 / gg) * (f1 / gg));
        return new double[] {f1, f2};
    }

    Evaluation evaluation(int[] g) {
        double[] f = objectives(g);
        return Evaluation.ok(1 - f[0], f[1], 0, 0, 0);
    }

    /** The true front as (accuracy, latency) pairs. */
    List<double[]> trueFront() {
        List<double[]> out = new ArrayList<>();
        for (int x = 0; x < k0; x++) {
            int[] g = new int[genes];
            g[0] = x;
            double[] f = objectives(g);
            out.add(new double[] {1 - f[0], f[1]});
        }
        return out;
    }

    /** Hypervolume with reference point f = (1.1, 1.1), i.e. accuracy -0.1, latency 1.1. */
    static double hypervolume(List<double[]> accLat) {
        double[] a = accLat.stream().mapToDouble(p -> p[0]).toArray();
        double[] l = accLat.stream().mapToDouble(p -> p[1]).toArray();
        return ParetoFront.hypervolume(a, l, -0.1, 1.1);
    }

    /** An evaluator that counts calls per key and checks the codec never lets an invalid vector through. */
    final class Evaluator implements CandidateEvaluator<int[]> {
        final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        final long sleepMillis;

        Evaluator(long sleepMillis) {
            this.sleepMillis = sleepMillis;
        }

        @Override
        public Evaluation evaluate(Candidate<int[]> c) throws Exception {
            if (invalid(c.value())) {
                throw new AssertionError("an invalid candidate reached the evaluator: " + c.key());
            }
            if (sleepMillis > 0) {
                Thread.sleep(sleepMillis);
            }
            Evaluation e = evaluation(c.value());
            calls.computeIfAbsent(c.key(), x -> new AtomicInteger()).incrementAndGet();
            return e;
        }

        int total() {
            return calls.values().stream().mapToInt(AtomicInteger::get).sum();
        }
    }
}
