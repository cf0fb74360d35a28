package io.henas.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;

import org.junit.jupiter.api.Test;

class PrimesTest {
    @Test
    void isPrimeAgreesWithBigInteger() {
        for (long n = 0; n < 5000; n++) {
            assertEquals(BigInteger.valueOf(n).isProbablePrime(60), Primes.isPrime(n), "n=" + n);
        }
        assertTrue(Primes.isPrime((1L << 61) - 1));
        assertFalse(Primes.isPrime(3215031751L)); // strong pseudoprime to bases 2, 3, 5, 7
    }

    @Test
    void chainIsDistinctNttFriendlyAndOfRequestedSizes() {
        int[] bits = {60, 40, 40, 40, 60};
        long[] c = Primes.chain(14, bits);
        assertTrue(Primes.distinct(c));
        for (int i = 0; i < c.length; i++) {
            assertEquals(bits[i], 64 - Long.numberOfLeadingZeros(c[i]));
            assertTrue(Primes.isNttFriendly(c[i], 14));
            assertEquals(1, c[i] % (1L << 15));
        }
        assertTrue(c[1] > c[2] && c[2] > c[3], "largest primes first, like SEAL");
    }
}
