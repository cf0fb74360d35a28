package io.henas.compare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;

/**
 * XChart figures of {@link Results}: {@code latency.png} (predicted and measured encrypted latency per row, bars)
 * and, when rows were trained, {@code accuracy-latency.png} (Fashion-MNIST accuracy against encrypted latency),
 * each written atomically.
 */
final class Charts {
    private Charts() {
    }

    static List<Path> write(Results r, Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        CategoryChart bars = new CategoryChartBuilder().width(1200).height(650).title("Encrypted latency per row: "
                + r.experiment()).xAxisTitle("row").yAxisTitle("seconds per CIFAR-shaped input").build();
        bars.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        bars.getStyler().setXAxisLabelRotation(45);
        List<String> names = new ArrayList<>();
        List<Double> predicted = new ArrayList<>();
        List<Double> measured = new ArrayList<>();
        for (RowResult row : r.rows()) {
            names.add(row.name());
            predicted.add(row.cost().predictedLatencyS().isPresent() ? row.cost().predictedLatencyS().getAsDouble() : 0);
            measured.add(row.measuredLatencyS().isPresent() ? row.measuredLatencyS().getAsDouble() : 0);
        }
        bars.addSeries("predicted", names, predicted);
        bars.addSeries("measured (0 = not measured)", names, measured);
        Path lat = dir.resolve("latency.png");
        save(bars, lat);
        out.add(lat);
        List<RowResult> trained = r.rows().stream().filter(x -> x.trained().isPresent()).toList();
        if (!trained.isEmpty()) {
            XYChart xy = new XYChartBuilder().width(900).height(600).title("Fashion-MNIST: accuracy vs encrypted"
                    + " latency").xAxisTitle("encrypted latency per image (s)").yAxisTitle("test accuracy").build();
            xy.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            xy.getStyler().setMarkerSize(10);
            for (RowResult row : trained) {
                RowResult.Trained t = row.trained().get();
                xy.addSeries(row.name(), new double[]{t.encryptedLatencyS()}, new double[]{t.accuracy()});
            }
            Path acc = dir.resolve("accuracy-latency.png");
            save(xy, acc);
            out.add(acc);
        }
        return out;
    }

    /**
     * Encodes {@code chart} in memory, writes it beside {@code file} and moves it into place atomically, as the search
     * report's charts are: a crash or a full disk leaves the old chart or none, never half a PNG.
     */
    static void save(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, Path file) throws IOException {
        var png = new java.io.ByteArrayOutputStream();
        BitmapEncoder.saveBitmap(chart, png, BitmapEncoder.BitmapFormat.PNG);
        Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), "." + file.getFileName() + ".", ".tmp");
        try {
            Files.write(tmp, png.toByteArray());
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
