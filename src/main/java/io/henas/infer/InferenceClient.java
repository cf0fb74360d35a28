package io.henas.infer;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import io.henas.ckks.Ciphertext;
import io.henas.ckks.CkksIO;
import io.henas.ckks.CkksParameters;
import io.henas.ckks.Decryptor;
import io.henas.ckks.Encoder;
import io.henas.ckks.Encryptor;
import io.henas.export.ExportedModel;
import io.henas.he.PlanBinding;
import io.henas.ring.Sampler;
import io.henas.rlwe.EvaluationKeys;
import io.henas.rlwe.KeyGenerator;
import io.henas.rlwe.SecretKey;

/**
 * The client role: owns the secret key; generates the evaluation keys for the server, packs and encrypts an image as
 * the plan's input layout says, decrypts the output ciphertexts and unpacks the logits (applying the plan's pending
 * output affine). The secret key is derived from a 32-byte seed through an AES-256-CTR stream
 * ({@link KeySeedRandom}); {@link #writeSecretKey} persists the seed in a client-only file (format
 * {@value #KEY_MAGIC}: magic, parameter id, seed, and a check ciphertext that {@link #load} decrypts to prove the
 * derived key is the original). Not thread-safe.
 */
public final class InferenceClient {
    static final String KEY_MAGIC = "HENAS-SECRET-KEY-V1";
    private static final double CHECK_VALUE = 0.3125;

    private final ExportedModel model;
    private final CkksParameters params;
    private final byte[] seed;
    private final SecretKey sk;
    private final Encoder encoder;
    private final Encryptor encryptor;
    private final Decryptor decryptor;
    private final PlanBinding binding;
    /** Where evaluation keys and encryptions draw their noise: a fresh CSPRNG each time, or one seeded stream. */
    private final Supplier<Sampler> noise;

    private InferenceClient(ExportedModel model, byte[] seed, Supplier<Sampler> noise) {
        this.model = model;
        this.params = model.ckksParameters();
        this.seed = seed.clone();
        this.noise = noise;
        this.sk = new KeyGenerator(params.rlwe(), new Sampler(new KeySeedRandom(seed))).secretKey();
        this.encoder = new Encoder(params);
        this.encryptor = Encryptor.ofSecretKey(params, sk, noise.get());
        this.decryptor = new Decryptor(params, sk);
        this.binding = model.binding();
    }

    /** A client with a fresh secret key (seed from a {@code DRBG} SecureRandom). */
    public static InferenceClient generate(ExportedModel model) {
        byte[] s = new byte[32];
        try {
            SecureRandom.getInstance("DRBG").nextBytes(s);
        } catch (java.security.NoSuchAlgorithmException e) {
            new SecureRandom().nextBytes(s);
        }
        return new InferenceClient(model, s, Sampler::new);
    }

    /**
     * A client whose secret key, evaluation keys and encryption noise all come from {@code seed} (AES-CTR streams), so
     * a test's ciphertexts and its decrypted errors repeat run after run. Tests only: a client that reuses one seed
     * reuses its noise.
     */
    static InferenceClient deterministic(ExportedModel model, byte[] seed) {
        byte[] noiseSeed;
        try {
            java.security.MessageDigest d = java.security.MessageDigest.getInstance("SHA-256");
            d.update(seed);
            noiseSeed = d.digest("henas deterministic test noise".getBytes(StandardCharsets.US_ASCII));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
        Sampler shared = new Sampler(new KeySeedRandom(noiseSeed));
        return new InferenceClient(model, seed, () -> shared);
    }

    /**
     * Loads a client from its secret-key file.
     *
     * @throws IOException if the file is malformed, belongs to other parameters or does not reproduce its key
     */
    public static InferenceClient load(ExportedModel model, Path keyFile) throws IOException {
        FileChecks.regularFile(keyFile, "client key file");
        long maxCheck = CiphertextFiles.maxCiphertextBytes(model.ckksParameters());
        long size = Files.size(keyFile);
        if (size > maxCheck + 1024) {
            throw new IOException(keyFile + ": a client key file for these parameters must have at most "
                    + (maxCheck + 1024) + " bytes, but has " + size);
        }
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(Files.readAllBytes(keyFile)))) {
            byte[] magic = new byte[KEY_MAGIC.length()];
            in.readFully(magic);
            if (!KEY_MAGIC.equals(new String(magic, StandardCharsets.US_ASCII))) {
                throw new IOException(keyFile + ": must start with " + KEY_MAGIC + " (a henas client key file)");
            }
            String id = in.readUTF();
            if (!id.equals(model.ckksParameters().id())) {
                throw new IOException(keyFile + ": key parameters must be the model's " + model.ckksParameters().id()
                        + ", but were " + id);
            }
            byte[] s = new byte[32];
            in.readFully(s);
            int len = in.readInt();
            if (len < 0 || len != in.available()) {
                throw new IOException(keyFile + ": the check ciphertext length must be the " + in.available()
                        + " bytes left in the file, but was " + Integer.toUnsignedString(len));
            }
            byte[] check = new byte[len];
            in.readFully(check);
            InferenceClient c = new InferenceClient(model, s, Sampler::new);
            Ciphertext ct;
            try {
                ct = CkksIO.ciphertextFromBytes(check, model.ckksParameters());
            } catch (IOException | RuntimeException e) {
                throw new IOException(keyFile + ": check ciphertext: " + e.getMessage(), e);
            }
            double v = c.encoder.decodeReal(c.decryptor.decrypt(ct))[0];
            if (Math.abs(v - CHECK_VALUE) > 1e-3) {
                throw new IOException(keyFile + ": the derived secret key must decrypt the check ciphertext to "
                        + CHECK_VALUE + ", but gave " + v + " (corrupt file or incompatible henas version)");
            }
            return c;
        } catch (java.io.UTFDataFormatException e) {
            throw new IOException(keyFile + ": the parameter id must be modified UTF-8, but is not (" + e.getMessage()
                    + ")", e);
        } catch (java.io.EOFException e) {
            throw new IOException(keyFile + ": truncated client key file (the data ended before the check"
                    + " ciphertext)", e);
        }
    }

    /**
     * Writes the client-only secret-key file (owner read/write only where the file system supports it).
     *
     * @throws java.nio.file.FileAlreadyExistsException if {@code file} exists (a key is never replaced silently)
     */
    public void writeSecretKey(Path file) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(b)) {
            out.write(KEY_MAGIC.getBytes(StandardCharsets.US_ASCII));
            out.writeUTF(params.id());
            out.write(seed);
            byte[] check = CkksIO.toBytes(encryptor.encrypt(encoder.encodeConstant(CHECK_VALUE, 0,
                    params.defaultScale())));
            out.writeInt(check.length);
            out.write(check);
        }
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
        Files.write(file, b.toByteArray(), StandardOpenOption.TRUNCATE_EXISTING);
    }

    /**
     * Fresh evaluation keys for the server: the public key, the relinearization key up to the highest level the plan
     * relinearizes at (none if it never does) and one Galois key per rotation step up to the highest level the plan
     * rotates by it ({@link io.henas.he.HePlan#galoisKeyLevels()}); their in-memory sizes are
     * {@link io.henas.cost.MemoryModel}'s. Keys are generated one at a time.
     */
    public EvaluationKeys evaluationKeys() {
        KeyGenerator g = new KeyGenerator(params.rlwe(), noise.get());
        int relinLevel = model.plan().relinearizationKeyLevel();
        return new EvaluationKeys(g.publicKey(sk), relinLevel < 0 ? null : g.relinKey(sk, relinLevel),
                g.galoisKeys(sk, model.plan().galoisKeyLevels(), -1));
    }

    /** Packs an image (C-H-W) into the plan's input layout and encrypts each register at the top level. */
    public List<Ciphertext> encrypt(double[] image) {
        List<Ciphertext> out = new ArrayList<>();
        for (double[] v : binding.packInput(image)) {
            out.add(encryptor.encrypt(encoder.encode(v, model.plan().depth(), params.defaultScale())));
        }
        return out;
    }

    /**
     * Batch packing: packs up to {@code N/2} images (image {@code t} in slot {@code t} of every input register) and
     * encrypts each register at the top level.
     *
     * @throws IllegalStateException if the model's plan is not batch-packed
     */
    public List<Ciphertext> encryptBatch(double[][] images) {
        List<Ciphertext> out = new ArrayList<>();
        for (double[] v : binding.packBatch(images)) {
            out.add(encryptor.encrypt(encoder.encode(v, model.plan().depth(), params.defaultScale())));
        }
        return out;
    }

    /** Batch packing: decrypts the output ciphertexts and unpacks the logits of images {@code 0..images-1}. */
    public double[][] decryptBatch(List<Ciphertext> outputs, int images) {
        double[][] regs = new double[outputs.size()][];
        for (int k = 0; k < regs.length; k++) {
            regs[k] = encoder.decodeReal(decryptor.decrypt(outputs.get(k)));
        }
        return binding.unpackBatch(regs, images);
    }

    /** Decrypts the output ciphertexts and unpacks the logits. */
    public double[] decrypt(List<Ciphertext> outputs) {
        double[][] regs = new double[outputs.size()][];
        for (int k = 0; k < regs.length; k++) {
            regs[k] = encoder.decodeReal(decryptor.decrypt(outputs.get(k)));
        }
        return binding.unpackOutput(regs);
    }

    public CkksParameters params() {
        return params;
    }

    /** Index of the largest logit (first on ties). */
    public static int argmax(double[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }
}
