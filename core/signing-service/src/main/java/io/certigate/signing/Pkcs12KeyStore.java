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
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.DERBMPString;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.OutputEncryptor;
import org.bouncycastle.pkcs.PKCS12PfxPduBuilder;
import org.bouncycastle.pkcs.PKCS12SafeBag;
import org.bouncycastle.pkcs.PKCS12SafeBagBuilder;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS12SafeBagBuilder;
import org.bouncycastle.pkcs.jcajce.JcePKCS12MacCalculatorBuilder;
import org.bouncycastle.pkcs.jcajce.JcePKCSPBEOutputEncryptorBuilder;

/**
 * Software device keys in a PKCS#12 file protected by a passphrase. The key pair is generated in
 * this process and written only into the encrypted file (mode 0600 where the file system allows).
 *
 * <p>Files are written as OpenSSL 3 writes them by default, with a higher iteration count: the
 * private key in a shrouded key bag under PBES2 (RFC 8018: PBKDF2 with HMAC-SHA256, AES-256-CBC),
 * the certificates (public) in a plain bag, and the whole file under an HMAC-SHA256 MAC (RFC 7292
 * appendix B key derivation with SHA-256). {@link #ITERATIONS} applies to both the key encryption
 * and the MAC; see the signing-service README for why that count. Reading goes through Bouncy
 * Castle's PKCS#12 key store, which also opens the files written before (3DES key bag, RC2-40
 * certificate bag, SHA-1 MAC, 1.2 million SHA-1 iterations in all); {@link #installChain}
 * rewrites such a file in the current format.
 */
public final class Pkcs12KeyStore {
    public static final String ALIAS = "device";
    /**
     * PBKDF2-HMAC-SHA256 iterations of the key bag, and of the MAC's key derivation. 50,000 costs
     * a few tens of ms per load on an x86 core and a few hundred on a small ARM core.
     */
    public static final int ITERATIONS = 20_000;
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
        byte[] pfx = encode(pk, chain, passphrase, ITERATIONS);
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
                out.write(pfx);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The PKCS#12 bytes: PBES2/AES-256 key bag, plain certificate bag, HMAC-SHA256 MAC. */
    static byte[] encode(PrivateKey pk, List<X509Certificate> chain, char[] passphrase, int iterations)
            throws GeneralSecurityException, IOException {
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            SubjectKeyIdentifier localKeyId = ext.createSubjectKeyIdentifier(chain.get(0).getPublicKey());
            List<PKCS12SafeBag> certs = new ArrayList<>();
            for (int i = 0; i < chain.size(); i++) {
                PKCS12SafeBagBuilder cert = new JcaPKCS12SafeBagBuilder(chain.get(i));
                if (i == 0) {
                    cert.addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_friendlyName, new DERBMPString(ALIAS));
                    cert.addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_localKeyId, localKeyId);
                }
                certs.add(cert.build());
            }
            OutputEncryptor keyEncryption = new JcePKCSPBEOutputEncryptorBuilder(NISTObjectIdentifiers.id_aes256_CBC)
                    .setPRF(new AlgorithmIdentifier(PKCSObjectIdentifiers.id_hmacWithSHA256, DERNull.INSTANCE))
                    .setIterationCount(iterations).setProvider(BC).build(passphrase);
            // PKCS#8 v1 (RFC 5208) without the optional public key that Bouncy Castle adds to an
            // Ed25519 key (RFC 5958 v2): OpenSSL 3 reads that field as attributes and fails
            PrivateKeyInfo info = PrivateKeyInfo.getInstance(pk.getEncoded());
            PKCS12SafeBagBuilder key = new PKCS12SafeBagBuilder(
                    new PrivateKeyInfo(info.getPrivateKeyAlgorithm(), info.parsePrivateKey()), keyEncryption);
            key.addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_friendlyName, new DERBMPString(ALIAS));
            key.addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_localKeyId, localKeyId);
            PKCS12PfxPduBuilder pfx = new PKCS12PfxPduBuilder();
            for (PKCS12SafeBag cert : certs) {
                pfx.addData(cert);
            }
            pfx.addData(key.build());
            return pfx.build(new JcePKCS12MacCalculatorBuilder(NISTObjectIdentifiers.id_sha256)
                    .setIterationCount(iterations).setProvider(BC), passphrase).getEncoded(ASN1Encoding.DER);
        } catch (OperatorCreationException | PKCSException e) {
            throw new GeneralSecurityException("cannot encode the PKCS#12 file: " + e.getMessage(), e);
        }
    }
}
