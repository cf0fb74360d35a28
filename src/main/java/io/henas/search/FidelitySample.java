package io.henas.search;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;

import org.apache.commons.math3.stat.correlation.KendallsCorrelation;
import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;

import io.henas.ir.Json;

/**
 * Rank fidelity, measured: {@code K} random feasible candidates of a space are trained on every rung including the
 * top (most expensive) one, and each rung's accuracies are rank-correlated with the top rung's (Kendall tau-b and
 * Spearman rho, Apache Commons Math). A rung whose tau is high orders candidates as the top budget would.
 *
 * <p>Sampling: uniform random gene vectors from {@code SplittableRandom(seed)}; rejected vectors, repeated networks and
 * candidates whose cost breaks a constraint are skipped (nothing infeasible is trained). Training goes rung by rung
 * through an {@link EvaluationBackend} (local pool or cluster). Each result is appended to {@code fidelity.jsonl} as it
 * finishes, so a rerun with the same settings in the same directory trains only what is missing; at the end
 * {@code fidelity.json} holds the candidates, their accuracies per rung and the correlations.
 */
public final class FidelitySample {
    /** Files in the output directory. */
    public static final String RESULTS = "fidelity.jsonl", REPORT = "fidelity.json", SETTINGS = "fidelity-settings.json";

    private FidelitySample() {
    }

    /**
     * One sampled candidate.
     *
     * @param key      canonical key
     * @param label    name
     * @param genes    gene vector
     * @param cost     its predicted latency, depth and ring
     * @param accuracy accuracy per rung (NaN where training failed)
     * @param seconds  training seconds per rung
     */
    public record Sampled(String key, String label, List<Integer> genes, StagedEvaluator.Cost cost, double[] accuracy,
            double[] seconds) {
    }

    /**
     * Rank agreement of one rung with the top rung.
     *
     * @param rung       rung index
     * @param budget     its budget
     * @param candidates candidates trained successfully on both rungs
     * @param kendallTau Kendall tau-b (NaN with fewer than 2 candidates or constant accuracies)
     * @param spearman   Spearman rho (NaN likewise)
     * @param meanSeconds mean training seconds per candidate on this rung
     */
    public record Correlation(int rung, RungPlan.Rung budget, int candidates, double kendallTau, double spearman,
            double meanSeconds) {
    }

    /** What {@link #run} produced. */
    public record Result(List<Sampled> candidates, List<Correlation> correlations, int sampled, int skipped) {
    }

    /**
     * Samples, trains and correlates.
     *
     * @param space       the space
     * @param cost        the cost stage (run before any training)
     * @param constraints the space's limits
     * @param backend     trains rung {@code r} through {@link EvaluationBackend#evaluateAll(List, int, Consumer)}
     * @param plan        the rungs (at least 2); the last is the reference ("full") rung
     * @param k           candidates to sample (&gt;= 3)
     * @param seed        sampling seed
     * @param outDir      output directory (created; reused when its settings match)
     * @param log         progress lines
     */
    public static <T> Result run(CandidateSpace<T> space, StagedEvaluator.CostStage<T> cost, Constraints constraints,
            EvaluationBackend<T> backend, RungPlan plan, int k, long seed, Path outDir, Consumer<String> log)
            throws Exception {
        return run(space, cost, constraints, backend, plan, k, seed, outDir, null, log);
    }

    /**
     * As {@link #run(CandidateSpace, StagedEvaluator.CostStage, Constraints, EvaluationBackend, RungPlan, int, long,
     * Path, Consumer)}, but with {@code from} (an earlier sample's output directory, or null) the candidates are that
     * sample's (decoded from the gene vectors in its {@code fidelity.json}; each must decode to the network it
     * recorded, and {@code k} must equal their number) and its results are reused for every rung whose budget
     * ({@code train_images x epochs}) this plan has too: e.g. an earlier sample extended by a longer reference rung
     * trains that rung only. The candidates are costed again (for the report) but not filtered: they were feasible
     * when sampled. Rungs are matched by budget alone: the other training settings (batch size, learning rate, seed,
     * validation images) must be the same in both spaces, which this method cannot check.
     */
    public static <T> Result run(CandidateSpace<T> space, StagedEvaluator.CostStage<T> cost, Constraints constraints,
            EvaluationBackend<T> backend, RungPlan plan, int k, long seed, Path outDir, Path from,
            Consumer<String> log) throws Exception {
        Objects.requireNonNull(space, "space");
        if (plan.size() < 2) {
            throw new IllegalArgumentException("a fidelity sample needs at least 2 rungs, but the plan had "
                    + plan.size());
        }
        if (k < 3) {
            throw new IllegalArgumentException("--fidelity-sample must be >= 3 candidates, but was " + k);
        }
        // the earlier sample is checked before anything is written, so a wrong --fidelity-from leaves no settings
        List<Candidate<T>> earlier = from == null ? List.of() : earlierSample(space, from, k);
        Files.createDirectories(outDir);
        checkSettings(outDir, space, plan, k, seed, from);
        Map<String, Map<Integer, Evaluation>> done = readResults(outDir.resolve(RESULTS));
        List<Candidate<T>> picked = new ArrayList<>();
        Map<String, StagedEvaluator.Cost> costs = new LinkedHashMap<>();
        int[] card = space.cardinalities();
        SplittableRandom rnd = new SplittableRandom(seed);
        Set<String> seen = new HashSet<>();
        int skipped = 0;
        if (from != null) {
            picked.addAll(earlier);
            for (Candidate<T> c : picked) {
                costs.put(c.key(), cost.cost(c));
            }
            int reused = reuse(from, plan, picked, done, outDir.resolve(RESULTS));
            log.accept(String.format(Locale.ROOT, "fidelity sample: the %d candidates of %s; %d results reused from "
                    + "it for rungs of equal budget", picked.size(), from, reused));
        }
        for (int attempt = 0; picked.size() < k; attempt++) {
            if (attempt > 10_000 * k) {
                throw new IllegalStateException("found only " + picked.size() + " feasible candidates of " + k
                        + " in " + attempt + " random gene vectors of space '" + space.name() + "'");
            }
            int[] g = new int[card.length];
            for (int i = 0; i < g.length; i++) {
                g[i] = rnd.nextInt(card[i]);
            }
            Candidate<T> c;
            try {
                c = space.decode(g);
            } catch (CandidateRejectedException e) {
                continue;
            }
            if (!seen.add(c.key())) {
                continue;
            }
            StagedEvaluator.Cost kc;
            try {
                kc = cost.cost(c);
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                skipped++;
                continue;
            }
            Evaluation costOnly = new Evaluation(Evaluation.Status.INFEASIBLE, Double.NaN, kc.latencySeconds(),
                    kc.depth(), kc.logN(), Double.NaN, "unchecked", kc.keyBytes());
            if (constraints.violation(costOnly) > 0) {
                skipped++;
                continue;
            }
            picked.add(c);
            costs.put(c.key(), kc);
        }
        log.accept(String.format(Locale.ROOT, "fidelity sample: %d feasible candidates (%d skipped as infeasible), "
                + "%d rungs %s", picked.size(), skipped, plan.size(), plan.rungs()));
        Path jsonl = outDir.resolve(RESULTS);
        for (int r = 0; r < plan.size(); r++) {
            final int rung = r;
            List<Candidate<T>> missing = picked.stream()
                    .filter(c -> !done.getOrDefault(c.key(), Map.of()).containsKey(rung)).toList();
            if (missing.isEmpty()) {
                continue;
            }
            log.accept(String.format(Locale.ROOT, "fidelity sample: rung %d (%s): training %d candidates", r,
                    plan.rungs().get(r), missing.size()));
            backend.evaluateAll(missing, rung, o -> {
                Evaluation e = o.evaluation();
                synchronized (done) {
                    done.computeIfAbsent(o.candidate().key(), x -> new LinkedHashMap<>()).put(rung, e);
                    append(jsonl, o.candidate().key(), rung, e);
                }
                log.accept(String.format(Locale.ROOT, "  rung %d %s %s acc=%s train=%.1f s", rung,
                        o.candidate().label(), e.status(), Double.isNaN(e.accuracy()) ? "-"
                                : String.format(Locale.ROOT, "%.4f", e.accuracy()), e.trainSeconds()));
            });
        }
        List<Sampled> out = new ArrayList<>();
        for (Candidate<T> c : picked) {
            double[] acc = new double[plan.size()];
            double[] sec = new double[plan.size()];
            for (int r = 0; r < plan.size(); r++) {
                Evaluation e = done.get(c.key()).get(r);
                acc[r] = e.feasible() ? e.accuracy() : Double.NaN;
                sec[r] = e.trainSeconds();
            }
            out.add(new Sampled(c.key(), c.label(), c.genes(), costs.get(c.key()), acc, sec));
        }
        Result result = new Result(out, correlations(out, plan), picked.size(), skipped);
        Json.writeFile(outDir.resolve(REPORT), json(space.name(), plan, seed, from, result));
        return result;
    }

    /** Kendall tau-b and Spearman rho of each rung against the last, over candidates trained on both. */
    static List<Correlation> correlations(List<Sampled> cs, RungPlan plan) {
        int top = plan.size() - 1;
        List<Correlation> out = new ArrayList<>();
        for (int r = 0; r < plan.size(); r++) {
            List<double[]> pairs = new ArrayList<>();
            double secs = 0;
            int nsec = 0;
            for (Sampled s : cs) {
                if (Double.isFinite(s.seconds()[r])) {
                    secs += s.seconds()[r];
                    nsec++;
                }
                if (Double.isFinite(s.accuracy()[r]) && Double.isFinite(s.accuracy()[top])) {
                    pairs.add(new double[] {s.accuracy()[r], s.accuracy()[top]});
                }
            }
            double[] x = pairs.stream().mapToDouble(p -> p[0]).toArray();
            double[] y = pairs.stream().mapToDouble(p -> p[1]).toArray();
            double tau = Double.NaN, rho = Double.NaN;
            if (x.length >= 2 && !constant(x) && !constant(y)) {
                tau = new KendallsCorrelation().correlation(x, y);
                rho = new SpearmansCorrelation().correlation(x, y);
            }
            out.add(new Correlation(r, plan.rungs().get(r), x.length, tau, rho, nsec == 0 ? Double.NaN : secs / nsec));
        }
        return out;
    }

    private static boolean constant(double[] v) {
        return Arrays.stream(v).distinct().count() < 2;
    }

    /** The correlation table as text, e.g. for standard output. */
    public static String table(Result r) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-5s %-14s %10s %12s %12s %14s%n", "rung",
                "budget", "candidates", "kendall_tau", "spearman", "mean_train_s"));
        for (Correlation c : r.correlations()) {
            sb.append(String.format(Locale.ROOT, "%-5d %-14s %10d %12.3f %12.3f %14.1f%n", c.rung(),
                    c.budget().trainImages() + " img x " + c.budget().epochs(), c.candidates(), c.kendallTau(),
                    c.spearman(), c.meanSeconds()));
        }
        return sb.toString();
    }

    private static Map<String, Object> json(String spaceName, RungPlan plan, long seed, Path from, Result r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("space", spaceName);
        m.put("seed", seed);
        if (from != null) {
            m.put("candidates_from", from.normalize().toString());
        }
        m.put("reference_rung", plan.size() - 1);
        m.put("rungs", plan.rungs().stream().map(g -> Map.of("train_images", g.trainImages(), "epochs", g.epochs()))
                .toList());
        m.put("skipped_infeasible", r.skipped());
        List<Map<String, Object>> cors = new ArrayList<>();
        for (Correlation c : r.correlations()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("rung", c.rung());
            x.put("train_images", c.budget().trainImages());
            x.put("epochs", c.budget().epochs());
            x.put("candidates", c.candidates());
            x.put("kendall_tau", c.kendallTau());
            x.put("spearman", c.spearman());
            x.put("mean_train_seconds", c.meanSeconds());
            cors.add(x);
        }
        m.put("correlations_with_reference_rung", cors);
        List<Map<String, Object>> cs = new ArrayList<>();
        for (Sampled s : r.candidates()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("label", s.label());
            x.put("key", s.key());
            x.put("genotype", s.genes());
            x.put("latency_s", s.cost().latencySeconds());
            x.put("depth", s.cost().depth());
            x.put("log_n", s.cost().logN());
            x.put("accuracy", Arrays.stream(s.accuracy()).boxed().toList());
            x.put("train_seconds", Arrays.stream(s.seconds()).boxed().toList());
            cs.add(x);
        }
        m.put("candidates", cs);
        return m;
    }

    /** The candidates of the sample in {@code from}, decoded in {@code space}; each must be the network recorded. */
    private static <T> List<Candidate<T>> earlierSample(CandidateSpace<T> space, Path from, int k) throws IOException {
        Path report = from.resolve(REPORT);
        if (!Files.isRegularFile(report)) {
            throw new IllegalArgumentException("--fidelity-from " + from + ": no " + REPORT + " there (the directory of"
                    + " a finished fidelity sample is needed)");
        }
        Map<String, Object> m = Json.asObject(Json.readFile(report), report.toString());
        if (!(m.get("candidates") instanceof List<?> cs) || cs.isEmpty()) {
            throw new IllegalArgumentException(report + ": 'candidates' must be a non-empty list");
        }
        if (cs.size() != k) {
            throw new IllegalArgumentException("--fidelity-sample must equal the " + cs.size() + " candidates of "
                    + report + " when they are reused, but was " + k);
        }
        List<Candidate<T>> out = new ArrayList<>();
        for (int i = 0; i < cs.size(); i++) {
            String at = report + ": candidates[" + i + "]";
            Map<String, Object> c = Json.asObject(cs.get(i), at);
            if (!(c.get("genotype") instanceof List<?> g) || !(c.get("key") instanceof String key)) {
                throw new IllegalArgumentException(at + " must have a 'genotype' list and a 'key'");
            }
            int[] genes = new int[g.size()];
            for (int j = 0; j < genes.length; j++) {
                if (!(g.get(j) instanceof Number n)) {
                    throw new IllegalArgumentException(at + ".genotype[" + j + "] must be a number, but was " + g.get(j));
                }
                genes[j] = n.intValue();
            }
            Candidate<T> cand;
            try {
                cand = space.decode(genes);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(at + ": its genotype is not a network of space '" + space.name()
                        + "': " + e.getMessage(), e);
            }
            if (!cand.key().equals(key)) {
                throw new IllegalArgumentException(at + ": its genotype decodes to " + cand.key() + " in space '"
                        + space.name() + "', but the sample recorded " + key + " (a sample of another space)");
            }
            out.add(cand);
        }
        return out;
    }

    /**
     * Copies the results of {@code from} for rungs whose budget this plan has too into {@code done} and the new
     * results file (once: results already there are kept); returns how many were copied.
     */
    private static <T> int reuse(Path from, RungPlan plan, List<Candidate<T>> picked,
                                 Map<String, Map<Integer, Evaluation>> done, Path jsonl) throws IOException {
        Object settings = Files.exists(from.resolve(SETTINGS)) ? Json.readFile(from.resolve(SETTINGS)) : null;
        if (!(settings instanceof Map<?, ?> sm) || !(sm.get("rungs") instanceof String rs)) {
            throw new IllegalArgumentException(from.resolve(SETTINGS) + " must record the sample's 'rungs'");
        }
        String inner = rs.strip();
        if (inner.startsWith("[") && inner.endsWith("]")) {
            inner = inner.substring(1, inner.length() - 1);
        }
        List<String> oldRungs = Arrays.stream(inner.split(",")).map(String::strip).toList();
        Map<String, Map<Integer, Evaluation>> old = readResults(from.resolve(RESULTS));
        Set<String> keys = new HashSet<>();
        picked.forEach(c -> keys.add(c.key()));
        int copied = 0;
        for (int o = 0; o < oldRungs.size(); o++) {
            int r = plan.rungs().stream().map(Object::toString).toList().indexOf(oldRungs.get(o));
            if (r < 0) {
                continue;
            }
            for (Map.Entry<String, Map<Integer, Evaluation>> e : old.entrySet()) {
                Evaluation ev = e.getValue().get(o);
                if (ev == null || !keys.contains(e.getKey())
                        || done.getOrDefault(e.getKey(), Map.of()).containsKey(r)) {
                    continue;
                }
                done.computeIfAbsent(e.getKey(), x -> new LinkedHashMap<>()).put(r, ev);
                append(jsonl, e.getKey(), r, ev);
                copied++;
            }
        }
        return copied;
    }

    private static void checkSettings(Path dir, CandidateSpace<?> space, RungPlan plan, int k, long seed, Path from)
            throws IOException {
        Map<String, Object> want = new LinkedHashMap<>();
        want.put("space", space.name());
        want.put("space_sha256", space.sha256());
        want.put("rungs", plan.rungs().toString());
        want.put("candidates", (long) k);
        want.put("seed", seed);
        if (from != null) {
            want.put("candidates_from", from.normalize().toString());
        }
        Path f = dir.resolve(SETTINGS);
        if (Files.exists(f)) {
            Object old = Json.readFile(f);
            if (!want.equals(old)) {
                throw new IllegalArgumentException(f + " records another fidelity sample (" + Json.write(old)
                        + "), but this one is " + Json.write(want) + "; choose another --out directory");
            }
        } else {
            Json.writeFile(f, want);
        }
    }

    private static Map<String, Map<Integer, Evaluation>> readResults(Path f) throws IOException {
        Map<String, Map<Integer, Evaluation>> m = new LinkedHashMap<>();
        if (!Files.exists(f)) {
            return m;
        }
        for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            Map<String, Object> o;
            try {
                o = Json.asObject(Json.parse(line, f.toString()), "line");
            } catch (RuntimeException e) {
                continue; // a line cut short by a kill: trained again
            }
            Evaluation.Status st = Evaluation.Status.valueOf((String) o.get("status"));
            Evaluation e = new Evaluation(st, num(o.get("accuracy")), st == Evaluation.Status.OK ? 0.0 : Double.NaN, -1, -1, num(o.get("train_seconds")), (String) o.get("failure_reason"));
            m.computeIfAbsent((String) o.get("key"), x -> new LinkedHashMap<>())
                    .put(((Number) o.get("rung")).intValue(), e);
        }
        return m;
    }

    private static double num(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private static void append(Path f, String key, int rung, Evaluation e) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("key", key);
        o.put("rung", rung);
        o.put("status", e.status().name());
        o.put("accuracy", Double.isFinite(e.accuracy()) ? e.accuracy() : null);
        o.put("train_seconds", Double.isFinite(e.trainSeconds()) ? e.trainSeconds() : null);
        o.put("failure_reason", e.failureReason());
        try {
            Files.writeString(f, Json.write(o).replace("\n", " ") + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.SYNC);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot append to " + f + ": " + ex.getMessage(), ex);
        }
    }
}
