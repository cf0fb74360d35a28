package io.henas.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * report.html of a multi-fidelity run: readable architecture strings, drawings, rung accuracies and commands; and a
 * real headless Chromium renders it (skipped when /usr/bin/chromium is absent; {@code apt-get install -y chromium}).
 * The screenshot is kept as {@code target/report-screenshot.png}. The same check by hand:
 * {@code src/test/scripts/report-screenshot.sh RUN_DIR OUT.png}.
 */
class ReportRenderTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @TempDir
    Path dir;

    /** ZDT1 with canonical-key-like keys, so the drawings have layers to draw. */
    static final class Layered implements CandidateSpace<int[]> {
        final Zdt zdt = SearchResumeTest.space();

        public String name() { return "layered"; }
        public int[] cardinalities() { return zdt.cardinalities(); }
        public String sha256() { return "layered"; }

        public Candidate<int[]> decode(int[] g) {
            Candidate<int[]> c = zdt.decode(g);
            String key = "1x28x28>conv" + (8 * (g[0] + 1)) + "k3s2 bn " + (g[1] % 2 == 0 ? "square" : "poly2")
                    + " dwk3s1 bn square conv" + (16 + 8 * g[2]) + "k1s1 bn avg2 conv32k" + (g[3] % 2 == 0 ? 3 : 5)
                    + "s1 bn poly2 gap fc10>10 #" + Arrays.toString(g);
            return new Candidate<>(c.genes(), key, "layered-" + c.key(), c.description(), c.value());
        }
    }

    static Path writeReport(Path dir) throws Exception {
        Layered space = new Layered();
        SearchConfig cfg = SearchConfig.builder(dir).population(10).generations(4).seed(2).threads(2)
                .rungs(RungSearchTest.PLAN).provenance("space_file", "search-spaces/layered.yaml").build();
        SearchRunner.run(space, new RungSearchTest.RungEvaluator(space.zdt, 0, -1), cfg, ProgressListener.NONE);
        return dir.resolve(SearchRunner.REPORT);
    }

    @Test
    void theReportShowsArchitecturesRungsAndCommands() throws Exception {
        Path report = writeReport(dir);
        String html = Files.readString(report);
        assertTrue(html.contains("<svg"), "block drawings");
        assertTrue(html.contains("conv16k3s2") || html.contains("conv8k3s2"), "canonical layer strings");
        assertTrue(html.contains("rung 2: <b>"), "accuracy on the top rung");
        assertTrue(html.contains("henas train search-spaces/layered.yaml --run " + dir + " --pick "));
        assertTrue(html.contains("henas export " + dir + " --pick "));
        for (String img : List.of(SearchRunner.PLOT, ReportCharts.HYPERVOLUME, ReportCharts.RUNGS)) {
            assertTrue(html.contains("src=\"" + img + "\""), img);
            BufferedImage png = ImageIO.read(dir.resolve(img).toFile());
            assertTrue(png.getWidth() >= 600, img);
        }
        assertEquals(List.of("input", "conv 8", "dw", "pw 16", "avgpool", "conv 32", "global", "dense"),
                BlockDrawing.boxes("1x28x28>conv8k3s2 bn square dwk3s1 bn square conv16k1s1 bn avg2 conv32k5s1 bn "
                        + "poly2 gap fc10>10").stream().map(b -> b.line1()).toList());
    }

    @Test
    void headlessChromiumRendersTheReport() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM), "no " + CHROMIUM + " (apt-get install -y chromium)");
        Path report = writeReport(dir);
        Path shot = dir.resolve("report.png");
        Path profile = Files.createTempDirectory("henas-chromium");
        Process p = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile, "--screenshot=" + shot, "--window-size=1200,2000",
                report.toUri().toString()).redirectErrorStream(true).redirectOutput(dir.resolve("chromium.log")
                .toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium did not finish in 120 s");
        assertTrue(Files.exists(shot), "no screenshot; log: " + Files.readString(dir.resolve("chromium.log")));
        Files.createDirectories(Path.of("target"));
        Files.copy(shot, Path.of("target", "report-screenshot.png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        BufferedImage img = ImageIO.read(shot.toFile());
        assertEquals(1200, img.getWidth());
        // the page is not blank: many distinct colours (text, drawings, plots)
        java.util.Set<Integer> colours = new java.util.HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 7) {
            for (int x = 0; x < img.getWidth(); x += 7) {
                colours.add(img.getRGB(x, y));
            }
        }
        assertTrue(colours.size() > 20, "screenshot looks blank: " + colours.size() + " colours");
    }
}
