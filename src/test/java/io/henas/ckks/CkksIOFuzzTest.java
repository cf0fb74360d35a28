package io.henas.ckks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import io.henas.ring.Sampler;
import io.henas.rlwe.EvaluationKeys;
import io.henas.rlwe.GaloisKeys;
import io.henas.rlwe.KeyGenerator;
import io.henas.rlwe.SecretKey;

/**
 * Mutates serialized objects at random (bit flips, byte changes, truncations, extensions, edits of the level, size
 * and count fields, 8-byte overwrites, byte insertions and deletions, header splices) and checks every outcome is a
 * correct read or a {@link CkksFormatException}. A successful read must be a valid object whose serialization is the
 * mutated input again (the format is canonical), so a mutation is never silently misread.
 */
class CkksIOFuzzTest {

    static final long SEED = CanonicalEmbeddingTest.SEED;
    static final int MUTATIONS = 12_000;

    /** A serialized object with its reader (which re-serializes what it read). */
    record Sample(String name, byte[] bytes, Parser parser, int[] fieldOffsets) {
    }

    interface Parser {
        byte[] readAndReserialize(byte[] bytes) throws IOException;
    }

    static List<Sample> samples(CkksParameters params, Random rnd) {
        return samples(params, rnd, params.maxLevel(), "");
    }

    /**
     * Samples of every object type; the relinearization and Galois keys are made at {@code keyLevel} (the Galois
     * keys at {@code keyLevel} and 0). Names get {@code tag} appended.
     */
    static List<Sample> samples(CkksParameters params, Random rnd, int keyLevel, String tag) {
        List<Sample> out = new ArrayList<>();
        int qCount = params.maxLevel() + 1;
        int pCountAt = 18 + 8 * qCount;
        int digitSizeAt = pCountAt + 1 + 8 * params.rlwe().specialPrimeCount();
        out.add(new Sample("parameters" + tag, CkksIO.toBytes(params),
                b -> CkksIO.toBytes(CkksIO.parametersFromBytesAllowInsecure(b)),
                new int[] {4, 5, 6, 15, 16, 17, pCountAt, digitSizeAt}));
        for (int level : new int[] {0, params.maxLevel()}) {
            for (int size = 2; size <= 3; size++) {
                Ciphertext ct = CkksIOTest.randomCiphertext(params, level, size, rnd);
                out.add(new Sample("ciphertext l=" + level + " size=" + size, CkksIO.toBytes(ct),
                        b -> CkksIO.toBytes(CkksIO.ciphertextFromBytes(b, params)), new int[] {4, 5, 6, 15, 16, 17}));
            }
        }
        Encoder enc = new Encoder(params);
        Plaintext pt = enc.encode(CanonicalEmbeddingTest.randomVector(rnd, enc.slots()), 1, 0x1p35);
        out.add(new Sample("plaintext", CkksIO.toBytes(pt),
                b -> CkksIO.toBytes(CkksIO.plaintextFromBytes(b, params)), new int[] {4, 5, 6, 15, 16}));
        KeyGenerator gen = new KeyGenerator(params.rlwe(), new Sampler(seededRandom(rnd.nextLong())));
        SecretKey sk = gen.secretKey();
        EvaluationKeys keys = new EvaluationKeys(gen.publicKey(sk), gen.relinKey(sk, keyLevel),
                gen.galoisKeys(sk, Map.of(1, keyLevel, -1, 0), -1));
        out.add(new Sample("public-key", CkksIO.toBytes(keys.publicKey(), params),
                b -> CkksIO.toBytes(CkksIO.publicKeyFromBytes(b, params), params), new int[] {4, 5, 6}));
        out.add(new Sample("relin-key", CkksIO.toBytes(keys.relinKey(), params),
                b -> CkksIO.toBytes(CkksIO.relinKeyFromBytes(b, params), params), new int[] {6, 15, 16}));
        out.add(new Sample("galois-keys", CkksIO.toBytes(keys.galoisKeys(), params),
                b -> CkksIO.toBytes(CkksIO.galoisKeysFromBytes(b, params), params),
                new int[] {6, 15, 16, 17, 18, 25, 26, 27, 28}));
        int pkBody = CkksIO.toBytes(keys.publicKey(), params).length - 15;
        // the bundle with one Galois key: its parts are fuzzed above, this exercises the framing
        EvaluationKeys bundle = new EvaluationKeys(keys.publicKey(), keys.relinKey(),
                new GaloisKeys(Map.of(keys.galoisKeys().elements().first(),
                        keys.galoisKeys().get(keys.galoisKeys().elements().first()))));
        out.add(new Sample("evaluation-keys", CkksIO.toBytes(bundle, params),
                b -> CkksIO.toBytes(CkksIO.evaluationKeysFromBytes(b, params), params),
                new int[] {6, 15, 16 + pkBody, 16 + pkBody + 1}));
        if (!tag.isEmpty()) {
            out.replaceAll(x -> x.name().endsWith(tag) ? x : new Sample(x.name() + tag, x.bytes(), x.parser(),
                    x.fieldOffsets()));
        }
        return out;
    }

    /** A deterministic SecureRandom (SHA1PRNG seeded before first use) so the fuzzed keys are reproducible. */
    static SecureRandom seededRandom(long seed) {
        try {
            SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
            r.setSeed(seed);
            return r;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void everyMutationIsACorrectReadOrTheDeclaredException() {
        CkksParameters params = CkksParameters.of(CkksPresets.INSECURE_N10);
        // hybrid key switching: two special primes, digits of two data primes, keys below the top level
        CkksParameters hybrid = CkksParameters.of(CkksParameters.Literal.fromBits(10, 40,
                io.henas.rlwe.Security.INSECURE_NO_BOUND, new int[] {50, 40, 40, 40}, new int[] {45, 45}, 2));
        List<Sample> all = new ArrayList<>(samples(params, new Random(SEED)));
        all.addAll(samples(hybrid, new Random(SEED + 2), 2, " (hybrid)"));
        assertTimeoutPreemptively(Duration.ofSeconds(180),
                () -> fuzz(all, MUTATIONS, new Random(SEED + 1)));
    }

    static void fuzz(List<Sample> samples, int mutations, Random rnd) throws IOException {
        long t0 = System.nanoTime();
        // the unmutated objects read back exactly
        for (Sample s : samples) {
            assertArrayEquals(s.bytes(), s.parser().readAndReserialize(s.bytes()), s.name());
        }
        int reads = 0;
        int rejected = 0;
        Map<String, Integer> reasons = new TreeMap<>();
        Map<String, Long> nanosBySample = new TreeMap<>();
        for (int m = 0; m < mutations; m++) {
            Sample s = samples.get(rnd.nextInt(samples.size()));
            StringBuilder what = new StringBuilder(s.name()).append(": ");
            byte[] mutated = mutate(s, samples, rnd, what);
            long t1 = System.nanoTime();
            try {
                byte[] again = s.parser().readAndReserialize(mutated);
                if (!Arrays.equals(mutated, again)) {
                    fail("mutation " + m + " (" + what + ") was read but does not re-serialize to the same bytes");
                }
                reads++;
            } catch (CkksFormatException e) {
                rejected++;
                String msg = e.getMessage() == null ? "(no message)" : e.getMessage();
                if (msg.isBlank()) {
                    fail("mutation " + m + " (" + what + "): exception without a message");
                }
                reasons.merge(msg.replaceAll("0x[0-9A-Fa-f]+", "0x#").replaceAll("NaN|-?Infinity", "#")
                        .replaceAll("-?[0-9][0-9.]*(E-?[0-9]+)?", "#"), 1, Integer::sum);
            } catch (Throwable t) {
                throw new AssertionError("mutation " + m + " (" + what + ") threw " + t, t);
            } finally {
                nanosBySample.merge(s.name().replaceAll(" .*", ""), System.nanoTime() - t1, Long::sum);
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("fuzz: %d mutations in %.1f s: %d valid reads, %d CkksFormatException (%d kinds)%n",
                mutations, seconds, reads, rejected, reasons.size());
        reasons.forEach((k, v) -> System.out.printf("  %6d  %s%n", v, k));
        nanosBySample.forEach((k, v) -> System.out.printf("  reading %s: %.1f s in total%n", k, v / 1e9));
        assertTrue(reads + rejected == mutations);
        assertTrue(rejected > mutations / 2, "most mutations must be rejected, but only " + rejected + " were");
        assertTrue(reads > 0, "some mutations (a flipped bit in a residue) must still read as valid objects");
        assertTrue(reasons.size() >= 8, "the mutations must exercise many checks, but only hit " + reasons.keySet());
    }

    static byte[] mutate(Sample s, List<Sample> all, Random rnd, StringBuilder what) {
        byte[] b = s.bytes().clone();
        int kind = rnd.nextInt(9);
        switch (kind) {
            case 0 -> {
                int flips = 1 + rnd.nextInt(4);
                for (int i = 0; i < flips; i++) {
                    int bit = rnd.nextInt(b.length * 8);
                    b[bit >>> 3] ^= (byte) (0x80 >>> (bit & 7));
                }
                what.append(flips).append(" bit flips");
            }
            case 1 -> {
                int pos = rnd.nextInt(b.length);
                b[pos] = (byte) rnd.nextInt(256);
                what.append("byte ").append(pos).append(" set");
            }
            case 2 -> {
                int len = rnd.nextInt(b.length);
                b = Arrays.copyOf(b, len);
                what.append("truncated to ").append(len);
            }
            case 3 -> {
                int extra = 1 + rnd.nextInt(16);
                b = Arrays.copyOf(b, b.length + extra);
                for (int i = b.length - extra; i < b.length; i++) {
                    b[i] = (byte) rnd.nextInt(256);
                }
                what.append("extended by ").append(extra);
            }
            case 4 -> {
                // a length, level, count, type or version field: random, extreme or off-by-one values
                int[] fields = s.fieldOffsets();
                int pos = fields[rnd.nextInt(fields.length)];
                int[] values = {0, 1, 2, 3, 4, 7, 100, 101, 127, 128, 255, (b[pos] & 0xff) + 1, (b[pos] & 0xff) - 1,
                        rnd.nextInt(256)};
                b[pos] = (byte) values[rnd.nextInt(values.length)];
                what.append("field at ").append(pos).append(" set to ").append(b[pos] & 0xff);
            }
            case 5 -> {
                // 8 bytes overwritten: a scale, a prime, an id or packed residues
                int pos = rnd.nextInt(Math.max(1, b.length - 8));
                long[] values = {rnd.nextLong(), Double.doubleToRawLongBits(Double.NaN),
                        Double.doubleToRawLongBits(Double.POSITIVE_INFINITY), Double.doubleToRawLongBits(-1.0), 0, -1,
                        Double.doubleToRawLongBits(Double.MIN_VALUE)};
                long v = values[rnd.nextInt(values.length)];
                for (int i = 0; i < 8 && pos + i < b.length; i++) {
                    b[pos + i] = (byte) (v >>> (56 - 8 * i));
                }
                what.append("8 bytes at ").append(pos).append(" overwritten");
            }
            case 6 -> {
                int pos = rnd.nextInt(b.length);
                byte[] c = new byte[b.length + 1];
                System.arraycopy(b, 0, c, 0, pos);
                c[pos] = (byte) rnd.nextInt(256);
                System.arraycopy(b, pos, c, pos + 1, b.length - pos);
                b = c;
                what.append("byte inserted at ").append(pos);
            }
            case 7 -> {
                int pos = rnd.nextInt(b.length);
                byte[] c = new byte[b.length - 1];
                System.arraycopy(b, 0, c, 0, pos);
                System.arraycopy(b, pos + 1, c, pos, b.length - pos - 1);
                b = c;
                what.append("byte deleted at ").append(pos);
            }
            default -> {
                // the header and fields of another object on this body
                Sample other = all.get(rnd.nextInt(all.size()));
                int len = Math.min(25, Math.min(other.bytes().length, b.length));
                System.arraycopy(other.bytes(), 0, b, 0, len);
                what.append("first ").append(len).append(" bytes from ").append(other.name());
            }
        }
        return b;
    }
}
