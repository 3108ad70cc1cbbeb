package io.certigate.signing;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Self-signed placeholder certificates for freshly generated device keys. */
public final class Certificates {
    private Certificates() {}

    /** The JCA signature name for a key of this algorithm. */
    public static String signatureAlgorithm(CoseAlgorithm alg) {
        return alg == CoseAlgorithm.EDDSA ? "Ed25519" : "SHA256withECDSA";
    }

    public static X500Name deviceName(String deviceId) {
        return new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.CN, deviceId)
                .addRDN(BCStyle.OU, "certigate device")
                .build();
    }

    /**
     * A self-signed certificate binding {@code deviceId} to the key pair, valid from now for the
     * given duration; replaced by the consortium CA's certificate at provisioning.
     */
    public static X509Certificate selfSigned(KeyPair pair, String deviceId, CoseAlgorithm alg,
            java.security.Provider signingProvider, Duration validity) throws SigningException {
        try {
            Instant now = Instant.now();
            X500Name name = deviceName(deviceId);
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name,
                    new BigInteger(64, new SecureRandom()).setBit(63), Date.from(now.minusSeconds(60)),
                    Date.from(now.plus(validity)), name, pair.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            JcaContentSignerBuilder sb = new JcaContentSignerBuilder(signatureAlgorithm(alg));
            if (signingProvider != null) {
                sb.setProvider(signingProvider);
            }
            ContentSigner signer = sb.build(pair.getPrivate());
            return new JcaX509CertificateConverter().getCertificate(b.build(signer));
        } catch (Exception e) {
            throw new SigningException("cannot create a certificate for device " + deviceId + ": " + e.getMessage(), e);
        }
    }
}
