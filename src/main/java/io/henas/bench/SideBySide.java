package io.henas.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code bench ckks}: henas' suite ({@link CkksBench.Suite}) and, when the {@code seal-ops} harness is available
 * ({@link SealOps}), Microsoft SEAL in a child process, in alternating rounds per degree (round 1 henas first, round
 * 2 SEAL first, ...), so that both see the same machine load. Each side's figure per op is the median over rounds
 * of its per-round medians; ratios are henas / SEAL of the same run.
 */
public final class SideBySide {
    private SideBySide() {
    }

    /**
     * Results of one run.
     *
     * @param henas       per degree, per op: henas' median microseconds
     * @param seal        per degree, per op: SEAL's median microseconds (empty without the harness)
     * @param sealVersion SEAL's version as reported by the harness, or null without it
     * @param sealBinary  the harness path, or null
     * @param threads     henas' evaluator threads (SEAL runs one)
     * @param rounds      rounds per degree
     * @param clock       henas' clock (the harness always reads the wall clock)
     * @param loadBefore  the 1-minute load average when the run started
     * @param loadAfter   the 1-minute load average when it ended
     */
    public record Result(Map<Integer, Map<String, Double>> henas, Map<Integer, Map<String, Double>> seal,
                         String sealVersion, String sealBinary, int threads, int rounds, Timing.Clock clock,
                         double loadBefore, double loadAfter) {
        /** henas / SEAL for an op at a degree, or NaN if SEAL has no figure for it. */
        public double ratio(int logN, String op) {
            Double h = henas.getOrDefault(logN, Map.of()).get(op);
            Double s = seal.getOrDefault(logN, Map.of()).get(op);
            return h == null || s == null || !(s > 0) ? Double.NaN : h / s;
        }

        /** The JSON document of {@code bench ckks --json}. */
        public Map<String, Object> toJson() {
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("threads", threads);
            if (clock == Timing.Clock.CPU) {
                root.put("clock", "cpu");
            }
            root.put("rounds", rounds);
            root.put("load_average_before", loadBefore);
            root.put("load_average_after", loadAfter);
            root.put("results", byDegree(henas));
            if (sealVersion != null) {
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("binary", sealBinary);
                s.put("version", sealVersion);
                s.put("threads", 1);
                s.put("variant", "inplace where SEAL has one");
                s.put("results", byDegree(seal));
                root.put("seal", s);
                Map<String, Object> ratios = new LinkedHashMap<>();
                henas.forEach((n, ops) -> {
                    Map<String, Object> r = new LinkedHashMap<>();
                    ops.keySet().forEach(op -> {
                        double x = ratio(n, op);
                        if (!Double.isNaN(x)) {
                            r.put(op, Math.round(x * 1000) / 1000.0);
                        }
                    });
                    ratios.put(Integer.toString(n), r);
                });
                root.put("ratio_henas_over_seal", ratios);
            } else {
                root.put("seal", null);
            }
            return root;
        }

        private static Map<String, Object> byDegree(Map<Integer, Map<String, Double>> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(Integer.toString(k), v));
            return out;
        }
    }

    /**
     * Runs the comparison.
     *
     * @param samples timed runs per op per round, or null for 60/40/20 at logN 13/14/15 (both sides)
     * @param seal    the harness, or null to time henas alone
     * @param rounds  rounds per degree, at least 1
     */
    public static Result run(List<Integer> logNs, int threads, Integer samples, Timing.Clock clock, List<String> ops,
                             int rounds, SealOps seal, Consumer<String> progress) {
        if (rounds < 1) {
            throw new IllegalArgumentException("rounds must be >= 1, but was " + rounds);
        }
        double load0 = load();
        Map<Integer, Map<String, Double>> henas = new LinkedHashMap<>();
        Map<Integer, Map<String, Double>> sealOut = new LinkedHashMap<>();
        String version = null;
        for (int logN : logNs) {
            int s = samples != null ? samples : Timing.defaultSamples(logN);
            List<Map<String, Double>> hRounds = new ArrayList<>();
            List<Map<String, Double>> sRounds = new ArrayList<>();
            try (CkksBench.Suite suite = new CkksBench.Suite(logN, threads, ops, clock, progress)) {
                for (int r = 0; r < rounds; r++) {
                    boolean sealFirst = seal != null && r % 2 == 1;
                    if (rounds > 1) {
                        progress.accept("logN " + logN + ": round " + (r + 1) + "/" + rounds
                                + (seal == null ? "" : sealFirst ? " (SEAL first)" : " (henas first)"));
                    }
                    if (sealFirst) {
                        SealOps.Run run = seal.run(logN, samples, progress);
                        version = run.version();
                        sRounds.add(run.micros());
                    }
                    hRounds.add(suite.measure(s));
                    if (seal != null && !sealFirst) {
                        SealOps.Run run = seal.run(logN, samples, progress);
                        version = run.version();
                        sRounds.add(run.micros());
                    }
                }
            }
            henas.put(logN, medians(hRounds, ops));
            if (seal != null) {
                sealOut.put(logN, medians(sRounds, ops));
            }
        }
        return new Result(henas, sealOut, version, seal == null ? null : seal.binary().toString(), threads, rounds,
                clock, load0, load());
    }

    /** Per op, the median over rounds (ops missing from every round are left out). */
    static Map<String, Double> medians(List<Map<String, Double>> rounds, List<String> ops) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String op : ops) {
            double[] v = rounds.stream().filter(m -> m.containsKey(op)).mapToDouble(m -> m.get(op)).sorted()
                    .toArray();
            if (v.length > 0) {
                out.put(op, v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2);
            }
        }
        return out;
    }

    private static double load() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    /** A text table: per degree, op, henas us, SEAL us and henas / SEAL when SEAL was measured. */
    public static String table(Result r) {
        StringBuilder b = new StringBuilder();
        String th = r.threads() + " thread" + (r.threads() == 1 ? "" : "s");
        if (r.sealVersion() != null) {
            b.append(String.format("henas CKKS (%s) vs Microsoft SEAL %s (1 thread, %s), measured side by side: "
                            + "median us over %d alternating round%s%s%n", th, r.sealVersion(), r.sealBinary(),
                    r.rounds(), r.rounds() == 1 ? "" : "s", r.clock() == Timing.Clock.CPU
                            ? " (henas on thread CPU time, SEAL on the wall clock)" : ""));
        } else {
            // without SEAL although its harness exists: --no-seal asked for it
            Path harness = SealOps.DEFAULT_PATH.toAbsolutePath().normalize();
            String why = java.nio.file.Files.isExecutable(harness) ? "SEAL not timed (--no-seal)"
                    : "No SEAL binary found (looked for " + harness + "; give --seal PATH to the seal-ops harness)";
            b.append(String.format("henas CKKS (%s), median us%s. %s: no ratios to SEAL.%n", th,
                    r.rounds() > 1 ? " over " + r.rounds() + " rounds" : "", why));
        }
        b.append(String.format("load average %.2f at the start, %.2f at the end%n", r.loadBefore(), r.loadAfter()));
        for (Map.Entry<Integer, Map<String, Double>> e : r.henas().entrySet()) {
            int logN = e.getKey();
            b.append(String.format("%nN = %d (logN %d)%n", 1 << logN, logN));
            boolean withSeal = r.sealVersion() != null;
            b.append(withSeal ? String.format("%-18s %12s %12s %8s%n", "op", "henas us", "SEAL us", "ratio")
                    : String.format("%-18s %12s%n", "op", "henas us"));
            Map<String, Double> s = r.seal().getOrDefault(logN, Map.of());
            for (Map.Entry<String, Double> o : e.getValue().entrySet()) {
                if (withSeal) {
                    Double su = s.get(o.getKey());
                    double ratio = r.ratio(logN, o.getKey());
                    b.append(String.format("%-18s %12.1f %12s %8s%n", o.getKey(), o.getValue(),
                            su == null ? "-" : String.format("%.1f", su),
                            Double.isNaN(ratio) ? "-" : String.format("%.2f", ratio)));
                } else {
                    b.append(String.format("%-18s %12.1f%n", o.getKey(), o.getValue()));
                }
            }
            Double h8 = e.getValue().get("rotate_hoisted_8");
            Double r1 = e.getValue().get("rotate_1");
            if (h8 != null && r1 != null) {
                b.append(String.format("rotate_hoisted_8 / (8 x rotate_1) = %.2f%n", h8 / (8 * r1)));
            }
        }
        return b.toString();
    }
}
