package io.henas.compare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Function;

import io.henas.ir.Json;

/**
 * The rows of an experiment and the reductions derived from them. Reference baseline: the fastest baseline row by
 * the same metric (so a variant is never credited with what merging alone gives the baseline). Reductions are
 * {@code 1 - row / baseline}; null when a side is missing.
 */
public record Results(String experiment, List<RowResult> rows, Map<String, Object> provenance) {
    public Results {
        rows = List.copyOf(rows);
        provenance = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(provenance));
    }

    private Optional<RowResult> best(Experiment.Role role, Function<RowResult, OptionalDouble> metric) {
        RowResult best = null;
        for (RowResult r : rows) {
            if (r.role() == role && metric.apply(r).isPresent()
                    && (best == null || metric.apply(r).getAsDouble() < metric.apply(best).getAsDouble())) {
                best = r;
            }
        }
        return Optional.ofNullable(best);
    }

    /** {@code 1 - best row of role / fastest baseline}, by {@code metric}; empty if either is missing. */
    public OptionalDouble reduction(Experiment.Role role, Function<RowResult, OptionalDouble> metric) {
        Optional<RowResult> b = best(Experiment.Role.BASELINE, metric);
        Optional<RowResult> v = best(role, metric);
        if (b.isEmpty() || v.isEmpty()) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(1 - metric.apply(v.get()).getAsDouble() / metric.apply(b.get()).getAsDouble());
    }

    static OptionalDouble measured(RowResult r) {
        return r.measuredLatencyS();
    }

    static OptionalDouble predicted(RowResult r) {
        return r.cost().predictedLatencyS();
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("experiment", experiment);
        m.put("rows", rows.stream().map(RowResult::toJson).toList());
        m.put("latency_reduction_best_variant", value(reduction(Experiment.Role.VARIANT, Results::measured)));
        m.put("latency_reduction_searched", value(reduction(Experiment.Role.SEARCHED, Results::measured)));
        m.put("predicted_latency_reduction_best_variant", value(reduction(Experiment.Role.VARIANT,
                Results::predicted)));
        m.put("predicted_latency_reduction_searched", value(reduction(Experiment.Role.SEARCHED, Results::predicted)));
        m.put("baseline_row", best(Experiment.Role.BASELINE, Results::measured).map(RowResult::name).orElse(null));
        m.put("best_variant_row", best(Experiment.Role.VARIANT, Results::measured).map(RowResult::name).orElse(null));
        m.put("predicted_baseline_row", best(Experiment.Role.BASELINE, Results::predicted).map(RowResult::name)
                .orElse(null));
        m.put("predicted_best_variant_row", best(Experiment.Role.VARIANT, Results::predicted).map(RowResult::name)
                .orElse(null));
        m.put("reference_baseline", "the fastest baseline row by the same metric");
        m.put("provenance", provenance);
        return m;
    }

    private static Object value(OptionalDouble d) {
        return d.isPresent() ? d.getAsDouble() : null;
    }

    /** A markdown table with one line per row and every column of {@code results.json}. */
    public String table() {
        StringBuilder sb = new StringBuilder();
        sb.append("| row | role | merge | depth | logN | log QP | security | rotations | ct x pt | ct x ct | rescales"
                + " | predicted s | measured s | mode | logN w/o bound | HEMET layout: logN / rot / ct x pt / ct x ct"
                + " / predicted s | accuracy | encrypted acc. | Fashion enc. s |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (RowResult r : rows) {
            RowResult.Ops c = r.cost();
            sb.append("| ").append(r.name()).append(" | ").append(r.role().key()).append(" | ")
                    .append(r.merge() ? "on" : "off").append(" | ").append(c.depth()).append(" | ").append(c.logN())
                    .append(" | ").append(c.logQp()).append(" | ").append(fmt("%.1f", c.securityBits())).append(" | ")
                    .append(c.rotations()).append(" | ").append(c.mulPlain()).append(" | ").append(c.mulCt())
                    .append(" | ").append(c.rescales()).append(" | ").append(opt(c.predictedLatencyS())).append(" | ")
                    .append(opt(r.measuredLatencyS())).append(" | ")
                    .append(r.measured().map(RowResult.Measured::mode).orElse("-")).append(" | ")
                    .append(r.logNInsecure().isPresent() ? String.valueOf(r.logNInsecure().getAsInt()) : "-")
                    .append(" | ")
                    .append(r.hemet().map(h -> h.logN() + " / " + h.rotations() + " / " + h.mulPlain() + " / "
                            + h.mulCt() + " / " + opt(h.predictedLatencyS())).orElse("-")).append(" | ")
                    .append(r.trained().map(t -> fmt("%.4f", t.accuracy())).orElse("-")).append(" | ")
                    .append(r.trained().map(t -> fmt("%.3f", t.encryptedAccuracy()) + " (" + t.images() + ")")
                            .orElse("-")).append(" | ")
                    .append(r.trained().map(t -> fmt("%.2f", t.encryptedLatencyS())).orElse("-")).append(" |\n");
        }
        sb.append('\n');
        sb.append(line("Latency reduction of the best variant (measured)", reduction(Experiment.Role.VARIANT,
                Results::measured)));
        sb.append(line("Latency reduction of the best variant (predicted)", reduction(Experiment.Role.VARIANT,
                Results::predicted)));
        sb.append(line("Latency reduction of the searched model (measured)", reduction(Experiment.Role.SEARCHED,
                Results::measured)));
        sb.append(line("Latency reduction of the searched model (predicted)", reduction(Experiment.Role.SEARCHED,
                Results::predicted)));
        sb.append("\nReductions are 1 - row / fastest baseline row (same metric). Security is the estimated bits at"
                + " the chosen ring; every plan is at or above 128 bits. \"logN w/o bound\" is the smallest ring whose"
                + " primes hold the plan if the 128-bit bound is ignored.\n");
        return sb.toString();
    }

    private static String line(String what, OptionalDouble d) {
        return "- " + what + ": " + (d.isPresent() ? fmt("%.1f%%", 100 * d.getAsDouble()) : "n/a") + "\n";
    }

    private static String opt(OptionalDouble d) {
        return d.isPresent() ? fmt("%.2f", d.getAsDouble()) : "-";
    }

    private static String fmt(String f, double v) {
        return String.format(Locale.ROOT, f, v);
    }

    /** Writes {@code results.json}, {@code table.md} and the charts into {@code dir}; returns the files written. */
    public List<Path> write(Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Path> out = new ArrayList<>();
        Path json = dir.resolve("results.json");
        Json.writeFile(json, toJson());
        out.add(json);
        Path md = dir.resolve("table.md");
        Files.writeString(md, "# " + experiment + "\n\n" + table());
        out.add(md);
        out.addAll(Charts.write(this, dir));
        return out;
    }
}
