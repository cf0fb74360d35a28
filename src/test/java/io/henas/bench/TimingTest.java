package io.henas.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class TimingTest {
    @Test
    void trimmedMeanDropsTheSlowestAndFastestFivePercent() {
        assertEquals(3.0, Timing.trimmedMean(new double[]{100, 2, 3, 4, -50}), 1e-12); // one of each from 5 values
        assertEquals(2.0, Timing.trimmedMean(new double[]{1, 3}), 1e-12); // none below 5
        double[] t = new double[40];
        java.util.Arrays.fill(t, 10);
        t[7] = 1000; // a late worker, twice
        t[20] = 1000;
        t[30] = 0;
        // 40 values: 2 dropped at each end, so the two slow runs go and a third would count
        assertEquals(10.0, Timing.trimmedMean(t), 1e-12);
        t[31] = 370;
        assertEquals((35 * 10 + 370) / 36.0, Timing.trimmedMean(t), 1e-9); // 0 and a 10 dropped, both 1000s
    }

    @Test
    void trimmedMeanMicrosSamplesForAtLeastTheAskedCountAndTime() {
        AtomicLong runs = new AtomicLong();
        Timing.trimmedMeanMicros(runs::incrementAndGet, 3, 0, 5, 0);
        assertEquals(8, runs.get()); // 3 warm-up runs and 5 samples, nothing timed beyond them
        runs.set(0);
        Timing.trimmedMeanMicros(runs::incrementAndGet, 1, 0, 5, 20);
        assertTrue(runs.get() > 1000, "a no-op sampled for 20 ms runs far more than 5 times: " + runs.get());
        assertTrue(runs.get() <= 1 + Timing.MAX_SAMPLES);
        assertThrows(IllegalArgumentException.class, () -> Timing.trimmedMeanMicros(() -> { }, 1, 0, 0, 0));
    }

    /** The untimed step runs once before every run, warm-up included, and its time is not measured. */
    @Test
    void prepRunsBeforeEveryRunUntimed() {
        StringBuilder order = new StringBuilder();
        double us = Timing.trimmedMeanMicros(() -> {
            order.append('p');
            long end = System.nanoTime() + 2_000_000;
            while (System.nanoTime() < end) {
                Thread.onSpinWait();
            }
        }, () -> order.append('o'), 2, 0, 5, 0);
        assertEquals("popopopopopopo", order.toString());
        assertTrue(us < 1000, "the 2 ms preparation is not timed: " + us + " us");
    }
}
