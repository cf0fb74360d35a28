package io.henas.he;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The precision-aware chain selection under the documented defaults. */
class ParameterSelectorTest {
    @Test
    void depthFiveFitsLogN13UnderTheDefaults() {
        CompileOptions o = CompileOptions.defaults(true);
        assertEquals(13, ParameterSelector.smallestLogN(5, 256, o));
        HeParameters p = ParameterSelector.at(13, 5, o, List.of());
        assertTrue(p.logQp() <= SecurityTable.maxLogQp128(13), "secure: " + p);
        assertEquals(1, p.specialPrimes());
        assertEquals(1, p.digitSize());
        assertTrue(p.precision().met(), "precision met: " + p.precision());
        // no level overflows: the logits (2^magnitudeBits) fit q0 at the scale with the margin
        assertTrue(p.primeBits().getFirst() >= p.scaleBits() + o.magnitudeBits() + 1 + ParameterSelector.MARGIN_BITS);
    }

    @Test
    void refusesWhenThePrecisionCannotBeMet() {
        CompileOptions o = CompileOptions.defaults(true).withPrecisionBits(40);
        HeCompileException e = assertThrows(HeCompileException.class, () -> ParameterSelector.smallestLogN(5, 256, o));
        assertTrue(e.getMessage().contains("bits of logit precision"), e.getMessage());
    }

    @Test
    void moreSpecialPrimesNeverNeedALargerRing() {
        for (int depth = 1; depth <= 8; depth++) {
            int one = ParameterSelector.smallestLogN(depth, 256, CompileOptions.defaults(true).withMaxSpecialPrimes(1));
            int hybrid = ParameterSelector.smallestLogN(depth, 256, CompileOptions.defaults(true).withMaxSpecialPrimes(4));
            assertTrue(hybrid <= one, "depth " + depth);
        }
    }

    /**
     * Every chain chosen has {@code P} covering its largest key-switching digit (SEAL's rule {@code p >= q_max} for
     * {@code k = alpha = 1}), stays within the 128-bit bound, and never costs more key switching than SEAL's choice;
     * with room for special primes the default picks hybrid key switching, and a bound of 1 keeps SEAL's.
     */
    @Test
    void chosenChainsCoverTheLargestDigitAndSealStaysAChoice() {
        boolean sawHybrid = false;
        for (int logN = 13; logN <= 15; logN++) {
            for (int depth = 1; depth <= Math.min(20, 5 * (logN - 12)); depth++) {
                if (!ParameterSelector.fits(logN, depth, 1, CompileOptions.defaults(true))) {
                    continue;
                }
                HeParameters h = ParameterSelector.at(logN, depth, CompileOptions.defaults(true), List.of());
                HeParameters seal = ParameterSelector.at(logN, depth, CompileOptions.defaults(true)
                        .withMaxSpecialPrimes(1), List.of());
                for (HeParameters p : List.of(h, seal)) {
                    int logP = p.specialPrimeBits().stream().mapToInt(Integer::intValue).sum();
                    assertTrue(logP >= ParameterSelector.maxDigitBits(p.primeBits(), p.digitSize())
                            + ParameterSelector.P_MARGIN_BITS, "P must cover the largest digit: " + p);
                    assertTrue(p.logQp() <= SecurityTable.maxLogQp128(logN), p.toString());
                }
                assertEquals(1, seal.specialPrimes());
                assertEquals(1, seal.digitSize());
                assertTrue(ParameterSelector.keySwitchCost(depth, h.specialPrimes(), h.digitSize())
                        <= ParameterSelector.keySwitchCost(depth, 1, 1), h.toString());
                sawHybrid |= h.specialPrimes() > 1 || h.digitSize() > 1;
            }
        }
        assertTrue(sawHybrid, "with room for P the default must use hybrid key switching somewhere");
        // a shape is timed on a secure chain of exactly that shape, whatever precision the defaults would ask
        HeParameters t = ParameterSelector.atShape(13, 5, 1, 2).orElseThrow();
        assertEquals(1, t.specialPrimes());
        assertEquals(2, t.digitSize());
        assertTrue(t.logQp() <= SecurityTable.maxLogQp128(13));
    }
}
