package io.henas.search;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/**
 * Prints one line per generation to a stream (standard error), e.g.
 * {@code gen 12/30  front=9  best acc=0.912  fastest=0.84 s  evals=360  rejected=4  elapsed=5m12s  [########------------] 40%}.
 * Replayed generations (resume) end in {@code (replayed)}.
 */
public final class ConsoleProgress implements ProgressListener {
    private static final int BAR = 20;
    private final PrintStream out;

    public ConsoleProgress(PrintStream out) {
        this.out = out;
    }

    @Override
    public void onGeneration(GenerationStats s) {
        out.println(line(s));
        out.flush();
    }

    /** The progress line of {@code s}. */
    public static String line(GenerationStats s) {
        int filled = (int) Math.round(BAR * (double) s.generation() / s.generations());
        String bar = "#".repeat(filled) + "-".repeat(BAR - filled);
        String acc = Double.isNaN(s.bestAccuracy()) ? "-" : String.format(Locale.ROOT, "%.3f", s.bestAccuracy());
        String lat = Double.isNaN(s.fastestLatencySeconds()) ? "-"
                : String.format(Locale.ROOT, "%.3g s", s.fastestLatencySeconds());
        return String.format(Locale.ROOT, "gen %d/%d  front=%d  best acc=%s  fastest=%s  evals=%d  rejected=%d  "
                + "elapsed=%s  [%s] %d%%%s", s.generation(), s.generations(), s.frontSize(), acc, lat, s.evaluations(),
                s.rejected(), format(s.elapsed()), bar, 100 * s.generation() / s.generations(),
                s.replayed() ? "  (replayed)" : "");
    }

    static String format(Duration d) {
        long s = d.toSeconds();
        if (s < 60) {
            return String.format(Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
    }
}
