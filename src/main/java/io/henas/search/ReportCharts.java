package io.henas.search;

import java.awt.Color;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The report's plots (XChart PNGs): hypervolume of the front after each generation, and each promoted model's
 * accuracy on every rung it reached. (The front scatter stays in {@link RunReport#writePlot}.)
 */
final class ReportCharts {
    /** File names in the run directory. */
    static final String HYPERVOLUME = "hypervolume.png", RUNGS = "rungs.png";

    private ReportCharts() {
    }

    /** The images written, relative to the run directory, in display order. */
    record Written(List<String> files) {
    }

    static Written write(Path dir, String spaceName, SearchResult r, boolean paretoPlotted, SpeedObjective speed) {
        System.setProperty("java.awt.headless", "true");
        List<String> files = new ArrayList<>();
        if (paretoPlotted) {
            files.add(SearchRunner.PLOT);
        }
        double[][] hv = hypervolumes(r, speed);
        if (hv[0].length > 0) {
            XYChart c = new XYChartBuilder().width(700).height(450).title("Hypervolume per generation: " + spaceName)
                    .xAxisTitle("generation").yAxisTitle(speed == SpeedObjective.LATENCY
                    ? "hypervolume (accuracy x seconds)" : "hypervolume (accuracy x seconds per image)").build();
            c.getStyler().setLegendVisible(false);
            XYSeries s = c.addSeries("hypervolume", hv[0], hv[1]);
            s.setMarker(SeriesMarkers.CIRCLE);
            save(c, dir.resolve(HYPERVOLUME));
            files.add(HYPERVOLUME);
        }
        if (r.rungs().multiFidelity() && !r.rungResults().isEmpty()) {
            XYChart c = new XYChartBuilder().width(700).height(450).title("Accuracy per rung (promoted models)")
                    .xAxisTitle("rung").yAxisTitle("accuracy").build();
            c.getStyler().setLegendVisible(false);
            c.getStyler().setXAxisDecimalPattern("0");
            List<Integer> frontIds = r.front().stream().map(Trial::id).toList();
            for (Trial t : r.rung0()) {
                Map<Integer, RungResult> rs = r.rungResults().get(t.id());
                if (rs == null || !t.evaluation().feasible()) {
                    continue;
                }
                List<Double> x = new ArrayList<>(List.of(0.0));
                List<Double> y = new ArrayList<>(List.of(t.evaluation().accuracy()));
                for (RungResult g : rs.values()) {
                    if (g.evaluation().feasible()) {
                        x.add((double) g.rung());
                        y.add(g.evaluation().accuracy());
                    }
                }
                XYSeries s = c.addSeries("trial " + t.id(), x, y);
                boolean front = frontIds.contains(t.id());
                s.setMarker(SeriesMarkers.CIRCLE);
                Color col = t.reference() ? new Color(30, 60, 200) : front ? new Color(200, 30, 30)
                        : new Color(120, 120, 120, 150);
                s.setLineColor(col);
                s.setMarkerColor(col);
            }
            save(c, dir.resolve(RUNGS));
            files.add(RUNGS);
        }
        return new Written(files);
    }

    /**
     * {generations, hypervolumes}: after generation g, the front of the search trials met in generations 1..g (each on
     * the highest rung it reached), against the reference point (accuracy 0, 1.1 x the largest feasible latency).
     */
    static double[][] hypervolumes(SearchResult r) {
        return hypervolumes(r, SpeedObjective.LATENCY);
    }

    /** As {@link #hypervolumes(SearchResult)} in (accuracy, {@code speed}'s cost): seconds per image for throughput. */
    static double[][] hypervolumes(SearchResult r, SpeedObjective speed) {
        List<Trial> ok = r.trials().stream().filter(t -> !t.reference() && t.evaluation().feasible()).toList();
        if (ok.isEmpty()) {
            return new double[][] {{}, {}};
        }
        double refLat = 1.1 * ok.stream().mapToDouble(t -> speed.cost(t.evaluation())).max().orElse(1);
        int gens = ok.stream().mapToInt(Trial::generation).max().orElse(0);
        double[] x = new double[gens], y = new double[gens];
        for (int g = 1; g <= gens; g++) {
            final int gg = g;
            List<Trial> front = ParetoFront.of(ok.stream().filter(t -> t.generation() <= gg).toList(), speed);
            x[g - 1] = g;
            y[g - 1] = ParetoFront.hypervolume(front.stream().mapToDouble(t -> t.evaluation().accuracy()).toArray(),
                    front.stream().mapToDouble(t -> speed.cost(t.evaluation())).toArray(), 0, refLat);
        }
        return new double[][] {x, y};
    }

    private static void save(XYChart c, Path file) {
        RunReport.writePng(file, c);
    }
}
