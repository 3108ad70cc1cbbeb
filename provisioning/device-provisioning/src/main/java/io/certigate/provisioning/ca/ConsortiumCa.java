package io.certigate.provisioning.ca;

import io.certigate.provisioning.registry.PartyCertificate;
import io.certigate.signing.Csr;
import io.certigate.signing.DeviceKey;
import io.certigate.signing.SigningException;
import java.math.BigInteger;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.RuntimeOperatorException;

/**
 * The consortium's certification authority: a root that only certifies issuing CAs, and an issuing
 * CA that certifies devices and consent parties (data holders and consumers, {@link #issueParty}). Both keys are {@link DeviceKey}s, so they live in a PKCS#12 file or on a
 * PKCS#11 token and sign there. Device certificates (RFC 5280 profile): the CSR's subject and
 * identity subjectAltName, keyUsage digitalSignature only (critical), basicConstraints cA=false
 * (critical), subject and authority key identifiers, validity clipped to the issuing CA's.
 */
public final class ConsortiumCa {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final DeviceKey issuingKey;
    private final List<X509Certificate> issuingChain;
    private final Clock clock;

    /** @param issuingKey the issuing CA key, whose chain is {@code [issuing CA, root]} */
    public ConsortiumCa(DeviceKey issuingKey, Clock clock) throws ProvisioningException {
        List<X509Certificate> chain = issuingKey.certificateChain();
        if (chain.size() != 2 || chain.get(0).getBasicConstraints() < 0) {
            throw new ProvisioningException(issuingKey.describe() + " is not an issuing CA key (its chain must be"
                    + " [issuing CA, root]; run 'certigate ca init' first)");
        }
        this.issuingKey = issuingKey;
        this.issuingChain = List.copyOf(chain);
        this.clock = clock;
    }

    /** The certificates {@link #init} made: install {@code rootChain} with the root key, {@code issuingChain} with the issuing key. */
    public record Hierarchy(X509Certificate root, X509Certificate issuing) {
        public List<X509Certificate> rootChain() {
            return List.of(root);
        }

        public List<X509Certificate> issuingChain() {
            return List.of(issuing, root);
        }
    }

    /** Creates the root (self-signed, pathLen 1) and the issuing CA (pathLen 0) certificates. */
    public static Hierarchy init(DeviceKey rootKey, DeviceKey issuingKey, String consortium, Clock clock,
            Duration rootValidity, Duration issuingValidity) throws ProvisioningException {
        X509Certificate root = initRoot(rootKey, consortium, clock, rootValidity);
        return new Hierarchy(root, certifyIssuing(rootKey, root, issuingKey, clock, issuingValidity));
    }

    /**
     * Creates the self-signed root certificate (pathLen 1) alone: the first step of an offline root,
     * whose key is then needed only by {@link #certifyIssuing} (once per issuing CA).
     */
    public static X509Certificate initRoot(DeviceKey rootKey, String consortium, Clock clock, Duration rootValidity)
            throws ProvisioningException {
        Instant now = clock.instant();
        X500Name rootName = caName(consortium, "root CA");
        return sign(rootKey, rootName, rootName, rootKey.publicKey(), null, now, now.plus(rootValidity),
                b -> caExtensions(b, 1, rootKey.publicKey(), null));
    }

    /**
     * Certifies an issuing CA key (pathLen 0) under {@code root}, signed by the root key; the issuing
     * CA is named after the root's organisation. Install {@code [issuing, root]} with the issuing key.
     */
    public static X509Certificate certifyIssuing(DeviceKey rootKey, X509Certificate root, DeviceKey issuingKey,
            Clock clock, Duration issuingValidity) throws ProvisioningException {
        if (!root.getPublicKey().equals(rootKey.publicKey())) {
            throw new ProvisioningException(rootKey.describe() + " is not the key of the root certificate "
                    + root.getSubjectX500Principal().getName());
        }
        X500Name rootName = X500Name.getInstance(root.getSubjectX500Principal().getEncoded());
        String consortium = org.bouncycastle.asn1.x500.style.IETFUtils.valueToString(
                rootName.getRDNs(BCStyle.O)[0].getFirst().getValue());
        Instant now = clock.instant();
        Instant issuingEnd = min(now.plus(issuingValidity), root.getNotAfter().toInstant());
        return sign(rootKey, rootName, caName(consortium, "issuing CA"), issuingKey.publicKey(), root, now, issuingEnd,
                b -> caExtensions(b, 0, issuingKey.publicKey(), root));
    }

    public X509Certificate root() {
        return issuingChain.get(1);
    }

    /**
     * Issues a device certificate for a CSR after checking its proof of possession and that it
     * names the identity the technician expects; returns the chain {@code [device, issuing, root]}.
     */
    public List<X509Certificate> issue(byte[] csrDer, Csr.Identity expected, Duration validity)
            throws ProvisioningException {
        Csr.Signed signed = signed(csrDer);
        Csr.Identity identity;
        try {
            identity = Csr.identityOf(signed.subject(), signed.alternativeNames());
        } catch (SigningException | RuntimeException e) {
            String cn = signed.commonName();
            if (signed.deviceNames().isEmpty() && cn != null && PartyCertificate.ID.matcher(cn).matches()) {
                throw new ProvisioningException("refused CSR: it is the request of party " + cn + ", not a device's;"
                        + " a party's certificate is issued by 'certigate ca issue-party'", e);
            }
            throw new ProvisioningException("refused CSR: " + e.getMessage(), e);
        }
        if (!identity.equals(expected)) {
            throw new ProvisioningException("refused CSR: it names " + describe(identity)
                    + " but the device to provision is " + describe(expected));
        }
        return issueLeaf(subjectName(expected), signed.publicKey(), validity, b -> {
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(Extension.subjectAlternativeName, false, Csr.alternativeNames(expected));
        });
    }

    /**
     * Issues a consent party's certificate (a data holder's or a consumer's, docs/consent.md) for a
     * CSR after checking its proof of possession, that its subject's CN is the party id the
     * registrar expects ({@link PartyCertificate#checkId}: {@code holder:<name>} or
     * {@code consumer:<name>}) and that it names no device. The certificate has exactly the party
     * profile {@link PartyCertificate#check} accepts: subject {@code CN=<party id>}, basicConstraints
     * cA=false (critical), keyUsage digitalSignature (critical), extendedKeyUsage clientAuth, key
     * identifiers, no subjectAltName; validity clipped to the issuing CA's. Returns
     * {@code [party, issuing, root]}.
     */
    public List<X509Certificate> issueParty(byte[] csrDer, String expectedId, Duration validity)
            throws ProvisioningException {
        PartyCertificate.checkId(expectedId);
        Csr.Signed signed = signed(csrDer);
        if (!signed.deviceNames().isEmpty()) {
            throw new ProvisioningException("refused CSR: it is a device's request (" + String.join(", ",
                    signed.deviceNames()) + "), not a party's; a device's certificate is issued by 'certigate ca issue'");
        }
        String cn = signed.commonName();
        if (cn == null) {
            throw new ProvisioningException("refused CSR: its subject '" + signed.subject()
                    + "' must hold exactly one CN, the party id");
        }
        try {
            PartyCertificate.checkId(cn);
        } catch (ProvisioningException e) {
            throw new ProvisioningException("refused CSR: its CN is not a party id: " + e.getMessage(), e);
        }
        if (!cn.equals(expectedId)) {
            throw new ProvisioningException("refused CSR: it names party " + cn + " but the party to certify is "
                    + expectedId);
        }
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, cn).build();
        return issueLeaf(subject, signed.publicKey(), validity, b -> {
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
        });
    }

    private static Csr.Signed signed(byte[] csrDer) throws ProvisioningException {
        try {
            return Csr.verifySignature(csrDer);
        } catch (SigningException e) {
            throw new ProvisioningException("refused CSR: " + e.getMessage(), e);
        }
    }

    /** An end-entity certificate under the issuing CA, with key identifiers beside {@code ext}: {@code [leaf, issuing, root]}. */
    private List<X509Certificate> issueLeaf(X500Name subject, PublicKey key, Duration validity, Extensions ext)
            throws ProvisioningException {
        X509Certificate issuing = issuingChain.get(0);
        Instant now = clock.instant();
        Instant end = min(now.plus(validity), issuing.getNotAfter().toInstant());
        X509Certificate leaf = sign(issuingKey, X500Name.getInstance(issuing.getSubjectX500Principal().getEncoded()),
                subject, key, issuing, now, end, b -> {
                    ext.add(b);
                    keyIdentifiers(b, key, issuing);
                });
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(leaf);
        chain.addAll(issuingChain);
        return List.copyOf(chain);
    }

    static String describe(Csr.Identity id) {
        return "device " + id.deviceId() + " (serial " + id.serial() + ", model " + id.model() + ", "
                + id.qualifiedSubject() + ")";
    }

    static X500Name subjectName(Csr.Identity id) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, id.deviceId())
                .addRDN(BCStyle.SERIALNUMBER, id.serial()).addRDN(BCStyle.OU, "certigate device").build();
    }

    private static X500Name caName(String consortium, String role) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, consortium + " " + role)
                .addRDN(BCStyle.O, consortium).build();
    }

    private interface Extensions {
        void add(X509v3CertificateBuilder b) throws CertIOException, java.security.GeneralSecurityException;
    }

    private static void caExtensions(X509v3CertificateBuilder b, int pathLen, PublicKey subject, X509Certificate issuer)
            throws CertIOException, java.security.GeneralSecurityException {
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(pathLen));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        keyIdentifiers(b, subject, issuer);
    }

    private static void keyIdentifiers(X509v3CertificateBuilder b, PublicKey subject, X509Certificate issuer)
            throws CertIOException, java.security.GeneralSecurityException {
        JcaX509ExtensionUtils u = new JcaX509ExtensionUtils();
        b.addExtension(Extension.subjectKeyIdentifier, false, u.createSubjectKeyIdentifier(subject));
        b.addExtension(Extension.authorityKeyIdentifier, false, issuer == null
                ? u.createAuthorityKeyIdentifier(subject) : u.createAuthorityKeyIdentifier(issuer));
    }

    private static X509Certificate sign(DeviceKey signer, X500Name issuerName, X500Name subject, PublicKey subjectKey,
            X509Certificate issuerCert, Instant notBefore, Instant notAfter, Extensions ext) throws ProvisioningException {
        if (!notAfter.isAfter(notBefore)) {
            throw new ProvisioningException("cannot issue for " + subject + ": the issuer's certificate expires at "
                    + notAfter);
        }
        try {
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuerName,
                    new BigInteger(127, RANDOM).setBit(126), Date.from(notBefore), Date.from(notAfter), subject, subjectKey);
            ext.add(b);
            return new JcaX509CertificateConverter().getCertificate(b.build(new Csr.DeviceKeySigner(signer)));
        } catch (CertIOException | java.security.GeneralSecurityException e) {
            throw new ProvisioningException("cannot issue a certificate for " + subject + ": " + e.getMessage(), e);
        } catch (RuntimeOperatorException e) {
            throw new ProvisioningException("the CA key " + signer.describe() + " could not sign: "
                    + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()), e);
        }
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
