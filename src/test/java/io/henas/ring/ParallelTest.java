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
    void threadsTakeTheirOwnIndicesFirstSoLimbsStayOnOneCore() {
        // index i belongs to thread i mod 2 (caller 0, worker 1). Index 0 waits until index 1 has finished, and
        // indices 2 and 3 each wait until the other has started (which ends only if they run on different threads);
        // a thread reaches the other's indices only after finishing its own, so 2 runs on the caller and 3 on the
        // worker. A shared counter handing out indices in arrival order gives the worker 1 and then 2 while the
        // caller still waits in 0.
        try (Parallel p = new Parallel(2)) {
            for (int round = 0; round < 50; round++) {
                Thread[] ranOn = new Thread[4];
                var oneDone = new java.util.concurrent.CountDownLatch(1);
                var started = new java.util.concurrent.CountDownLatch[]{
                        new java.util.concurrent.CountDownLatch(1), new java.util.concurrent.CountDownLatch(1)};
                p.forEach(4, i -> {
                    ranOn[i] = Thread.currentThread();
                    try {
                        if (i == 0) {
                            oneDone.await(10, java.util.concurrent.TimeUnit.SECONDS);
                        } else if (i == 1) {
                            oneDone.countDown();
                        } else {
                            started[i - 2].countDown();
                            started[3 - i].await(10, java.util.concurrent.TimeUnit.SECONDS);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                Thread caller = Thread.currentThread();
                assertEquals(caller, ranOn[0], "round " + round + ": index 0");
                assertEquals(caller, ranOn[2], "round " + round + ": index 2 (the caller's own)");
                org.junit.jupiter.api.Assertions.assertNotEquals(caller, ranOn[1], "round " + round + ": index 1");
                assertEquals(ranOn[1], ranOn[3], "round " + round + ": index 3 (the worker's own)");
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
