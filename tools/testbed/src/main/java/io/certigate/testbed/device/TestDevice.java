package io.certigate.testbed.device;

import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.Pkcs12KeyStore;
import io.certigate.signing.SigningException;
import io.certigate.signing.SoftwareDeviceKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;

/**
 * The device identity every module's tests use: a real device key (Ed25519 unless asked otherwise)
 * in a PKCS#12 file {@code <id>.p12} with its self-signed certificate, made by the production code
 * ({@link Pkcs12KeyStore#create}), and the file's passphrase, also written (0600) to
 * {@code <id>.pass} for configurations that take a {@code file:PATH} source. What a test builds on
 * it (a buffer, a sequencer, a spine) stays in the test's own module.
 */
public record TestDevice(String id, Path keyStore, Path passphraseFile, SoftwareDeviceKey key) {
    /** The passphrase of every test device's key store. */
    public static final String PASSPHRASE = "test-passphrase";

    /** A new Ed25519 device {@code id} in {@code dir}. */
    public static TestDevice create(Path dir, String id) throws SigningException, IOException {
        return create(dir, id, CoseAlgorithm.EDDSA);
    }

    /** A new device {@code id} with an {@code alg} key in {@code dir} ({@code <id>.p12}, {@code <id>.pass}). */
    public static TestDevice create(Path dir, String id, CoseAlgorithm alg) throws SigningException, IOException {
        Path keyStore = dir.resolve(id + ".p12");
        if (Files.exists(keyStore)) {
            throw new IOException(keyStore + " exists already");
        }
        return openOrCreate(keyStore, id, alg);
    }

    /**
     * The device {@code id} with its key store at {@code keyStore} (its passphrase file beside it,
     * {@code .p12} replaced by {@code .pass}): opened when the key store exists (a restart), else
     * created with an {@code alg} key.
     */
    public static TestDevice openOrCreate(Path keyStore, String id, CoseAlgorithm alg) throws SigningException, IOException {
        Path dir = keyStore.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        String name = keyStore.getFileName().toString();
        Path pass = dir.resolve((name.endsWith(".p12") ? name.substring(0, name.length() - 4) : name) + ".pass");
        SoftwareDeviceKey key = Files.exists(keyStore) ? Pkcs12KeyStore.open(keyStore, passphrase())
                : Pkcs12KeyStore.create(keyStore, alg, id, passphrase());
        return new TestDevice(id, keyStore, writePassphrase(pass), key);
    }

    /** A fresh copy of {@link #PASSPHRASE} (callers may wipe it). */
    public static char[] passphrase() {
        return PASSPHRASE.toCharArray();
    }

    /** {@code file:<passphrase file>}, the form the runtimes' configurations take. */
    public String passphraseSource() {
        return "file:" + passphraseFile;
    }

    /** The device's own certificate (self-signed until a CA installs a chain). */
    public X509Certificate certificate() {
        return key.certificateChain().get(0);
    }

    private static Path writePassphrase(Path file) throws IOException {
        Files.writeString(file, PASSPHRASE + "\n", StandardCharsets.US_ASCII);
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the permissions stay as created
        }
        return file;
    }
}
