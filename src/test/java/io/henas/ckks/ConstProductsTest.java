package io.henas.ckks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.henas.ring.Sampler;
import io.henas.rlwe.KeyGenerator;
import io.henas.rlwe.Security;

/** The fused constant products equal the op-by-op products and accumulations bit for bit. */
class ConstProductsTest {

    private static List<Ciphertext> inputs(CkksParameters p, int count, long seed) {
        KeyGenerator kg = new KeyGenerator(p.rlwe(), new Sampler());
        Encryptor enc = Encryptor.ofPublicKey(p, kg.publicKey(kg.secretKey()));
        Encoder encoder = new Encoder(p);
        SplittableRandom r = new SplittableRandom(seed);
        List<Ciphertext> xs = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            double[] v = new double[p.slots()];
            for (int i = 0; i < v.length; i++) {
                v[i] = r.nextDouble(-1, 1);
            }
            xs.add(enc.encrypt(encoder.encode(v, p.maxLevel(), p.defaultScale())));
        }
        return xs;
    }

    private static void assertSame(Ciphertext want, Ciphertext got) {
        assertEquals(want.size(), got.size());
        assertEquals(want.level(), got.level());
        assertEquals(want.scale(), got.scale(), 0.0);
        for (int k = 0; k < want.size(); k++) {
            for (int i = 0; i <= want.level(); i++) {
                assertArrayEquals(want.poly(k).limb(i), got.poly(k).limb(i), "poly " + k + " limb " + i);
            }
        }
    }

    /**
     * A dense-like layer ({@code outs} outputs over every input) plus accumulation into an existing ciphertext, on
     * {@code threads} threads: fused equals mulConstScaled + mulConstAccInto.
     */
    private static void check(CkksParameters p, int ins, int outs, int threads) {
        List<Ciphertext> xs = inputs(p, ins, 7);
        SplittableRandom r = new SplittableRandom(11);
        double[][] w = new double[outs][ins];
        for (double[] row : w) {
            for (int i = 0; i < ins; i++) {
                row[i] = r.nextDouble(-3, 3);
            }
        }
        double cs = p.rlwe().q(p.maxLevel());
        try (Evaluator ev = new Evaluator(p, null, threads)) {
            List<Ciphertext> want = new ArrayList<>();
            for (double[] row : w) {
                Ciphertext acc = ev.mulConstScaled(xs.get(0), row[0], cs);
                for (int i = 1; i < ins; i++) {
                    ev.mulConstAccInto(acc, xs.get(i), row[i], cs);
                }
                want.add(acc);
            }
            Ciphertext existing = ev.mulConstScaled(xs.get(1), 0.25, cs);
            Ciphertext existingWant = existing.copy();
            for (int i = 0; i < ins; i++) {
                ev.mulConstAccInto(existingWant, xs.get(i), -w[0][i], cs);
            }

            ConstProducts fused = new ConstProducts(ev);
            List<Ciphertext> got = new ArrayList<>();
            for (double[] row : w) {
                Ciphertext acc = fused.product(xs.get(0), row[0], cs);
                assertTrue(fused.isPendingOutput(acc));
                got.add(acc);
            }
            for (int i = 1; i < ins; i++) { // another order than op by op: input-major
                for (int o = 0; o < outs; o++) {
                    fused.accumulate(got.get(o), xs.get(i), w[o][i], cs);
                }
            }
            for (int i = 0; i < ins; i++) {
                fused.accumulate(existing, xs.get(i), -w[0][i], cs);
            }
            assertEquals((long) outs * ins + ins, fused.pendingTerms());
            fused.run();
            assertEquals(0, fused.pendingTerms());
            assertFalse(fused.isPendingOutput(got.get(0)));
            for (int o = 0; o < outs; o++) {
                assertSame(want.get(o), got.get(o));
            }
            assertSame(existingWant, existing);
        }
    }

    @Test
    void fusedEqualsOpByOpOnTwoThreads() {
        check(CkksParameters.of(CkksPresets.INSECURE_N10), 12, 5, 2);
    }

    @Test
    void fusedEqualsOpByOpOnOneThread() {
        check(CkksParameters.of(CkksPresets.INSECURE_N10), 3, 2, 1);
    }

    /** 60-bit primes: only 7 lazy products fit in 64 bits, so the sums are reduced on the way (40 terms). */
    @Test
    void longSumsOfWidePrimesAreReducedOnTheWay() {
        CkksParameters p = CkksParameters.of(CkksParameters.Literal.fromBits(10, 40, Security.INSECURE_NO_BOUND,
                60, 60, 60, 60));
        check(p, 40, 3, 2);
    }

    @Test
    void blockLengthIsTheLongestUnlessTheInputsOfATileExceedTheBound() {
        assertEquals(ConstProducts.MAX_BLOCK, ConstProducts.blockLength(8192, 10, 2));
        assertEquals(ConstProducts.MAX_BLOCK, ConstProducts.blockLength(8192, 784, 2)); // 784 * 2 * 8 * 2048 = 25 MB
        assertEquals(512, ConstProducts.blockLength(8192, 8192, 2)); // 8192 * 2 * 8 * 512 = 64 MB
        assertEquals(ConstProducts.MIN_BLOCK, ConstProducts.blockLength(8192, 100_000, 2));
        assertEquals(1024, ConstProducts.blockLength(1024, 1, 2));
    }

    @Test
    void dependenciesAndMismatchesAreRefused() {
        CkksParameters p = CkksParameters.of(CkksPresets.INSECURE_N10);
        List<Ciphertext> xs = inputs(p, 2, 3);
        double cs = p.rlwe().q(p.maxLevel());
        try (Evaluator ev = new Evaluator(p, null, 1)) {
            ConstProducts f = new ConstProducts(ev);
            Ciphertext out = f.product(xs.get(0), 0.5, cs);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> f.product(out, 0.5, cs));
            assertTrue(e.getMessage().contains("pending output"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> f.accumulate(xs.get(0), xs.get(1), 0.5, 1.0));
            assertTrue(e.getMessage().contains("operand of a pending product"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> f.accumulate(out, xs.get(1), 0.5, cs * 2));
            assertTrue(e.getMessage().startsWith("scale mismatch"), e.getMessage());
            Ciphertext low = ev.dropToLevel(xs.get(1), p.maxLevel() - 1);
            e = assertThrows(IllegalArgumentException.class, () -> f.accumulate(out, low, 0.5, cs));
            assertTrue(e.getMessage().contains("level"), e.getMessage());
        }
    }
}
