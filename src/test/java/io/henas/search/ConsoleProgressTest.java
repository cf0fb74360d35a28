package io.henas.search;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;

class ConsoleProgressTest {
    @Test
    void printsOneLinePerGenerationWithABar() {
        GenerationStats s = new GenerationStats(12, 30, 9, 0.9123, 0.8412, 360, 4, 17, false,
                Duration.ofSeconds(312));
        assertEquals("gen 12/30  front=9  best acc=0.912  fastest=0.841 s  evals=360  rejected=4  elapsed=5m12s  "
                + "[########------------] 40%", ConsoleProgress.line(s));
        GenerationStats none = new GenerationStats(1, 1, 0, Double.NaN, Double.NaN, 20, 0, 0, true,
                Duration.ofMillis(1500));
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        new ConsoleProgress(new PrintStream(buf, true, StandardCharsets.UTF_8)).onGeneration(none);
        assertEquals("gen 1/1  front=0  best acc=-  fastest=-  evals=20  rejected=0  elapsed=1.5s  "
                + "[####################] 100%  (replayed)" + System.lineSeparator(),
                buf.toString(StandardCharsets.UTF_8));
    }

    @Test
    void trialLinesShowStatusAndUnknownValues() {
        Trial ok = ParetoFrontTest.trial(37, Evaluation.ok(0.8123, 1.234, 6, 14, 28.06), false);
        assertEquals("  trial 37 (gen 1) OK acc=0.812 latency=1.23 s depth=6 logN=14 train=28.1 s",
                ConsoleProgress.trialLine(ok));
        Trial bad = ParetoFrontTest.trial(3, new Evaluation(Evaluation.Status.INFEASIBLE, Double.NaN, 9.5, 9, 15,
                Double.NaN, "latency too high"), true);
        assertEquals("  trial 3 (reference t3) INFEASIBLE acc=- latency=9.50 s depth=9 logN=15 train=-  "
                + "(latency too high)", ConsoleProgress.trialLine(bad));
        Trial batch = ParetoFrontTest.trial(4, Evaluation.ok(0.8, 20.0, 6, 14, 3).withImagesPerRun(8192), false);
        assertEquals("  trial 4 (gen 1) OK acc=0.800 latency=20.0 s depth=6 logN=14 train=3.0 s batch=8192 "
                + "img/s=409.6", ConsoleProgress.trialLine(batch));
    }
}
