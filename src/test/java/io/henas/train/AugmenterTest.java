package io.henas.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class AugmenterTest {
    /** A 2-channel 5x5 image whose pixel (c, y, x) is 100 c + 10 y + x + 1 (no zero, so a fill is visible). */
    private static float[] ramp(int n) {
        float[] px = new float[n * 2 * 25];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 2; c++) {
                for (int y = 0; y < 5; y++) {
                    for (int x = 0; x < 5; x++) {
                        px[((i * 2 + c) * 5 + y) * 5 + x] = 100 * c + 10 * y + x + 1;
                    }
                }
            }
        }
        return px;
    }

    @Test
    void shiftMovesEveryChannelByTheDrawnOffsetAndFillsWithZero() {
        int n = 200;
        float[] px = ramp(n);
        new Augmenter(2, false, new SplittableRandom(5)).apply(px, n, 2, 5, 5);
        SplittableRandom replay = new SplittableRandom(5); // the documented draw order: dx, then dy
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < n; i++) {
            int dx = replay.nextInt(-2, 3);
            int dy = replay.nextInt(-2, 3);
            seen.add(dx + "," + dy);
            for (int c = 0; c < 2; c++) {
                for (int y = 0; y < 5; y++) {
                    for (int x = 0; x < 5; x++) {
                        int sy = y - dy;
                        int sx = x - dx;
                        float want = sy >= 0 && sy < 5 && sx >= 0 && sx < 5 ? 100 * c + 10 * sy + sx + 1 : 0;
                        assertEquals(want, px[((i * 2 + c) * 5 + y) * 5 + x], "image " + i + " (dx " + dx + ", dy "
                                + dy + ") channel " + c + " pixel (" + y + ", " + x + ")");
                    }
                }
            }
        }
        assertEquals(25, seen.size(), "every offset in [-2, 2]^2 occurs: " + seen);
    }

    @Test
    void aKnownShiftPutsThePixelWhereExpected() {
        // find a seed whose first draw is dx = +1, dy = -2 and check the exact positions by hand
        long seed = 0;
        while (true) {
            SplittableRandom r = new SplittableRandom(seed);
            if (r.nextInt(-2, 3) == 1 && r.nextInt(-2, 3) == -2) {
                break;
            }
            seed++;
        }
        float[] px = new float[16]; // 1 x 4 x 4, one bright pixel at row 3, column 0 and one at row 0, column 3
        px[3 * 4] = 7;
        px[3] = 9;
        new Augmenter(2, false, new SplittableRandom(seed)).apply(px, 1, 1, 4, 4);
        float[] want = new float[16];
        want[4 + 1] = 7; // right by 1, up by 2: (3, 0) -> (1, 1); (0, 3) leaves the image
        assertArrayEquals(want, px);
    }

    @Test
    void flipMirrorsLeftRightWithProbabilityOneHalf() {
        int n = 400;
        float[] px = ramp(n);
        new Augmenter(0, true, new SplittableRandom(11)).apply(px, n, 2, 5, 5);
        SplittableRandom replay = new SplittableRandom(11);
        int flipped = 0;
        for (int i = 0; i < n; i++) {
            boolean mirror = replay.nextBoolean();
            flipped += mirror ? 1 : 0;
            for (int c = 0; c < 2; c++) {
                for (int y = 0; y < 5; y++) {
                    for (int x = 0; x < 5; x++) {
                        float want = 100 * c + 10 * y + (mirror ? 4 - x : x) + 1;
                        assertEquals(want, px[((i * 2 + c) * 5 + y) * 5 + x]);
                    }
                }
            }
        }
        assertTrue(flipped > 160 && flipped < 240, flipped + " of " + n + " flipped");
    }

    @Test
    void flipThenShift() {
        int n = 100;
        float[] px = ramp(n);
        new Augmenter(1, true, new SplittableRandom(3)).apply(px, n, 2, 5, 5);
        SplittableRandom replay = new SplittableRandom(3); // flip first, then dx, dy
        for (int i = 0; i < n; i++) {
            boolean mirror = replay.nextBoolean();
            int dx = replay.nextInt(-1, 2);
            int dy = replay.nextInt(-1, 2);
            for (int y = 0; y < 5; y++) {
                for (int x = 0; x < 5; x++) {
                    int sy = y - dy;
                    int sx = x - dx;
                    float want = sy >= 0 && sy < 5 && sx >= 0 && sx < 5 ? 10 * sy + (mirror ? 4 - sx : sx) + 1 : 0;
                    assertEquals(want, px[(i * 2 * 5 + y) * 5 + x], "image " + i);
                }
            }
        }
    }

    @Test
    void sameSeedSameTransformsOtherSeedOthers() {
        float[] a = ramp(50);
        float[] b = ramp(50);
        float[] c = ramp(50);
        new Augmenter(2, true, new SplittableRandom(1)).apply(a, 50, 2, 5, 5);
        new Augmenter(2, true, new SplittableRandom(1)).apply(b, 50, 2, 5, 5);
        new Augmenter(2, true, new SplittableRandom(2)).apply(c, 50, 2, 5, 5);
        assertArrayEquals(a, b);
        assertFalse(java.util.Arrays.equals(a, c));
    }

    @Test
    void nothingToDoLeavesTheImagesAlone() {
        float[] px = ramp(3);
        new Augmenter(0, false, new SplittableRandom(1)).apply(px, 3, 2, 5, 5);
        assertArrayEquals(ramp(3), px);
    }

    @Test
    void badArgumentsAreRejected() {
        assertEquals("shift must be in [0, 16], but was -1", assertThrows(IllegalArgumentException.class,
                () -> new Augmenter(-1, false, new SplittableRandom(1))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Augmenter(17, false, new SplittableRandom(1)));
        assertEquals("px must hold 2 x 2 x 5 x 5 floats, but holds 50", assertThrows(IllegalArgumentException.class,
                () -> new Augmenter(1, true, new SplittableRandom(1)).apply(ramp(1), 2, 2, 5, 5)).getMessage());
    }
}
