package io.certigate.signing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Software device keys in a PKCS#12 file protected by a passphrase. The key pair is generated in
 * this process and written only into the encrypted file (mode 0600 where the file system allows).
 */
public final class Pkcs12KeyStore {
    public static final String ALIAS = "device";
    private static final BouncyCastleProvider BC = new BouncyCastleProvider();

    private Pkcs12KeyStore() {}

    /** Generates a key pair and a self-signed certificate for {@code deviceId}; refuses to overwrite. */
    public static SoftwareDeviceKey create(Path file, CoseAlgorithm alg, String deviceId, char[] passphrase)
            throws SigningException {
        if (Files.exists(file)) {
            throw new SigningException("key store " + file + " already exists; refusing to overwrite a device key");
        }
        try {
            KeyPair pair = generate(alg);
            X509Certificate cert = Certificates.selfSigned(pair, deviceId, alg, BC, Duration.ofDays(3650));
            store(file, pair.getPrivate(), List.of(cert), passphrase);
            return new SoftwareDeviceKey(pair.getPrivate(), List.of(cert), file.toString());
        } catch (GeneralSecurityException | IOException e) {
            throw new SigningException("cannot create key store " + file + ": " + e.getMessage(), e);
        }
    }

    static KeyPair generate(CoseAlgorithm alg) throws GeneralSecurityException {
        if (alg == CoseAlgorithm.EDDSA) {
            return KeyPairGenerator.getInstance("Ed25519", BC).generateKeyPair();
        }
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC", BC);
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    /** Replaces the certificate chain (after the CA issued one) keeping the same private key. */
    public static SoftwareDeviceKey installChain(Path file, char[] passphrase, List<X509Certificate> chain)
            throws SigningException {
        KeyStore ks = read(file, passphrase);
        try {
            PrivateKey pk = (PrivateKey) ks.getKey(ALIAS, passphrase);
            if (!chain.get(0).getPublicKey().equals(certificates(ks).get(0).getPublicKey())) {
                throw new SigningException("certificate for " + file + " does not match its device key");
            }
            store(file, pk, chain, passphrase);
            return new SoftwareDeviceKey(pk, chain, file.toString());
        } catch (GeneralSecurityException | IOException e) {
            throw new SigningException("cannot update key store " + file + ": " + e.getMessage(), e);
        }
    }

    public static SoftwareDeviceKey open(Path file, char[] passphrase) throws SigningException {
        KeyStore ks = read(file, passphrase);
        try {
            PrivateKey pk = (PrivateKey) ks.getKey(ALIAS, passphrase);
            if (pk == null) {
                throw new SigningException("key store " + file + " holds no '" + ALIAS + "' private key");
            }
            return new SoftwareDeviceKey(pk, certificates(ks), file.toString());
        } catch (GeneralSecurityException e) {
            throw new SigningException("cannot read the device key in " + file + ": " + e.getMessage(), e);
        }
    }

    private static List<X509Certificate> certificates(KeyStore ks) throws GeneralSecurityException {
        Certificate[] chain = ks.getCertificateChain(ALIAS);
        List<X509Certificate> out = new ArrayList<>();
        for (Certificate c : chain) {
            out.add((X509Certificate) c);
        }
        return out;
    }

    private static KeyStore read(Path file, char[] passphrase) throws SigningException {
        if (!Files.isRegularFile(file)) {
            throw new SigningException("key store " + file + " does not exist");
        }
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore ks = KeyStore.getInstance("PKCS12", BC);
            ks.load(in, passphrase);
            return ks;
        } catch (IOException e) {
            throw new SigningException("cannot open key store " + file
                    + " (wrong passphrase or not a PKCS#12 file): " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new SigningException("cannot open key store " + file + ": " + e.getMessage(), e);
        }
    }

    private static void store(Path file, PrivateKey pk, List<X509Certificate> chain, char[] passphrase)
            throws GeneralSecurityException, IOException {
        KeyStore ks = KeyStore.getInstance("PKCS12", BC);
        ks.load(null, null);
        ks.setKeyEntry(ALIAS, pk, passphrase, chain.toArray(new Certificate[0]));
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".keystore", ".tmp");
        try {
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system: permissions are the platform's
            }
            try (OutputStream out = Files.newOutputStream(tmp)) {
                ks.store(out, passphrase);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
