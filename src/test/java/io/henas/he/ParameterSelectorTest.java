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
            int one = ParameterSelector.smallestLogN(depth, 256, CompileOptions.defaults(true));
            int hybrid = ParameterSelector.smallestLogN(depth, 256, CompileOptions.defaults(true).withMaxSpecialPrimes(4));
            assertTrue(hybrid <= one, "depth " + depth);
        }
    }
}
