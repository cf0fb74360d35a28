package io.henas.serve;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS contexts from key store files (PKCS12 or JKS, detected from the file) and a password file (its first line).
 * Every failure is an {@link IOException} naming the file and the option.
 */
public final class TlsFiles {
    private TlsFiles() {
    }

    /** The server's context: its private key and certificate chain from {@code keystore}. */
    public static SSLContext server(Path keystore, Path passwordFile) throws IOException {
        char[] pw = password(passwordFile);
        KeyStore ks = load(keystore, pw, "--tls-keystore");
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, pw);
            boolean hasKey = false;
            for (String a : java.util.Collections.list(ks.aliases())) {
                hasKey |= ks.isKeyEntry(a);
            }
            if (!hasKey) {
                throw new IOException("--tls-keystore " + keystore + ": must hold a private key with its certificate,"
                        + " but holds none");
            }
            SSLContext c = SSLContext.getInstance("TLS");
            c.init(kmf.getKeyManagers(), null, null);
            return c;
        } catch (GeneralSecurityException e) {
            throw new IOException("--tls-keystore " + keystore + ": cannot use its key (" + e.getMessage()
                    + "; the key password must be the store's)", e);
        }
    }

    /** A client's context trusting the certificates in {@code truststore} (password file optional). */
    public static SSLContext client(Path truststore, Path passwordFile) throws IOException {
        char[] pw = passwordFile == null ? null : password(passwordFile);
        KeyStore ks = load(truststore, pw, "--tls-truststore");
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext c = SSLContext.getInstance("TLS");
            c.init(null, tmf.getTrustManagers(), null);
            return c;
        } catch (GeneralSecurityException e) {
            throw new IOException("--tls-truststore " + truststore + ": cannot use its certificates ("
                    + e.getMessage() + ")", e);
        }
    }

    /** The first line of {@code file}. */
    static char[] password(Path file) throws IOException {
        if (file == null) {
            throw new IOException("--tls-password-file is required with a key store");
        }
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "--tls-password-file: no such file");
        }
        String s = Files.readString(file, StandardCharsets.UTF_8);
        int nl = s.indexOf('\n');
        s = (nl >= 0 ? s.substring(0, nl) : s).replace("\r", "");
        if (s.isEmpty()) {
            throw new IOException("--tls-password-file " + file + ": must hold the password on its first line, but"
                    + " the line is empty");
        }
        return s.toCharArray();
    }

    private static KeyStore load(Path file, char[] pw, String option) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, option + ": no such key store file");
        }
        try {
            return KeyStore.getInstance(file.toFile(), pw);
        } catch (GeneralSecurityException | IOException | IllegalArgumentException e) {
            throw new IOException(option + " " + file + ": must be a PKCS12 or JKS key store opened by the password"
                    + " file, but " + e.getMessage(), e);
        }
    }
}
