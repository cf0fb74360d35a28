package io.henas.ckks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.henas.ring.Sampler;
import io.henas.rlwe.EvaluationKeys;
import io.henas.rlwe.KeyGenerator;
import io.henas.rlwe.SecretKey;

/** Evaluator correctness in slots (via the naive reference encoding) on a small insecure ring. */
class EvaluatorTest {
    static final long SEED = 20261121L;
    static CkksParameters p;
    static SecretKey sk;
    static EvaluationKeys keys;
    static Encryptor enc;
    static Decryptor dec;
    static Evaluator ev;
    static double scale;
    static int slots;

    @BeforeAll
    static void setUp() {
        p = CkksParameters.of(CkksPresets.INSECURE_N10);
        KeyGenerator kg = new KeyGenerator(p.rlwe(), new Sampler());
        sk = kg.secretKey();
        keys = kg.evaluationKeys(sk, new int[]{1, 2, 5, -1, 100}, true);
        enc = Encryptor.ofPublicKey(p, keys.publicKey());
        dec = new Decryptor(p, sk);
        ev = new Evaluator(p, keys, 2);
        scale = p.defaultScale();
        slots = p.slots();
    }

    @AfterAll
    static void tearDown() {
        ev.close();
    }

    static double[] random(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[slots];
        for (int i = 0; i < slots; i++) {
            v[i] = r.nextDouble(-1, 1);
        }
        return v;
    }

    static Ciphertext encrypt(double[] v) {
        return enc.encrypt(NaiveSlots.encode(p, v, p.maxLevel(), scale));
    }

    static double[] decrypt(Ciphertext c) {
        return NaiveSlots.decode(dec.decrypt(c))[0];
    }

    @Test
    void encryptDecryptPublicAndSecretKey() {
        double[] v = random(SEED);
        assertTrue(NaiveSlots.bits(v, decrypt(encrypt(v))) >= 25);
        Encryptor skEnc = Encryptor.ofSecretKey(p, sk);
        assertTrue(NaiveSlots.bits(v, decrypt(skEnc.encrypt(NaiveSlots.encode(p, v, 1, scale)))) >= 25);
        // a zero ciphertext decrypts to ~0 and the plaintext path alone round-trips
        assertTrue(NaiveSlots.bits(new double[slots], decrypt(enc.encryptZero(2, scale))) >= 25);
        assertTrue(NaiveSlots.bits(v, NaiveSlots.decode(NaiveSlots.encode(p, v, 2, scale))[0]) >= 30);
    }

    @Test
    void additionsAndPlaintextOps() {
        double[] x = random(SEED + 1);
        double[] y = random(SEED + 2);
        Ciphertext cx = encrypt(x);
        Ciphertext cy = encrypt(y);
        double[] sum = new double[slots];
        double[] diff = new double[slots];
        double[] neg = new double[slots];
        double[] prod = new double[slots];
        double[] plus3 = new double[slots];
        double[] times7 = new double[slots];
        double[] timesPi = new double[slots];
        for (int i = 0; i < slots; i++) {
            sum[i] = x[i] + y[i];
            diff[i] = x[i] - y[i];
            neg[i] = -x[i];
            prod[i] = x[i] * y[i];
            plus3[i] = x[i] + 0.3;
            times7[i] = x[i] * -7;
            timesPi[i] = x[i] * Math.PI;
        }
        assertTrue(NaiveSlots.bits(sum, decrypt(ev.add(cx, cy))) >= 24);
        assertTrue(NaiveSlots.bits(diff, decrypt(ev.sub(cx, cy))) >= 24);
        assertTrue(NaiveSlots.bits(neg, decrypt(ev.negate(cx))) >= 24);
        Plaintext py = NaiveSlots.encode(p, y, p.maxLevel(), scale);
        assertTrue(NaiveSlots.bits(sum, decrypt(ev.addPlain(cx, py))) >= 24);
        assertTrue(NaiveSlots.bits(diff, decrypt(ev.subPlain(cx, py))) >= 24);
        Ciphertext mp = ev.rescale(ev.mulPlain(cx, py));
        assertEquals(p.maxLevel() - 1, mp.level());
        assertTrue(NaiveSlots.bits(prod, decrypt(mp)) >= 20);
        assertTrue(NaiveSlots.bits(plus3, decrypt(ev.addConst(cx, 0.3))) >= 24);
        Ciphertext m7 = ev.mulConstInteger(cx, -7);
        assertEquals(cx.level(), m7.level());
        assertEquals(cx.scale(), m7.scale());
        assertTrue(NaiveSlots.bits(times7, decrypt(m7)) >= 21);
        Ciphertext mpi = ev.rescale(ev.mulConst(cx, Math.PI));
        assertEquals(cx.scale(), mpi.scale(), 0);
        assertTrue(NaiveSlots.bits(timesPi, decrypt(mpi)) >= 22);
        // into-variants write into an operand
        Ciphertext acc = cx.copy();
        ev.addInto(acc, cy, acc);
        assertTrue(NaiveSlots.bits(sum, decrypt(acc)) >= 24);
        // inputs untouched
        assertTrue(NaiveSlots.bits(x, decrypt(cx)) >= 25);
    }

    /** A product accumulated through a reused buffer equals the product added out of place, limb for limb. */
    @Test
    void mulPlainAccIntoEqualsProductPlusAddition() {
        double[] x = random(SEED + 11);
        double[] y = random(SEED + 12);
        double[] z = random(SEED + 13);
        Ciphertext cx = encrypt(x);
        Plaintext py = NaiveSlots.encode(p, y, p.maxLevel(), scale);
        Plaintext pz = NaiveSlots.encode(p, z, p.maxLevel(), scale);
        Ciphertext want = ev.add(ev.mulPlain(cx, py), ev.mulPlain(cx, pz));
        Ciphertext acc = ev.mulPlain(cx, py);
        Ciphertext buffer = ev.mulPlain(cx, py); // stale contents: overwritten
        ev.mulPlainAccInto(acc, cx, pz, buffer);
        assertArrayEquals(CkksIO.toBytes(want), CkksIO.toBytes(acc));
        double[] sum = new double[slots];
        for (int i = 0; i < slots; i++) {
            sum[i] = x[i] * (y[i] + z[i]);
        }
        assertTrue(NaiveSlots.bits(sum, decrypt(ev.rescale(acc))) >= 20);
    }

    @Test
    void multiplyRelinearizeRescaleAndSquare() {
        double[] x = random(SEED + 3);
        double[] y = random(SEED + 4);
        Ciphertext cx = encrypt(x);
        Ciphertext cy = encrypt(y);
        double[] prod = new double[slots];
        double[] sq = new double[slots];
        for (int i = 0; i < slots; i++) {
            prod[i] = x[i] * y[i];
            sq[i] = x[i] * x[i];
        }
        Ciphertext m = ev.mul(cx, cy);
        assertEquals(3, m.size());
        assertTrue(NaiveSlots.bits(prod, NaiveSlots.decode(dec.decrypt(m))[0]) >= 20, "size-3 decrypts");
        Ciphertext r = ev.rescale(ev.relinearize(m));
        assertEquals(2, r.size());
        assertTrue(NaiveSlots.bits(prod, decrypt(r)) >= 20);
        Ciphertext s = ev.rescale(ev.relinearize(ev.square(cx)));
        assertTrue(NaiveSlots.bits(sq, decrypt(s)) >= 20);
        // in-place variants agree
        Ciphertext ip = cx.copy();
        ev.mulInto(ip, cy, ip);
        ev.relinearizeInto(ip, ip);
        ev.rescaleInto(ip, ip);
        assertEquals(2, ip.size());
        assertEquals(r.level(), ip.level());
        assertTrue(NaiveSlots.bits(prod, decrypt(ip)) >= 20);
        Ciphertext into = ev.rescale(cx); // right shape: level L-1, size 2
        ev.rescaleInto(ev.relinearize(ev.mul(cx, cy)), into);
        assertTrue(NaiveSlots.bits(prod, decrypt(into)) >= 20);
        Ciphertext sqIn = cx.copy();
        ev.squareInto(sqIn, sqIn);
        assertTrue(NaiveSlots.bits(sq, decrypt(ev.rescale(ev.relinearize(sqIn)))) >= 20);
        // depth 2 (chain exhausted down to q0)
        Ciphertext t = ev.rescale(ev.mulRelin(s, ev.dropToLevel(r, s.level())));
        assertEquals(0, t.level());
        double[] want = new double[slots];
        for (int i = 0; i < slots; i++) {
            want[i] = sq[i] * prod[i];
        }
        assertTrue(NaiveSlots.bits(want, decrypt(t)) >= 18);
    }

    @Test
    void recycledLimbsAreReusedAndResultsStayExact() {
        double[] x = random(SEED + 11);
        double[] y = random(SEED + 12);
        Ciphertext cx = encrypt(x);
        Ciphertext cy = encrypt(y);
        try (Evaluator own = new Evaluator(p, keys, 2)) {
            Ciphertext want = own.add(cx, cy);
            Ciphertext wantSq = own.square(cx);
            Ciphertext junk = own.mul(cx, cy); // three polynomials of garbage-to-be
            long[] reused = junk.poly(2).limb(0);
            own.recycle(junk);
            // the next results draw recycled limbs: bit-identical to results computed on fresh memory, the zeroed ones
            // (add) as much as those the product overwrites entirely (square)
            Ciphertext sq = own.square(cx);
            Ciphertext sum = own.add(cx, cy);
            boolean drawn = false;
            for (Ciphertext c : List.of(sq, sum)) {
                for (int k = 0; k < c.size(); k++) {
                    for (int i = 0; i < c.poly(k).limbCount(); i++) {
                        drawn |= c.poly(k).limb(i) == reused;
                    }
                }
            }
            assertTrue(drawn, "a recycled limb was reused");
            assertSameLimbs(wantSq, sq);
            assertSameLimbs(want, sum);
            // a square of a ciphertext by itself equals the general product, bit for bit
            assertSameLimbs(own.mul(cx, cx), sq);
            // out-of-place additions of a plaintext or a constant write every coefficient of recycled limbs
            Plaintext py = NaiveSlots.encode(p, y, p.maxLevel(), cx.scale());
            Ciphertext wantPlain = cx.copy();
            own.addPlainInto(cx, py, wantPlain);
            Ciphertext wantMinus = cx.copy();
            own.subPlainInto(cx, py, wantMinus);
            Ciphertext wantConst = cx.copy();
            own.addConstInPlace(wantConst, 0.3);
            for (int round = 0; round < 3; round++) {
                own.recycle(own.mul(cy, cy)); // fresh garbage under every result below
                assertSameLimbs(wantPlain, own.addPlain(cx, py));
                own.recycle(own.mul(cy, cy));
                assertSameLimbs(wantMinus, own.subPlain(cx, py));
                own.recycle(own.mul(cy, cy));
                assertSameLimbs(wantConst, own.addConst(cx, 0.3));
            }
        }
    }

    private static void assertSameLimbs(Ciphertext want, Ciphertext got) {
        assertEquals(want.size(), got.size());
        assertEquals(want.level(), got.level());
        for (int k = 0; k < want.size(); k++) {
            for (int i = 0; i <= want.level(); i++) {
                assertArrayEquals(want.poly(k).limb(i), got.poly(k).limb(i), "polynomial " + k + ", limb " + i);
            }
        }
    }

    @Test
    void rotationsMoveSlotIPlusKToSlotIAndHoistingAgrees() {
        double[] x = random(SEED + 5);
        Ciphertext cx = encrypt(x);
        int[] steps = {1, 2, 5, -1, 100};
        Ciphertext[] hoisted = ev.rotateHoisted(cx, steps);
        for (int s = 0; s < steps.length; s++) {
            int k = steps[s];
            double[] want = new double[slots];
            for (int i = 0; i < slots; i++) {
                want[i] = x[Math.floorMod(i + k, slots)];
            }
            double[] got = decrypt(ev.rotate(cx, k));
            assertTrue(NaiveSlots.bits(want, got) >= 22, "rotate " + k + ": " + NaiveSlots.bits(want, got));
            double[] gotH = decrypt(hoisted[s]);
            assertTrue(NaiveSlots.bits(got, gotH) >= 22, "hoisted " + k);
        }
        assertEquals(0, ev.rotate(cx, slots).level() - cx.level()); // rotation by N/2 is the identity
        // into-variants: a separate output and in place
        Ciphertext out = cx.copy();
        ev.rotateInto(cx, 5, out);
        Ciphertext self = cx.copy();
        ev.rotateInto(self, 5, self);
        double[] want5 = new double[slots];
        for (int i = 0; i < slots; i++) {
            want5[i] = x[(i + 5) % slots];
        }
        assertTrue(NaiveSlots.bits(want5, decrypt(out)) >= 22);
        assertTrue(NaiveSlots.bits(want5, decrypt(self)) >= 22);
        // the key switch is deterministic: in place (pooled, no allocation), into a separate output and the
        // allocating variant give the same residues, and repeated in-place calls reuse the pool consistently
        Ciphertext fresh = ev.rotate(cx, 5);
        Ciphertext again = cx.copy();
        ev.rotateInto(again, 5, again);
        for (int k = 0; k < 2; k++) {
            for (int i = 0; i <= cx.level(); i++) {
                assertArrayEquals(fresh.poly(k).limb(i), out.poly(k).limb(i), "out poly " + k + " limb " + i);
                assertArrayEquals(fresh.poly(k).limb(i), self.poly(k).limb(i), "self poly " + k + " limb " + i);
                assertArrayEquals(fresh.poly(k).limb(i), again.poly(k).limb(i), "again poly " + k + " limb " + i);
            }
        }
        var e = assertThrows(IllegalStateException.class, () -> ev.rotate(cx, 3));
        assertTrue(e.getMessage().startsWith("rotation by 3 needs the Galois key for element 125"), e.getMessage());
        // the hoisted form with a per-step callback: same residues, one call per step in order, and a missing key is
        // reported before any step runs
        java.util.List<Integer> calls = new java.util.ArrayList<>();
        Ciphertext[] withCallback = ev.rotateHoisted(cx, steps, calls::add);
        assertEquals(java.util.List.of(0, 1, 2, 3, 4), calls);
        Ciphertext[] plain = ev.rotateHoisted(cx, steps);
        for (int s = 0; s < steps.length; s++) {
            assertSameLimbs(plain[s], withCallback[s]);
        }
        calls.clear();
        var missing = assertThrows(IllegalStateException.class, () -> ev.rotateHoisted(cx, new int[]{1, 3}, calls::add));
        assertTrue(missing.getMessage().startsWith("rotation by 3 needs the Galois key"), missing.getMessage());
        assertTrue(calls.isEmpty(), "no step ran: " + calls);
    }

    @Test
    void conjugation() {
        SplittableRandom r = new SplittableRandom(SEED + 6);
        double[] re = new double[slots];
        double[] im = new double[slots];
        for (int i = 0; i < slots; i++) {
            re[i] = r.nextDouble(-1, 1);
            im[i] = r.nextDouble(-1, 1);
        }
        Ciphertext c = enc.encrypt(NaiveSlots.encode(p, re, im, p.maxLevel(), scale));
        double[][] got = NaiveSlots.decode(dec.decrypt(ev.conjugate(c)));
        double[] negIm = new double[slots];
        for (int i = 0; i < slots; i++) {
            negIm[i] = -im[i];
        }
        assertTrue(NaiveSlots.bits(re, got[0]) >= 22);
        assertTrue(NaiveSlots.bits(negIm, got[1]) >= 22);
    }

    @Test
    void mismatchesNameBothOperands() {
        Ciphertext a = encrypt(random(1));
        Ciphertext b = ev.dropToLevel(encrypt(random(2)), 1);
        var e = assertThrows(IllegalArgumentException.class, () -> ev.add(a, b));
        assertEquals("level mismatch: a=2, b=1", e.getMessage());
        Ciphertext sq = ev.mulRelin(a, a);
        var e2 = assertThrows(IllegalArgumentException.class, () -> ev.add(sq, a));
        assertEquals("scale mismatch: 2^80 vs 2^40", e2.getMessage());
        // align fixes both
        Ciphertext[] al = ev.align(ev.rescale(sq), b);
        assertEquals(al[0].level(), al[1].level());
        assertTrue(Evaluator.scalesMatch(al[0].scale(), al[1].scale()));
        double[] x = random(1);
        double[] y = random(2);
        double[] want = new double[slots];
        for (int i = 0; i < slots; i++) {
            want[i] = x[i] * x[i] + y[i];
        }
        assertTrue(NaiveSlots.bits(want, decrypt(ev.add(al[0], al[1]))) >= 18);
        var e3 = assertThrows(IllegalArgumentException.class, () -> ev.rescale(ev.dropToLevel(a, 0)));
        assertEquals("rescale needs level >= 1, but the ciphertext is at level 0", e3.getMessage());
        CkksParameters other = CkksParameters.of(CkksPresets.INSECURE_N11);
        var e4 = assertThrows(IllegalArgumentException.class, () -> new Decryptor(other, sk));
        assertTrue(e4.getMessage().startsWith("parameter mismatch"));
    }

    @Test
    void seededSamplerIsAccepted() throws Exception {
        SecureRandom rng = SecureRandom.getInstance("DRBG");
        KeyGenerator kg = new KeyGenerator(p.rlwe(), new Sampler(rng));
        SecretKey s2 = kg.secretKey();
        Encryptor e2 = Encryptor.ofSecretKey(p, s2);
        double[] v = random(9);
        assertTrue(NaiveSlots.bits(v, NaiveSlots.decode(new Decryptor(p, s2).decrypt(e2.encrypt(
                NaiveSlots.encode(p, v, 2, scale))))[0]) >= 25);
        // the wrong key does not decrypt
        assertTrue(NaiveSlots.bits(v, NaiveSlots.decode(dec.decrypt(e2.encrypt(
                NaiveSlots.encode(p, v, 2, scale))))[0]) < 1);
    }
}
