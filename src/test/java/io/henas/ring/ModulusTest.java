package io.henas.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class ModulusTest {
    @Test
    void arithmeticMatchesBigInteger() {
        SplittableRandom r = new SplittableRandom(7);
        for (long q : new long[]{3, 65537, (1L << 40) - 87, 1152921504606830593L, (1L << 61) - 1}) {
            Modulus m = new Modulus(q);
            BigInteger bq = BigInteger.valueOf(q);
            for (int i = 0; i < 2000; i++) {
                long a = r.nextLong(q);
                long b = i % 10 == 0 ? q - 1 : r.nextLong(q);
                assertEquals(BigInteger.valueOf(a).multiply(BigInteger.valueOf(b)).mod(bq).longValue(), m.mul(a, b));
                long s = r.nextLong();
                assertEquals(Long.remainderUnsigned(s, q), m.reduce(s));
                assertEquals(Math.floorMod(s, q), m.reduceSigned(s));
                long hi = r.nextLong() >>> 1;
                BigInteger v = BigInteger.valueOf(hi).shiftLeft(64).add(new BigInteger(Long.toUnsignedString(s)));
                assertEquals(v.mod(bq).longValue(), m.reduce128(hi, s));
                long a2 = r.nextLong(q);
                long b2 = r.nextLong(q);
                BigInteger z = BigInteger.valueOf(a).multiply(BigInteger.valueOf(b))
                        .add(BigInteger.valueOf(a2).multiply(BigInteger.valueOf(b2)));
                assertEquals(z.mod(bq).longValue(), m.reduceProduct(z.shiftRight(64).longValue(), z.longValue()));
                // a sum of 8 products: either path of reduceWide
                BigInteger z8 = z.shiftLeft(2);
                assertEquals(z8.mod(bq).longValue(), m.reduceWide(z8.shiftRight(64).longValue(), z8.longValue()));
                long ws = m.shoup(b);
                assertEquals(BigInteger.valueOf(a).multiply(BigInteger.valueOf(b)).mod(bq).longValue(),
                        m.mulShoup(a, b, ws));
                assertEquals(BigInteger.valueOf(a).multiply(BigInteger.valueOf(b)).mod(bq).longValue() % q,
                        m.mulShoupLazy(a, b, ws) % q);
            }
            assertEquals(Math.floorMod(Long.MIN_VALUE, q), m.reduceSigned(Long.MIN_VALUE));
        }
    }

    @Test
    void rejectsBadModuli() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Modulus(1L << 61));
        assertEquals("modulus must be odd and in [3, 2^61), but was 2305843009213693952", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Modulus(1024));
    }
}
