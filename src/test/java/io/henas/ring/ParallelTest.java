package io.henas.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

import org.junit.jupiter.api.Test;

class ParallelTest {
    @Test
    void everyIndexRunsExactlyOnce() {
        for (int threads : new int[]{1, 2, 3}) {
            try (Parallel p = new Parallel(threads)) {
                for (int count : new int[]{0, 1, 2, 5, 17}) {
                    AtomicIntegerArray seen = new AtomicIntegerArray(count);
                    p.forEach(count, seen::incrementAndGet);
                    for (int i = 0; i < count; i++) {
                        assertEquals(1, seen.get(i), "threads=" + threads + " count=" + count + " i=" + i);
                    }
                }
            }
        }
    }

    @Test
    void exceptionsPropagateAndBadThreadCountsAreRejected() {
        try (Parallel p = new Parallel(2)) {
            var e = assertThrows(IllegalStateException.class, () -> p.forEach(4, i -> {
                if (i == 3) {
                    throw new IllegalStateException("boom " + i);
                }
            }));
            assertEquals("boom 3", e.getMessage());
        }
        var e = assertThrows(IllegalArgumentException.class, () -> new Parallel(0));
        assertEquals("threads must be in [1, 256], but was 0", e.getMessage());
    }

    @Test
    void manyBackToBackCallsRunEveryIndexOnce() {
        // exercises the spin/park hand-over between calls, including calls while the worker is still parking
        try (Parallel p = new Parallel(2)) {
            AtomicIntegerArray seen = new AtomicIntegerArray(7);
            for (int call = 0; call < 20_000; call++) {
                p.forEach(7, seen::incrementAndGet);
                if (call % 1000 == 0) {
                    try {
                        Thread.sleep(1); // long enough for the worker to park
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
            for (int i = 0; i < 7; i++) {
                assertEquals(20_000, seen.get(i), "i=" + i);
            }
        }
    }

    @Test
    void nestedAndConcurrentCallsRunSequentiallyInsteadOfDeadlocking() throws Exception {
        try (Parallel p = new Parallel(2)) {
            AtomicInteger inner = new AtomicInteger();
            p.forEach(4, i -> p.forEach(3, j -> inner.incrementAndGet()));
            assertEquals(12, inner.get());
            AtomicInteger total = new AtomicInteger();
            Thread[] callers = new Thread[3];
            for (int c = 0; c < callers.length; c++) {
                callers[c] = new Thread(() -> {
                    for (int r = 0; r < 2000; r++) {
                        p.forEach(5, i -> total.incrementAndGet());
                    }
                });
                callers[c].start();
            }
            for (Thread t : callers) {
                t.join();
            }
            assertEquals(3 * 2000 * 5, total.get());
        }
    }

    @Test
    void aClosedPoolStillRunsEveryIndexOnTheCaller() {
        Parallel p = new Parallel(3);
        p.close();
        AtomicIntegerArray seen = new AtomicIntegerArray(5);
        p.forEach(5, seen::incrementAndGet);
        for (int i = 0; i < 5; i++) {
            assertEquals(1, seen.get(i), "i=" + i);
        }
    }
}
