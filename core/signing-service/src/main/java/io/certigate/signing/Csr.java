package io.certigate.signing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.RuntimeOperatorException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * PKCS#10 certification requests (RFC 2986) carrying a device's identity, signed by the device key
 * itself through {@link DeviceKey#sign}: the private key never leaves its backend (a PKCS#11 token
 * signs on the token).
 *
 * <p>The identity is written as: subject {@code CN=<device id>, SERIALNUMBER=<serial>,
 * OU=certigate device}; and, in the requested extensions (PKCS#9 extensionRequest), a
 * subjectAltName with the URIs {@code urn:certigate:model:<model>} and
 * {@code urn:certigate:<vin|meter|site>:<subject>}, plus keyUsage digitalSignature.
 *
 * <p>A TLS client that is not a device (a consent party: a data holder or a consumer) requests
 * its certificate with {@link #buildClient}: subject {@code CN=<party id>} alone, keyUsage
 * digitalSignature and extendedKeyUsage clientAuth, no device identity. {@link #verifySignature}
 * checks the proof of possession of either kind without reading a device identity.
 */
public final class Csr {
    private static final BouncyCastleProvider BC = new BouncyCastleProvider();
    public static final String URN = "urn:certigate:";

    private Csr() {}

    /** What a device certifies: a vehicle (VIN), a meter (meter id) or a road site (site id). */
    public enum SubjectKind {
        VIN("vin"), METER("meter"), SITE("site");

        private final String label;

        SubjectKind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        public static SubjectKind parse(String s) {
            for (SubjectKind k : values()) {
                if (k.label.equalsIgnoreCase(s.trim())) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown subject kind '" + s + "' (expected vin, meter or site)");
        }
    }

    /** The device identity a CSR carries; every field non-blank and free of ':' in model and kind. */
    public record Identity(String deviceId, String serial, String model, SubjectKind kind, String subject) {
        public Identity {
            for (String[] f : new String[][] {{"device id", deviceId}, {"serial", serial}, {"model", model},
                    {"subject", subject}}) {
                if (f[1] == null || f[1].isBlank()) {
                    throw new IllegalArgumentException("device identity: " + f[0] + " is missing");
                }
            }
            if (kind == null) {
                throw new IllegalArgumentException("device identity: subject kind is missing");
            }
        }

        /** The subject as written in certificates: {@code vin:WVWZZZ...}. */
        public String qualifiedSubject() {
            return kind.label() + ":" + subject;
        }
    }

    /** A CSR whose signature has been checked: the key it proves possession of and its identity. */
    public record Verified(PublicKey publicKey, Identity identity, byte[] der) {}

    /** Builds and signs a DER-encoded CSR for {@code key}'s public key. */
    public static byte[] build(DeviceKey key, Identity identity) throws SigningException {
        try {
            X500Name name = new X500NameBuilder(BCStyle.INSTANCE)
                    .addRDN(BCStyle.CN, identity.deviceId())
                    .addRDN(BCStyle.SERIALNUMBER, identity.serial())
                    .addRDN(BCStyle.OU, "certigate device")
                    .build();
            ExtensionsGenerator ext = new ExtensionsGenerator();
            ext.addExtension(Extension.subjectAlternativeName, false, alternativeNames(identity));
            ext.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            PKCS10CertificationRequest req = new JcaPKCS10CertificationRequestBuilder(name, key.publicKey())
                    .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, ext.generate())
                    .build(new DeviceKeySigner(key));
            return req.getEncoded();
        } catch (IOException e) {
            throw new SigningException("cannot encode a CSR for " + identity.deviceId() + ": " + e.getMessage(), e);
        } catch (RuntimeOperatorException e) {
            Throwable cause = e.getCause();
            throw new SigningException("cannot sign a CSR with " + key.describe() + ": "
                    + (cause != null ? cause.getMessage() : e.getMessage()), e);
        }
    }

    /** The identity as subjectAltName URIs. */
    public static GeneralNames alternativeNames(Identity identity) {
        return new GeneralNames(new GeneralName[] {
            new GeneralName(GeneralName.uniformResourceIdentifier, URN + "model:" + identity.model()),
            new GeneralName(GeneralName.uniformResourceIdentifier, URN + identity.qualifiedSubject()),
        });
    }

    /**
     * Parses a DER CSR, checks its self-signature (proof of possession of the private key) and its
     * algorithm (Ed25519 or ECDSA P-256 with SHA-256 only), and reads the device identity.
     */
    public static Verified verify(byte[] der) throws SigningException {
        Signed req = verifySignature(der);
        Identity identity;
        try {
            identity = identityOf(req.subject(), req.alternativeNames());
        } catch (RuntimeException e) {
            throw new SigningException("CSR identity cannot be read: " + e.getMessage(), e);
        }
        return new Verified(req.publicKey(), identity, req.der());
    }

    /**
     * A CSR whose signature has been checked, before anything is read of the identity it names: its
     * key, its subject and the subjectAltName it requests (null when it requests none).
     */
    public record Signed(PublicKey publicKey, X500Name subject, GeneralNames alternativeNames, byte[] der) {
        /** The subject's CN, when it has exactly one (single-valued); null otherwise. */
        public String commonName() {
            RDN[] cn = subject.getRDNs(BCStyle.CN);
            return cn.length == 1 && !cn[0].isMultiValued() ? IETFUtils.valueToString(cn[0].getFirst().getValue()) : null;
        }

        /** The certigate device URIs ({@value #URN}...) of its subjectAltName: empty for a CSR that names no device. */
        public List<String> deviceNames() {
            List<String> out = new ArrayList<>();
            if (alternativeNames != null) {
                for (GeneralName n : alternativeNames.getNames()) {
                    if (n.getTagNo() == GeneralName.uniformResourceIdentifier && n.getName().toString().startsWith(URN)) {
                        out.add(n.getName().toString());
                    }
                }
            }
            return out;
        }
    }

    /**
     * Parses a DER CSR and checks its self-signature (proof of possession of the private key) and
     * its algorithm (Ed25519 or ECDSA P-256 with SHA-256 only); reads no identity.
     */
    public static Signed verifySignature(byte[] der) throws SigningException {
        JcaPKCS10CertificationRequest req;
        PublicKey pub;
        try {
            req = new JcaPKCS10CertificationRequest(der).setProvider(BC);
            pub = req.getPublicKey();
        } catch (IOException | RuntimeException | java.security.GeneralSecurityException e) {
            throw new SigningException("not a PKCS#10 certification request: " + e.getMessage(), e);
        }
        CoseAlgorithm alg;
        try {
            alg = CoseAlgorithm.of(pub);
        } catch (IllegalArgumentException e) {
            throw new SigningException("CSR key: " + e.getMessage(), e);
        }
        ASN1ObjectIdentifier sigAlg = req.getSignatureAlgorithm().getAlgorithm();
        if (!sigAlg.equals(signatureOid(alg))) {
            throw new SigningException("CSR signature algorithm " + sigAlg + " does not match its " + alg + " key");
        }
        try {
            if (!req.isSignatureValid(new JcaContentVerifierProviderBuilder().setProvider(BC).build(pub))) {
                throw new SigningException("CSR signature is invalid: no proof of possession of the private key");
            }
        } catch (OperatorCreationException | PKCSException | RuntimeException e) {
            // RuntimeException: Bouncy Castle throws IllegalStateException for a signature BIT STRING
            // with unused bits, and IllegalArgumentException for malformed contents
            throw new SigningException("CSR signature cannot be checked: " + e.getMessage(), e);
        }
        try {
            Extensions ext = req.getRequestedExtensions();
            return new Signed(pub, req.getSubject(),
                    ext == null ? null : GeneralNames.fromExtensions(ext, Extension.subjectAlternativeName), der.clone());
        } catch (RuntimeException e) {
            throw new SigningException("CSR identity cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * Builds and signs a DER-encoded CSR for a TLS client that is not a device (a consent party):
     * subject {@code CN=<commonName>} alone, and in the requested extensions keyUsage
     * digitalSignature and extendedKeyUsage clientAuth; no certigate device identity.
     */
    public static byte[] buildClient(DeviceKey key, String commonName) throws SigningException {
        try {
            X500Name name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
            ExtensionsGenerator ext = new ExtensionsGenerator();
            ext.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            ext.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
            return new JcaPKCS10CertificationRequestBuilder(name, key.publicKey())
                    .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, ext.generate())
                    .build(new DeviceKeySigner(key)).getEncoded();
        } catch (IOException e) {
            throw new SigningException("cannot encode a CSR for " + commonName + ": " + e.getMessage(), e);
        } catch (RuntimeOperatorException e) {
            Throwable cause = e.getCause();
            throw new SigningException("cannot sign a CSR with " + key.describe() + ": "
                    + (cause != null ? cause.getMessage() : e.getMessage()), e);
        }
    }

    /**
     * Reads a device identity from a subject name and subjectAltName (of a CSR or of a device
     * certificate), in the layout {@link #build} writes.
     */
    public static Identity identityOf(X500Name subject, GeneralNames names) throws SigningException {
        String deviceId = single(subject, BCStyle.CN, "CN");
        String serial = single(subject, BCStyle.SERIALNUMBER, "SERIALNUMBER");
        if (names == null) {
            throw new SigningException("no subjectAltName for " + deviceId + ": model and subject missing");
        }
        String model = null;
        SubjectKind kind = null;
        String value = null;
        for (GeneralName n : names.getNames()) {
            if (n.getTagNo() != GeneralName.uniformResourceIdentifier) {
                continue;
            }
            String uri = n.getName().toString();
            if (!uri.startsWith(URN) || uri.indexOf(':', URN.length()) < 0) {
                continue;
            }
            String rest = uri.substring(URN.length());
            String label = rest.substring(0, rest.indexOf(':')).toLowerCase(Locale.ROOT);
            String v = rest.substring(rest.indexOf(':') + 1);
            if (label.equals("model")) {
                model = v;
            } else {
                try {
                    SubjectKind k = SubjectKind.parse(label);
                    if (kind != null) {
                        throw new SigningException(deviceId + " names two subjects");
                    }
                    kind = k;
                    value = v;
                } catch (IllegalArgumentException e) {
                    throw new SigningException(deviceId + ": " + e.getMessage(), e);
                }
            }
        }
        try {
            return new Identity(deviceId, serial, model, kind, value);
        } catch (IllegalArgumentException e) {
            throw new SigningException("identity of " + deviceId + ": " + e.getMessage(), e);
        }
    }

    private static String single(X500Name name, ASN1ObjectIdentifier oid, String label) throws SigningException {
        RDN[] rdns = name.getRDNs(oid);
        if (rdns.length != 1) {
            throw new SigningException("subject '" + name + "' must hold exactly one " + label);
        }
        return IETFUtils.valueToString(rdns[0].getFirst().getValue());
    }

    static ASN1ObjectIdentifier signatureOid(CoseAlgorithm alg) {
        return alg == CoseAlgorithm.EDDSA ? EdECObjectIdentifiers.id_Ed25519 : X9ObjectIdentifiers.ecdsa_with_SHA256;
    }

    /**
     * A Bouncy Castle content signer over a {@link DeviceKey}: X.509 wants DER for ECDSA, so the
     * COSE raw r‖s signature is re-encoded; Ed25519 signatures are the same in both.
     */
    public static final class DeviceKeySigner implements ContentSigner {
        private final DeviceKey key;
        private final ByteArrayOutputStream data = new ByteArrayOutputStream();

        public DeviceKeySigner(DeviceKey key) {
            this.key = key;
        }

        @Override
        public AlgorithmIdentifier getAlgorithmIdentifier() {
            return new AlgorithmIdentifier(signatureOid(key.algorithm()));
        }

        @Override
        public OutputStream getOutputStream() {
            return data;
        }

        @Override
        public byte[] getSignature() {
            try {
                byte[] raw = key.sign(data.toByteArray());
                return key.algorithm() == CoseAlgorithm.EDDSA ? raw : EcdsaSignatures.rawToDer(raw);
            } catch (SigningException e) {
                throw new RuntimeOperatorException(e.getMessage(), e);
            } finally {
                data.reset();
            }
        }
    }
}
