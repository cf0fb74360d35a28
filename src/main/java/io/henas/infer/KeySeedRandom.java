package io.henas.infer;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.SecureRandomSpi;

import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A deterministic CSPRNG: the AES-256-CTR keystream of a 32-byte seed (zero IV). The client's secret key is derived
 * from such a stream, so persisting the seed persists the key ({@code rlwe.SecretKey} is deliberately not
 * serializable). Client-side only.
 */
final class KeySeedRandom extends SecureRandom {
    KeySeedRandom(byte[] seed) {
        super(new Spi(seed), null);
    }

    private static final class Spi extends SecureRandomSpi {
        private final Cipher aes;

        Spi(byte[] seed) {
            if (seed.length != 32) {
                throw new IllegalArgumentException("key seed must be 32 bytes, but was " + seed.length);
            }
            try {
                aes = Cipher.getInstance("AES/CTR/NoPadding");
                aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(seed, "AES"), new IvParameterSpec(new byte[16]));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES/CTR is required by every JDK", e);
            }
        }

        @Override
        protected void engineSetSeed(byte[] seed) {
            throw new UnsupportedOperationException("a key seed stream cannot be reseeded");
        }

        @Override
        protected void engineNextBytes(byte[] bytes) {
            byte[] ks = aes.update(new byte[bytes.length]);
            System.arraycopy(ks, 0, bytes, 0, bytes.length);
        }

        @Override
        protected byte[] engineGenerateSeed(int numBytes) {
            byte[] b = new byte[numBytes];
            engineNextBytes(b);
            return b;
        }
    }
}
