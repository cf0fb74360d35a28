package io.henas.bench;

import java.util.SplittableRandom;

import io.henas.ckks.Ciphertext;
import io.henas.ckks.CkksParameters;
import io.henas.ckks.Decryptor;
import io.henas.ckks.Encoder;
import io.henas.ckks.Encryptor;
import io.henas.ckks.Evaluator;
import io.henas.ckks.Plaintext;
import io.henas.ring.Parallel;
import io.henas.ring.Sampler;
import io.henas.rlwe.EvaluationKeys;
import io.henas.rlwe.KeyGenerator;
import io.henas.rlwe.SecretKey;

/**
 * Keys, encoder, encryptor, decryptor, evaluator and operands (two ciphertexts, a plaintext, a size-3 product) at
 * one level, ready for timing. Galois keys exist for rotations by 1..8. Not thread-safe; {@link #close()} stops the
 * evaluator's pool.
 */
public final class BenchFixture implements AutoCloseable {
    /** Rotation steps with keys. */
    public static final int[] STEPS = {1, 2, 3, 4, 5, 6, 7, 8};

    /**
     * Keys, encoder, encryptor, decryptor and evaluator for one parameter set and thread count, shared by the
     * fixtures of every level (key generation dominates set-up time and memory).
     */
    public static final class Keys implements AutoCloseable {
        final CkksParameters params;
        final Encoder encoder;
        final Encryptor encryptor;
        final Decryptor decryptor;
        final Evaluator evaluator;
        private final Parallel encPar;

        /** Generates a secret key, the public, relinearization and Galois keys (steps 1..8 and conjugation). */
        public Keys(CkksParameters params, int threads) {
            this(params, threads, STEPS, true);
        }

        /**
         * Generates a secret key, the public and relinearization keys and Galois keys for {@code steps} (and
         * conjugation when asked). At logN 16 every key switching key of the deepest secure chain takes about 2.3 GB,
         * so callers that need few rotations should ask for few.
         */
        public Keys(CkksParameters params, int threads, int[] steps, boolean conjugation) {
            this(params, threads, generated(params, steps, conjugation));
        }

        private record Generated(SecretKey sk, EvaluationKeys keys) {
        }

        private static Generated generated(CkksParameters params, int[] steps, boolean conjugation) {
            KeyGenerator kg = new KeyGenerator(params.rlwe(), new Sampler());
            SecretKey sk = kg.secretKey();
            return new Generated(sk, kg.evaluationKeys(sk, steps, conjugation));
        }

        private Keys(CkksParameters params, int threads, Generated g) {
            this(params, threads, g.sk(), g.keys());
        }

        /** Encoder, encryptor, decryptor and evaluator on given keys (e.g. only the keys an op needs). */
        public Keys(CkksParameters params, int threads, SecretKey sk, EvaluationKeys keys) {
            this.params = params;
            this.encoder = new Encoder(params);
            this.evaluator = new Evaluator(params, keys, threads);
            this.encPar = threads == 1 ? Parallel.SEQUENTIAL : new Parallel(threads);
            this.encryptor = Encryptor.ofPublicKey(params, keys.publicKey(), new Sampler(), encPar);
            this.decryptor = new Decryptor(params, sk);
        }

        @Override
        public void close() {
            evaluator.close();
            if (encPar != Parallel.SEQUENTIAL) {
                encPar.close();
            }
        }
    }

    final Keys keys;
    final CkksParameters params;
    final int level;
    final double scale;
    final Encoder encoder;
    final Encryptor encryptor;
    final Decryptor decryptor;
    final Evaluator evaluator;
    final double[] values;
    final Plaintext pt;
    final Ciphertext a;
    final Ciphertext b;
    final Ciphertext product;
    private final boolean ownsKeys;

    /**
     * A fixture with its own keys.
     *
     * @param level   operand level in [0, maxLevel] (rescale and mul_relin_rescale need at least 1)
     * @param threads evaluator threads
     */
    public BenchFixture(CkksParameters params, int level, int threads) {
        this(new Keys(params, threads), level, true);
    }

    /** A fixture at {@code level} sharing {@code keys} (which it does not close). */
    public BenchFixture(Keys keys, int level) {
        this(keys, level, false);
    }

    /** A fixture at {@code level} on {@code keys}, closing them on {@link #close()} if {@code ownsKeys}. */
    BenchFixture(Keys keys, int level, boolean ownsKeys) {
        CkksParameters params = keys.params;
        if (level < 0 || level > params.maxLevel()) {
            if (ownsKeys) {
                keys.close();
            }
            throw new IllegalArgumentException("level must be in [0, " + params.maxLevel() + "], but was " + level);
        }
        this.keys = keys;
        this.ownsKeys = ownsKeys;
        this.params = params;
        this.level = level;
        this.scale = params.defaultScale();
        this.encoder = keys.encoder;
        this.encryptor = keys.encryptor;
        this.decryptor = keys.decryptor;
        this.evaluator = keys.evaluator;
        SplittableRandom r = new SplittableRandom(20261121L);
        values = new double[params.slots()];
        for (int i = 0; i < values.length; i++) {
            values[i] = r.nextDouble(-1, 1);
        }
        pt = encoder.encode(values, level, scale);
        a = encryptor.encrypt(pt);
        b = encryptor.encrypt(pt);
        product = evaluator.mul(a, b);
    }

    /** Closes the keys' thread pools if this fixture owns them. */
    @Override
    public void close() {
        if (ownsKeys) {
            keys.close();
        }
    }
}
