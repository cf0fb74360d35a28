package io.henas.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code report.html}: a page a person can read. Each front model is shown with its architecture in words (the
 * canonical layer string), a drawing of its layers (inline SVG), its accuracy on every rung it reached, predicted
 * latency, depth and ring, and the commands that train and export it; plots of the front, of hypervolume per
 * generation and of accuracy per rung are linked images written by {@link ReportCharts}.
 */
final class ReportPage {
    private ReportPage() {
    }

    static String html(String spaceName, SearchConfig config, SearchResult r, ReportCharts.Written charts) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>henas search: ").append(esc(spaceName))
                .append("</title>\n<style>body{font-family:sans-serif;margin:2em;max-width:1400px}"
                        + "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;"
                        + "text-align:right;vertical-align:top}td.l{text-align:left}code{font-size:85%}"
                        + "code.key{display:block;max-width:520px;word-break:break-all;color:#333}"
                        + "img{max-width:100%}.plots img{width:32%;min-width:360px}</style></head><body>\n");
        h.append("<h1>henas search: ").append(esc(spaceName)).append("</h1>\n<p>");
        long ok = r.trials().stream().filter(t -> t.evaluation().feasible()).count();
        h.append(String.format(Locale.ROOT, "%d trials (%d feasible), %d generations of %d, seed %d, %d gene vectors "
                + "rejected by the codec.", r.trials().size(), ok, r.generations(), config.population(), config.seed(),
                r.rejected()));
        h.append("</p>\n");
        SpeedObjective speed = config.speed();
        h.append("<p>Objectives: ").append(esc(String.join(", ", RunReport.objectives(config)))).append(". ")
                .append(speed == SpeedObjective.LATENCY ? "Latency is the predicted encrypted latency of one image "
                        + "(one run of the plan)." : "Throughput mode: candidates are compiled with batch packing "
                        + "(one image per slot, N/2 images per run); throughput is the images of one run over its "
                        + "predicted latency (amortized images/s), ranked as seconds per image. Latency columns are "
                        + "the latency of a whole batch run.").append("</p>\n");
        if (r.rungs().multiFidelity()) {
            h.append("<p>Multi-fidelity: rungs ");
            for (int i = 0; i < r.rungs().size(); i++) {
                RungPlan.Rung g = r.rungs().rungs().get(i);
                h.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%d: %,d images &times; %d epoch%s", i,
                        g.trainImages(), g.epochs(), g.epochs() == 1 ? "" : "s"));
            }
            h.append(String.format(Locale.ROOT, "; after each rung the best %.0f%% of a generation's candidates by "
                    + "non-dominated rank (accuracy vs predicted %s) are promoted. %s. Accuracies of a model on "
                    + "different rungs are not comparable with each other; the front uses each model's highest rung."
                    + "</p>\n", 100 * r.rungs().promote(), speed == SpeedObjective.LATENCY ? "latency" : "throughput",
                    rungCounts(r)));
        }
        h.append("<div class=\"plots\">");
        for (String img : charts.files()) {
            h.append("<img src=\"").append(img).append("\" alt=\"").append(img).append("\"> ");
        }
        h.append("</div>\n");
        String spaceFile = String.valueOf(config.provenance().getOrDefault("space_file", "SPACE.yaml"));
        String run = r.outDir().toString();
        h.append("<h2>Knee</h2>\n<p>The front point farthest above the line joining the fastest and the most accurate "
                + "front points, in objective space normalised to [0, 1] over the front. <code>henas search</code> "
                + "trains it on the space's full budget into <a href=\"knee/\">knee/</a> (full test accuracy in "
                + "<a href=\"knee/metrics.json\">knee/metrics.json</a>).</p>\n");
        h.append(r.knee().map(k -> models(List.of(k), r, spaceFile, run, speed))
                .orElse("<p>No feasible trial.</p>\n"));
        h.append(speed == SpeedObjective.LATENCY ? "<h2>Pareto front (accuracy vs predicted latency), fastest first</h2>\n"
                : "<h2>Pareto front (accuracy vs predicted images/s), most images/s first</h2>\n")
                .append(models(r.front(), r, spaceFile, run, speed));
        if (!r.references().isEmpty()) {
            h.append("<h2>Reference architectures</h2>\n").append(models(r.references(), r, spaceFile, run, speed));
            for (Map<String, Object> c : RunReport.comparisons(r, speed)) {
                Object id = c.get("fastest_front_trial_at_least_as_accurate");
                h.append("<p>").append(esc((String) c.get("reference"))).append(": ");
                if (id == null) {
                    h.append("no front trial is as accurate.");
                } else if (speed == SpeedObjective.THROUGHPUT) {
                    h.append(String.format(Locale.ROOT, "trial %s is at least as accurate (%.4f vs %.4f) at %.2fx its "
                            + "predicted throughput (%.4g vs %.4g images/s).", id, (Double) c.get("its_accuracy"),
                            (Double) c.get("reference_accuracy"), (Double) c.get("throughput_ratio"),
                            (Double) c.get("its_images_per_second"), (Double) c.get("reference_images_per_second")));
                } else {
                    h.append(String.format(Locale.ROOT, "trial %s is at least as accurate (%.4f vs %.4f) at %.1f%% of "
                            + "its predicted latency (%.4g s vs %.4g s).", id, (Double) c.get("its_accuracy"),
                            (Double) c.get("reference_accuracy"), 100 * (Double) c.get("latency_ratio"),
                            (Double) c.get("its_latency_s"), (Double) c.get("reference_latency_s")));
                }
                h.append("</p>\n");
            }
        }
        h.append("<p>All trials: <a href=\"").append(SearchRunner.TRIALS_CSV).append("\">trials.csv</a>, ")
                .append("<a href=\"").append(SearchRunner.TRIALS_DB).append("\">trials.db</a> (every rung: view ")
                .append("<code>all_rungs</code>); front: <a href=\"").append(SearchRunner.PARETO)
                .append("\">pareto.json</a>; provenance: <a href=\"").append(SearchRunner.MANIFEST)
                .append("\">manifest.json</a>.</p>\n</body></html>\n");
        return h.toString();
    }

    private static String rungCounts(SearchResult r) {
        int[] n = new int[r.rungs().size()];
        for (Trial t : r.trials()) {
            if (t.reference()) {
                continue;
            }
            n[Rungs.topRung(t, r.rungResults().getOrDefault(t.id(), Map.of()))]++;
        }
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < n.length; i++) {
            parts.add(n[i] + " stopped at rung " + i);
        }
        return "Search trials: " + String.join(", ", parts);
    }

    private static String models(List<Trial> ts, SearchResult r, String spaceFile, String run,
                                 SpeedObjective speed) {
        boolean tput = speed == SpeedObjective.THROUGHPUT;
        StringBuilder h = new StringBuilder("<table><tr><th>trial</th><th>architecture</th><th>accuracy by rung</th>"
                + (tput ? "<th>predicted images/s</th><th>images per run</th><th>predicted batch latency (s)</th>"
                : "<th>predicted latency (s)</th>") + "<th>depth</th><th>ring logN</th><th>key memory (MB)</th>"
                + "<th>how to get it</th></tr>\n");
        for (Trial t : ts) {
            Evaluation e = t.evaluation();
            Map<Integer, RungResult> rs = r.rungResults().getOrDefault(t.id(), Map.of());
            Trial first = r.rung0().stream().filter(x -> x.id() == t.id()).findFirst().orElse(t);
            StringBuilder acc = new StringBuilder();
            acc.append(rungCell(0, r.rungs().rungs().get(0), first.evaluation()));
            for (RungResult g : rs.values()) {
                acc.append("<br>").append(rungCell(g.rung(), g.budget(), g.evaluation()));
            }
            String cmds = t.reference() ? "reference: <code>henas train " + esc(spaceFile) + " --run " + esc(run)
                    + " --pick " + t.id() + "</code>"
                    : "<code>henas train " + esc(spaceFile) + " --run " + esc(run) + " --pick " + t.id()
                    + "</code><br><code>henas export " + esc(run) + " --pick " + t.id()
                    + (tput ? " --packing batch" : "") + "</code>";
            String speedCells = tput ? num(e.imagesPerSecond(), "%.4g") + "</td><td>" + e.imagesPerRun() + "</td><td>"
                    + num(e.latencySeconds(), "%.4g") : num(e.latencySeconds(), "%.4g");
            h.append(String.format(Locale.ROOT, "<tr><td>%d<br><small>gen %d</small></td><td class=\"l\"><b>%s</b>"
                    + "<br>%s<code class=\"key\">%s</code></td><td class=\"l\">%s</td><td>%s</td><td>%s</td>"
                    + "<td>%s</td><td>%s</td><td class=\"l\">%s%s</td></tr>\n", t.id(), t.generation(), esc(t.label()),
                    BlockDrawing.svg(t.key()), esc(t.key()), acc, speedCells,
                    e.depth() < 0 ? "" : e.depth(), e.logN() < 0 ? "" : e.logN(),
                    e.keyBytes() < 0 ? "" : String.format(Locale.ROOT, "%.1f", e.keyBytes() / 1e6), cmds,
                    e.failureReason().isEmpty() ? "" : "<br>" + esc(e.status() + ": " + e.failureReason())));
        }
        return h.append("</table>\n").toString();
    }

    private static String rungCell(int rung, RungPlan.Rung b, Evaluation e) {
        String what = e.feasible() ? String.format(Locale.ROOT, "<b>%.4f</b>", e.accuracy()) : esc(e.status().name());
        return String.format(Locale.ROOT, "rung %d: %s <small>(%s; %s s)</small>", rung, what,
                b.trainImages() <= 1 ? "proxy" : String.format(Locale.ROOT, "%,d img &times; %d", b.trainImages(),
                        b.epochs()), num(e.trainSeconds(), "%.0f"));
    }

    private static String num(double v, String fmt) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, fmt, v) : "";
    }

    static String esc(String s) {
        return RunReport.esc(s);
    }
}
