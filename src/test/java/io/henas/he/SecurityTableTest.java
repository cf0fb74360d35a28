package io.henas.he;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SecurityTableTest {
    @Test
    void boundsAreTheStandardOnes() {
        assertEquals(109, SecurityTable.maxLogQp128(12));
        assertEquals(218, SecurityTable.maxLogQp128(13));
        assertEquals(438, SecurityTable.maxLogQp128(14));
        assertEquals(881, SecurityTable.maxLogQp128(15));
        assertEquals(1761, SecurityTable.maxLogQp128(16));
    }

    @Test
    void estimateIs128AtTheBoundAndMonotone() {
        for (int logN = 12; logN <= 16; logN++) {
            int b = SecurityTable.maxLogQp128(logN);
            assertEquals(128, SecurityTable.securityBits(logN, b), 0.5);
            assertTrue(SecurityTable.securityBits(logN, b + 20) < 128);
            assertTrue(SecurityTable.securityBits(logN, b / 2) > 192);
        }
        assertThrows(IllegalArgumentException.class, () -> SecurityTable.maxLogQp128(17));
    }
}
