package io.henas.ring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class AutomorphismTest {
    @Test
    void nttPermutationMatchesTheCoefficientAutomorphism() {
        int logN = 6;
        Modulus m = new Modulus(Primes.largestBelow(logN, 40, Set.of()));
        NttTables t = new NttTables(m, logN);
        int n = 1 << logN;
        SplittableRandom r = new SplittableRandom(3);
        long[] a = new long[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextLong(m.value());
        }
        for (long g : new long[]{5, 25, Automorphism.rotationElement(logN, -1), Automorphism.conjugationElement(logN),
                3, 2L * n - 3}) {
            long[] viaCoeff = new long[n];
            Automorphism.applyCoefficients(a, g, m, viaCoeff);
            t.forward(viaCoeff);
            long[] fa = a.clone();
            t.forward(fa);
            long[] viaNtt = new long[n];
            Automorphism.permute(fa, Automorphism.nttPermutation(logN, g), viaNtt);
            assertArrayEquals(viaCoeff, viaNtt, "g=" + g);
        }
    }

    @Test
    void rotationElementsArePowersOfFive() {
        assertEquals(5, Automorphism.rotationElement(10, 1));
        assertEquals(1, Automorphism.rotationElement(10, 512));
        assertEquals(Automorphism.rotationElement(10, 511), Automorphism.rotationElement(10, -1));
        assertEquals(2047, Automorphism.conjugationElement(10));
    }
}
