package io.certigate.testbed.device;

import io.certigate.signing.Csr;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away consortium CA for tests, made with Bouncy Castle: a P-256 root that issues a broker
 * (server) certificate for localhost / 127.0.0.1 and device (client) certificates for existing
 * device keys. Writes PEM files for Mosquitto.
 */
public final class TestPki {
    private final KeyPair caKeys;
    private final X509Certificate ca;

    private TestPki(KeyPair caKeys, X509Certificate ca) {
        this.caKeys = caKeys;
        this.ca = ca;
    }

    public static TestPki create(String name) throws GeneralSecurityException {
        KeyPair kp = p256();
        X500Name n = new X500Name("CN=" + name + ",O=certigate test");
        try {
            JcaX509v3CertificateBuilder b = builder(n, n, kp.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            b.addExtension(Extension.subjectKeyIdentifier, false,
                    new JcaX509ExtensionUtils().createSubjectKeyIdentifier(kp.getPublic()));
            X509Certificate cert = new JcaX509CertificateConverter()
                    .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
            return new TestPki(kp, cert);
        } catch (Exception e) {
            throw new GeneralSecurityException("test CA: " + e.getMessage(), e);
        }
    }

    public static KeyPair p256() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static JcaX509v3CertificateBuilder builder(X500Name issuer, X500Name subject, PublicKey key) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, new SecureRandom()).setBit(63),
                Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(2))), subject, key);
    }

    public X509Certificate caCertificate() {
        return ca;
    }

    /** A certificate for {@code key} with CN {@code cn}: a server one (SAN localhost, 127.0.0.1) or a client one. */
    public X509Certificate issue(PublicKey key, String cn, boolean server) throws GeneralSecurityException {
        try {
            JcaX509v3CertificateBuilder b = builder(X500Name.getInstance(ca.getSubjectX500Principal().getEncoded()),
                    new X500Name("CN=" + cn + ",OU=certigate device"), key);
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
            b.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(server ? KeyPurposeId.id_kp_serverAuth : KeyPurposeId.id_kp_clientAuth));
            b.addExtension(Extension.authorityKeyIdentifier, false,
                    new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(ca));
            if (server) {
                b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.dNSName, "localhost"),
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
            }
            return new JcaX509CertificateConverter()
                    .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate())));
        } catch (Exception e) {
            throw new GeneralSecurityException("test certificate: " + e.getMessage(), e);
        }
    }

    /**
     * A device certificate for {@code key} as the consortium CA issues one from a device's CSR
     * ({@code io.certigate.signing.Csr}'s layout): subject {@code CN=<device id>, SERIALNUMBER,
     * OU=certigate device}, the identity as subjectAltName URIs, key usage digitalSignature only, not
     * a CA. The verifier's chain validation accepts it; {@link #issue} certificates (TLS client or
     * server, with keyAgreement) it refuses.
     */
    public X509Certificate issueDevice(PublicKey key, String deviceId) throws GeneralSecurityException {
        try {
            Csr.Identity id = new Csr.Identity(deviceId, "SN-" + deviceId, "test-model", Csr.SubjectKind.VIN,
                    "WVWZZZ1JZXW000001");
            X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, deviceId)
                    .addRDN(BCStyle.SERIALNUMBER, id.serial()).addRDN(BCStyle.OU, "certigate device").build();
            JcaX509v3CertificateBuilder b = builder(X500Name.getInstance(ca.getSubjectX500Principal().getEncoded()),
                    subject, key);
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(Extension.subjectAlternativeName, false, Csr.alternativeNames(id));
            b.addExtension(Extension.authorityKeyIdentifier, false,
                    new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(ca));
            return new JcaX509CertificateConverter()
                    .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate())));
        } catch (Exception e) {
            throw new GeneralSecurityException("test device certificate: " + e.getMessage(), e);
        }
    }

    /**
     * A PKCS#12 key store {@code dir/<cn>.p12} holding a fresh P-256 key and its client certificate,
     * CN {@code cn}, issued by this CA, with the CA certificate after it: what a client presents for
     * mutual TLS.
     */
    public Path clientKeyStore(Path dir, String cn, char[] passphrase) throws GeneralSecurityException, IOException {
        KeyPair keys = p256();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry(cn, keys.getPrivate(), passphrase,
                new Certificate[] {issue(keys.getPublic(), cn, false), ca});
        Path file = dir.resolve(cn + ".p12");
        try (OutputStream out = Files.newOutputStream(file)) {
            ks.store(out, passphrase);
        }
        return file;
    }

    /** PEM of the given objects (certificates, private keys) written to {@code file}. */
    public static Path writePem(Path file, List<?> objects) throws IOException {
        StringWriter sw = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
            for (Object o : objects) {
                if (o instanceof java.security.PrivateKey k) {
                    w.writeObject(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(k, null)); // "PRIVATE KEY"
                } else {
                    w.writeObject(o);
                }
            }
        }
        Files.writeString(file, sw.toString());
        return file;
    }
}
