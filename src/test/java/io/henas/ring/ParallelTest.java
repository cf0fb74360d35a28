package io.henas.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
}
