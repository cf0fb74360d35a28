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
    private final boolean perTrial;

    /** Per-generation lines only. */
    public ConsoleProgress(PrintStream out) {
        this(out, false);
    }

    /** @param perTrial also print one line per committed trial (e.g. for {@code -v}: trainings take minutes) */
    public ConsoleProgress(PrintStream out, boolean perTrial) {
        this.out = out;
        this.perTrial = perTrial;
    }

    @Override
    public void onTrial(Trial t) {
        if (perTrial) {
            synchronized (out) {
                out.println(trialLine(t));
                out.flush();
            }
        }
    }

    /** Rung results are printed always: there are few of them and each takes long. */
    @Override
    public void onNote(String line) {
        synchronized (out) {
            out.println("  " + line);
        }
    }

    @Override
    public void onRung(Trial t, RungResult g) {
        Evaluation e = g.evaluation();
        synchronized (out) {
            out.println(String.format(Locale.ROOT, "  trial %d rung %d (%s) %s acc=%s train=%s%s", t.id(), g.rung(),
                    g.budget(), e.status(), Double.isNaN(e.accuracy()) ? "-"
                            : String.format(Locale.ROOT, "%.3f", e.accuracy()),
                    Double.isNaN(e.trainSeconds()) ? "-" : String.format(Locale.ROOT, "%.1f s", e.trainSeconds()),
                    e.failureReason().isEmpty() ? "" : "  (" + e.failureReason() + ")"));
            out.flush();
        }
    }

    /**
     * E.g. {@code   trial 37 (gen 3) OK acc=0.812 latency=1.23 s depth=6 logN=14 train=28.1 s}; a batch-packed trial
     * adds {@code batch=8192 img/s=412.3} (latency is then that of the whole batch).
     */
    public static String trialLine(Trial t) {
        Evaluation e = t.evaluation();
        String s = String.format(Locale.ROOT, "  trial %d (%s) %s acc=%s latency=%s depth=%s logN=%s train=%s",
                t.id(), t.reference() ? "reference " + t.label() : "gen " + t.generation(), e.status(),
                Double.isNaN(e.accuracy()) ? "-" : String.format(Locale.ROOT, "%.3f", e.accuracy()),
                Double.isNaN(e.latencySeconds()) ? "-" : String.format(Locale.ROOT, "%.3g s", e.latencySeconds()),
                e.depth() < 0 ? "-" : e.depth(), e.logN() < 0 ? "-" : e.logN(),
                Double.isNaN(e.trainSeconds()) ? "-" : String.format(Locale.ROOT, "%.1f s", e.trainSeconds()));
        if (e.imagesPerRun() > 1 && Double.isFinite(e.imagesPerSecond())) {
            s += String.format(Locale.ROOT, " batch=%d img/s=%.4g", e.imagesPerRun(), e.imagesPerSecond());
        }
        return e.failureReason().isEmpty() ? s : s + "  (" + e.failureReason() + ")";
    }

    @Override
    public void onGeneration(GenerationStats s) {
        synchronized (out) {
            out.println(line(s));
            out.flush();
        }
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
