package io.henas.rlwe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.henas.ring.Parallel;
import io.henas.ring.Primes;
import io.henas.ring.Ring;
import io.henas.ring.RnsPoly;
import io.henas.ring.Sampler;

/** Polynomial-level RLWE: encryptions of zero decrypt to small noise; key switching preserves the message. */
class RlweEncryptorTest {
    static RlweParameters params() {
        long[] c = Primes.chain(10, 50, 40, 40, 55);
        return RlweParameters.of(10, List.of(c[0], c[1], c[2]), c[3], Security.INSECURE_NO_BOUND);
    }

    static long maxAbs(Ring ring, RnsPoly p) {
        RnsPoly c = p.copy();
        ring.toCoeff(c, Parallel.SEQUENTIAL);
        BigInteger m = BigInteger.ZERO;
        for (BigInteger b : ring.toCenteredBigIntegers(c)) {
            m = m.max(b.abs());
        }
        return m.bitLength() > 62 ? Long.MAX_VALUE : m.longValue();
    }

    @Test
    void encryptionsOfZeroDecryptToSmallNoise() {
        RlweParameters p = params();
        Ring ring = p.ring();
        KeyGenerator kg = new KeyGenerator(p, new Sampler());
        SecretKey sk = kg.secretKey();
        PublicKey pk = kg.publicKey(sk);
        RlweDecryptor dec = new RlweDecryptor(sk);
        for (RlweEncryptor enc : new RlweEncryptor[]{RlweEncryptor.ofPublicKey(pk, new Sampler()),
                RlweEncryptor.ofSecretKey(sk, new Sampler())}) {
            for (int level = 0; level <= p.maxLevel(); level++) {
                RnsPoly c0 = ring.newPoly(level + 1, true);
                RnsPoly c1 = ring.newPoly(level + 1, true);
                enc.encryptZero(level, c0, c1, Parallel.SEQUENTIAL);
                RnsPoly m = ring.newPoly(level + 1, true);
                dec.decrypt(new RnsPoly[]{c0, c1}, m, Parallel.SEQUENTIAL);
                long noise = maxAbs(ring, m);
                // pk: |e0 + u*e - e1*s| <= 19 + 2 * 1024 * 19 ; sk: |e| <= 19
                assertTrue(noise <= 2 * 1024 * 19 + 19, "noise " + noise);
                assertTrue(maxAbs(ring, c1) > (1L << 30), "c1 must look uniform");
            }
        }
    }

    @Test
    void publicKeyEncryptionDividesItsNoiseByTheSpecialPrime() {
        // encrypting modulo Q*P and dividing by P leaves the rounding error r0 + r1*s, |r| <= 1/2: about
        // sqrt(N * 2/3 / 12) = 7.5 per coefficient at N = 1024, where u*e + e0 + e1*s itself would be about 120
        RlweParameters p = params();
        Ring ring = p.ring();
        KeyGenerator kg = new KeyGenerator(p, new Sampler());
        SecretKey sk = kg.secretKey();
        RlweEncryptor enc = RlweEncryptor.ofPublicKey(kg.publicKey(sk), new Sampler());
        RlweDecryptor dec = new RlweDecryptor(sk);
        for (int level = 0; level <= p.maxLevel(); level++) {
            for (int rep = 0; rep < 3; rep++) {
                RnsPoly c0 = ring.newPoly(level + 1, true);
                RnsPoly c1 = ring.newPoly(level + 1, true);
                enc.encryptZero(level, c0, c1, Parallel.SEQUENTIAL);
                RnsPoly m = ring.newPoly(level + 1, true);
                dec.decrypt(new RnsPoly[]{c0, c1}, m, Parallel.SEQUENTIAL);
                long noise = maxAbs(ring, m);
                assertTrue(noise <= 64, "level " + level + ": noise " + noise + " must be at most 64");
            }
        }
    }

    @Test
    void keySwitchingMovesAMessageFromSPrimeToS() {
        RlweParameters p = params();
        Ring ring = p.ring();
        KeyGenerator kg = new KeyGenerator(p, new Sampler());
        SecretKey sk = kg.secretKey();
        RelinKey rk = kg.relinKey(sk);
        // c = uniform polynomial at level 2: switching it gives (b, a) with b + a*s = c*s^2 + small
        int level = 2;
        RnsPoly c = ring.newPoly(level + 1, true);
        Sampler s = new Sampler();
        for (int i = 0; i <= level; i++) {
            s.uniform(ring.modulus(i), c.limb(i));
        }
        RnsPoly b = ring.newPoly(level + 1, true);
        RnsPoly a = ring.newPoly(level + 1, true);
        new KeySwitcher(p).switchKey(c, rk.key(), b, a, Parallel.SEQUENTIAL);
        RnsPoly zero = ring.newPoly(level + 1, true);
        RnsPoly lhs = ring.newPoly(level + 1, true);
        new RlweDecryptor(sk).decrypt(new RnsPoly[]{b, a}, lhs, Parallel.SEQUENTIAL);
        RnsPoly rhs = ring.newPoly(level + 1, true);
        new RlweDecryptor(sk).decrypt(new RnsPoly[]{zero, zero, c}, rhs, Parallel.SEQUENTIAL);
        RnsPoly diff = ring.newPoly(level + 1, true);
        for (int i = 0; i <= level; i++) {
            ring.subLimb(i, lhs.limb(i), rhs.limb(i), diff.limb(i));
        }
        long noise = maxAbs(ring, diff);
        assertTrue(noise < (1L << 20), "key-switching noise " + noise);
        assertEquals(level, b.level());
    }
}
