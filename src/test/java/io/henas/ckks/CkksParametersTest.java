package io.henas.ckks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.henas.ring.Primes;
import io.henas.rlwe.Security;
import io.henas.rlwe.SecurityBound;

class CkksParametersTest {

    @Test
    void securePresetsValidateAndRespectTheBound() throws Exception {
        for (Field f : CkksPresets.class.getFields()) {
            if (!Modifier.isStatic(f.getModifiers()) || f.getName().startsWith("INSECURE")
                    || f.getName().startsWith("N15") || f.getName().startsWith("N16")) {
                continue; // N15+ presets are validated in the slow test; INSECURE ones below
            }
            CkksParameters.Literal lit = (CkksParameters.Literal) f.get(null);
            assertEquals(Security.HE_STANDARD_128, lit.security(), f.getName());
            CkksParameters p = CkksParameters.of(lit);
            assertTrue(p.rlwe().logQP() <= SecurityBound.maxLogQP(p.logN()), f.getName());
        }
        assertEquals(Security.INSECURE_NO_BOUND, CkksPresets.INSECURE_N10.security());
        assertEquals(218, CkksParameters.of(CkksPresets.N13_SEAL_DEFAULT).rlwe().logQP());
        assertEquals(438, CkksParameters.of(CkksPresets.N14_SEAL_DEFAULT).rlwe().logQP());
    }

    @Test
    @org.junit.jupiter.api.Tag("slow")
    void largePresetsValidate() {
        assertEquals(880, CkksParameters.of(CkksPresets.N15_DEPTH19).rlwe().logQP());
        assertEquals(881, CkksParameters.of(CkksPresets.N15_SEAL_DEFAULT).rlwe().logQP());
    }

    @Test
    void rejectsAboveTheSecurityBound() {
        var lit = CkksParameters.Literal.fromBits(13, 40, Security.HE_STANDARD_128, 60, 40, 40, 40, 60);
        var e = assertThrows(IllegalArgumentException.class, () -> CkksParameters.of(lit));
        assertTrue(e.getMessage().startsWith("log2(QP) must be at most 218 bits for 128-bit security at logN=13, "
                + "but was 240"), e.getMessage());
        // the explicit insecure opt-in accepts it
        var insecure = new CkksParameters.Literal(13, lit.q(), lit.p(), lit.defaultScale(), Security.INSECURE_NO_BOUND);
        assertEquals(240, CkksParameters.of(insecure).rlwe().logQP());
    }

    @Test
    void rejectsSmallRingsUnlessInsecure() {
        var lit = CkksParameters.Literal.fromBits(11, 20, Security.HE_STANDARD_128, 25, 20);
        var e = assertThrows(IllegalArgumentException.class, () -> CkksParameters.of(lit));
        assertTrue(e.getMessage().startsWith("logN must be in [12, 16]"), e.getMessage());
        assertEquals(1, CkksParameters.of(CkksPresets.INSECURE_N11).maxLevel() - 2);
    }

    @Test
    void rejectsNonNttFriendlyDuplicateAndOversizedPrimes() {
        long[] c = Primes.chain(13, 40, 40, 50);
        // prime but not 1 mod 2N
        long notFriendly = 1099511627791L; // prime, = 15 mod 16384
        assertTrue(Primes.isPrime(notFriendly));
        var e1 = assertThrows(IllegalArgumentException.class, () -> CkksParameters.of(
                new CkksParameters.Literal(13, List.of(c[0], notFriendly), c[2], 1 << 20, Security.HE_STANDARD_128)));
        assertTrue(e1.getMessage().startsWith("q[1] must be an NTT-friendly prime"), e1.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class, () -> CkksParameters.of(
                new CkksParameters.Literal(13, List.of(c[0], c[1], c[0]), c[2], 1 << 20, Security.HE_STANDARD_128)));
        assertEquals("primes must be distinct, but q[2] = q[0] = " + c[0], e2.getMessage());
        var e3 = assertThrows(IllegalArgumentException.class, () -> CkksParameters.of(
                new CkksParameters.Literal(13, List.of(c[0]), 1L << 62, 1 << 20, Security.INSECURE_NO_BOUND)));
        assertTrue(e3.getMessage().startsWith("p[0] must be a prime of at most 61 bits"), e3.getMessage());
        var e4 = assertThrows(IllegalArgumentException.class, () -> CkksParameters.of(
                new CkksParameters.Literal(13, List.of(c[0], c[0] + 2), c[2], 1 << 20, Security.HE_STANDARD_128)));
        assertTrue(e4.getMessage().contains("must be an NTT-friendly prime"), e4.getMessage());
    }
}
