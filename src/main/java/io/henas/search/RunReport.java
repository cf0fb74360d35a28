package io.henas.search;

import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import io.henas.ir.Json;

/** Writes {@code pareto.json}, {@code trials.csv}, {@code pareto.png} and {@code report.html} of a finished run. */
final class RunReport {
    private RunReport() {
    }

    static void write(String spaceName, SearchConfig config, SearchResult r) {
        Path dir = r.outDir();
        Json.writeFile(dir.resolve(SearchRunner.PARETO), paretoJson(spaceName, config, r));
        writeCsv(dir.resolve(SearchRunner.TRIALS_CSV), r.trials());
        boolean plotted = writePlot(dir.resolve(SearchRunner.PLOT), spaceName, r, config.speed());
        ReportCharts.Written charts = ReportCharts.write(dir, spaceName, r, plotted, config.speed());
        write(dir.resolve(SearchRunner.REPORT), ReportPage.html(spaceName, config, r, charts));
    }

    static Map<String, Object> trialJson(Trial t) {
        return trialJson(t, SpeedObjective.LATENCY);
    }

    /** The trial's row; in a throughput run also its images per run and predicted images per second. */
    static Map<String, Object> trialJson(Trial t, SpeedObjective speed) {
        Map<String, Object> m = new LinkedHashMap<>();
        Evaluation e = t.evaluation();
        m.put("trial_id", t.id());
        m.put("generation", t.generation());
        m.put("reference", t.reference());
        m.put("label", t.label());
        m.put("key", t.key());
        m.put("genotype", t.genes());
        m.put("status", e.status().name());
        m.put("accuracy", e.accuracy());
        m.put("latency_s", e.latencySeconds());
        m.put("depth", e.depth() < 0 ? null : e.depth());
        m.put("log_n", e.logN() < 0 ? null : e.logN());
        m.put("key_bytes", e.keyBytes() < 0 ? null : e.keyBytes());
        if (speed == SpeedObjective.THROUGHPUT) {
            m.put("images_per_run", e.imagesPerRun());
            m.put("images_per_second", e.imagesPerSecond());
        }
        m.put("train_seconds", e.trainSeconds());
        m.put("failure_reason", e.failureReason());
        return m;
    }

    /** {@link #trialJson(Trial)} plus, in a multi-fidelity run, the rung it reached and every rung's result. */
    static Map<String, Object> trialJson(Trial t, SearchResult r, SpeedObjective speed) {
        Map<String, Object> m = trialJson(t, speed);
        if (!r.rungs().multiFidelity()) {
            return m;
        }
        Map<Integer, RungResult> rs = r.rungResults().getOrDefault(t.id(), Map.of());
        m.put("rung", Rungs.topRung(t, rs));
        List<Map<String, Object>> list = new ArrayList<>();
        Trial first = r.rung0().stream().filter(x -> x.id() == t.id()).findFirst().orElse(t);
        list.add(rungJson(0, r.rungs().rungs().get(0), first.evaluation()));
        for (RungResult g : rs.values()) {
            list.add(rungJson(g.rung(), g.budget(), g.evaluation()));
        }
        m.put("rungs", list);
        return m;
    }

    private static Map<String, Object> rungJson(int rung, RungPlan.Rung budget, Evaluation e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rung", rung);
        m.put("train_images", budget.trainImages());
        m.put("epochs", budget.epochs());
        m.put("status", e.status().name());
        m.put("accuracy", e.accuracy());
        m.put("train_seconds", e.trainSeconds());
        return m;
    }

    static Map<String, Object> paretoJson(String spaceName, SearchConfig config, SearchResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("space", spaceName);
        m.put("git_commit", BuildInfo.commit());
        SpeedObjective speed = config.speed();
        m.put("objectives", objectives(config));
        m.put("front_objectives", List.of("accuracy (max)", speed.described()));
        if (speed == SpeedObjective.THROUGHPUT) {
            m.put("packing", "batch");
            m.put("throughput_definition", "images per run (N/2, one image per slot) / predicted latency of one run;"
                    + " ranked as seconds per image (min)");
        }
        m.put("knee_definition", "max distance above the line joining the front's extremes in normalised "
                + (speed == SpeedObjective.LATENCY ? "(latency, accuracy)" : "(seconds per image, accuracy)")
                + " space");
        m.put("generations", r.generations());
        m.put("trials", r.trials().size());
        m.put("rejected_by_codec", r.rejected());
        if (r.rungs().multiFidelity()) {
            m.put("rungs", r.rungs().rungs().stream().map(g -> Map.of("train_images", g.trainImages(), "epochs",
                    g.epochs())).toList());
            m.put("promote", r.rungs().promote());
            m.put("front_definition", "each model on the highest rung it reached");
        }
        m.put("knee", r.knee().map(t -> trialJson(t, r, speed)).orElse(null));
        m.put("front", r.front().stream().map(t -> trialJson(t, r, speed)).toList());
        m.put("references", r.references().stream().map(t -> trialJson(t, r, speed)).toList());
        m.put("reference_comparison", comparisons(r, speed));
        return m;
    }

    /** The objectives a run optimised, as listed in {@code pareto.json} and {@code manifest.json}. */
    static List<String> objectives(SearchConfig config) {
        List<String> o = new ArrayList<>(List.of("accuracy (max)", config.speed().described()));
        if (config.depthObjective()) {
            o.add("depth (min)");
        }
        return List.copyOf(o);
    }

    /**
     * For each reference with a measured accuracy and latency: the fastest front trial at least as accurate, and
     * its latency as a fraction of the reference's.
     */
    static List<Map<String, Object>> comparisons(SearchResult r) {
        return comparisons(r, SpeedObjective.LATENCY);
    }

    /**
     * As {@link #comparisons(SearchResult)}; in a throughput run the fastest front trial is the one with the most
     * images/s, and its images/s are given beside the latencies ({@code throughput_ratio} = its / the reference's).
     */
    static List<Map<String, Object>> comparisons(SearchResult r, SpeedObjective speed) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Trial ref : r.references()) {
            Evaluation re = ref.evaluation();
            if (!Double.isFinite(re.accuracy()) || !Double.isFinite(re.latencySeconds())) {
                continue;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("reference", ref.label());
            m.put("reference_trial_id", ref.id());
            m.put("reference_accuracy", re.accuracy());
            m.put("reference_latency_s", re.latencySeconds());
            var match = ParetoFront.fastestAtLeast(r.front(), re.accuracy());
            m.put("fastest_front_trial_at_least_as_accurate", match.map(Trial::id).orElse(null));
            m.put("its_accuracy", match.map(t -> (Object) t.evaluation().accuracy()).orElse(null));
            m.put("its_latency_s", match.map(t -> (Object) t.evaluation().latencySeconds()).orElse(null));
            m.put("latency_ratio", match.map(t -> (Object) (re.latencySeconds() > 0
                    ? t.evaluation().latencySeconds() / re.latencySeconds() : Double.NaN)).orElse(null));
            if (speed == SpeedObjective.THROUGHPUT) {
                m.put("reference_images_per_second", re.imagesPerSecond());
                m.put("its_images_per_second", match.map(t -> (Object) t.evaluation().imagesPerSecond())
                        .orElse(null));
                m.put("throughput_ratio", match.map(t -> (Object) (t.evaluation().imagesPerSecond()
                        / re.imagesPerSecond())).orElse(null));
            }
            out.add(m);
        }
        return out;
    }

    static void writeCsv(Path file, List<Trial> trials) {
        StringBuilder sb = new StringBuilder(String.join(",", TrialStore.COLUMNS)).append('\n');
        for (Trial t : trials) {
            Evaluation e = t.evaluation();
            List<String> f = List.of(Integer.toString(t.id()), Integer.toString(t.generation()),
                    t.reference() ? "1" : "0", TrialStore.genotypeText(t.genes()), t.key(), t.label(),
                    e.status().name(), num(e.accuracy()), num(e.latencySeconds()), e.depth() < 0 ? "" : "" + e.depth(),
                    e.logN() < 0 ? "" : "" + e.logN(), num(e.trainSeconds()), e.failureReason(),
                    t.started().toString(), t.finished().toString(), t.description(),
                    e.keyBytes() < 0 ? "" : Long.toString(e.keyBytes()), Integer.toString(e.imagesPerRun()));
            List<String> quoted = new ArrayList<>();
            for (String s : f) {
                quoted.add(csv(s));
            }
            sb.append(String.join(",", quoted)).append('\n');
        }
        write(file, sb.toString());
    }

    private static String num(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "";
    }

    static String csv(String s) {
        if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }

    /** Writes the scatter plot; false if there is nothing feasible to plot. */
    static boolean writePlot(Path file, String spaceName, SearchResult r, SpeedObjective speed) {
        List<Trial> ok = r.trials().stream().filter(t -> !t.reference() && t.evaluation().feasible()).toList();
        if (ok.isEmpty()) {
            return false;
        }
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(900).height(600).title("Pareto front: " + spaceName)
                .xAxisTitle(speed.title()).yAxisTitle(r.rungs().multiFidelity()
                        ? "accuracy on the highest rung reached" : "proxy accuracy").build();
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setMarkerSize(7);
        double lMin = ok.stream().mapToDouble(t -> speed.shown(t.evaluation())).min().orElse(1);
        double lMax = ok.stream().mapToDouble(t -> speed.shown(t.evaluation())).max().orElse(1);
        if (lMin > 0 && lMax / lMin > 30) {
            chart.getStyler().setXAxisLogarithmic(true);
        }
        XYSeries all = chart.addSeries("all trials (" + ok.size() + ")", x(ok, speed), acc(ok));
        all.setMarker(SeriesMarkers.CIRCLE);
        all.setMarkerColor(new Color(150, 150, 150, 140));
        XYSeries front = chart.addSeries("Pareto front (" + r.front().size() + ")", x(r.front(), speed), acc(r.front()));
        front.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        front.setMarker(SeriesMarkers.DIAMOND);
        front.setMarkerColor(new Color(200, 30, 30));
        front.setLineColor(new Color(200, 30, 30));
        r.knee().ifPresent(k -> {
            XYSeries s = chart.addSeries("knee: trial " + k.id(), x(List.of(k), speed), acc(List.of(k)));
            s.setMarker(SeriesMarkers.SQUARE);
            s.setMarkerColor(new Color(20, 120, 20));
        });
        for (Trial ref : r.references()) {
            if (ref.evaluation().feasible() || (Double.isFinite(ref.evaluation().accuracy())
                    && Double.isFinite(ref.evaluation().latencySeconds()))) {
                XYSeries s = chart.addSeries("reference: " + ref.label(), x(List.of(ref), speed), acc(List.of(ref)));
                s.setMarker(SeriesMarkers.TRIANGLE_UP);
                s.setMarkerColor(new Color(30, 60, 200));
            }
        }
        writePng(file, chart);
        return true;
    }

    /** The plot's x values: latency (s), or images/s in a throughput run. */
    private static double[] x(List<Trial> ts, SpeedObjective speed) {
        return ts.stream().mapToDouble(t -> speed.shown(t.evaluation())).toArray();
    }

    private static double[] acc(List<Trial> ts) {
        return ts.stream().mapToDouble(t -> t.evaluation().accuracy()).toArray();
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** Text, written {@linkplain #writeAtomically atomically}. */
    private static void write(Path file, String text) {
        writeAtomically(file, text.getBytes(StandardCharsets.UTF_8));
    }

    /** A chart as PNG, encoded in memory and then written {@linkplain #writeAtomically atomically}. */
    static void writePng(Path file, org.knowm.xchart.internal.chartpart.Chart<?, ?> chart) {
        var bytes = new java.io.ByteArrayOutputStream();
        try {
            BitmapEncoder.saveBitmap(chart, bytes, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode the chart for " + file + ": " + e.getMessage(), e);
        }
        writeAtomically(file, bytes.toByteArray());
    }

    /** Atomically: a sibling temporary file moved into place, so a crash or a full disk never leaves half a file. */
    static void writeAtomically(Path file, byte[] content) {
        Path tmp = file.resolveSibling("." + file.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        try {
            Files.write(tmp, content);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the original error is the one to report
            }
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
