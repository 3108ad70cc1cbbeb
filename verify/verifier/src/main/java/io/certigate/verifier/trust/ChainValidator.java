package io.certigate.verifier.trust;

import io.certigate.signing.Csr;
import io.certigate.signing.SigningException;
import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;

/**
 * Validates a device certificate chain up to the consortium root with the JDK's PKIX
 * {@link CertPathValidator} (RFC 5280 §6) at a given time, then checks that the leaf is a device
 * certificate (digitalSignature only, not a CA) and reads the device identity from it. Revocation
 * is the ledger registry's job, not CRLs: PKIX revocation checking is off.
 */
public final class ChainValidator {
    private final X509Certificate root;

    public ChainValidator(X509Certificate root) {
        this.root = root;
    }

    /** @param chain leaf first; the root itself may be included at the end or left out */
    public Csr.Identity validate(List<X509Certificate> chain, Instant at) throws TrustException {
        if (chain.isEmpty()) {
            throw new TrustException("empty certificate chain");
        }
        X509Certificate leaf = chain.get(0);
        String who = leaf.getSubjectX500Principal().getName();
        validatePath(chain, root, at);
        if (leaf.getBasicConstraints() >= 0) {
            throw new TrustException(who + " is a CA certificate, not a device certificate");
        }
        boolean[] ku = leaf.getKeyUsage();
        if (ku == null || !ku[0] || countTrue(ku) != 1) {
            throw new TrustException(who + " is not restricted to digitalSignature");
        }
        return identity(leaf);
    }

    /**
     * Validates {@code chain} (leaf first; the root at its end or left out) up to {@code root} at
     * {@code at} with PKIX, revocation checking off, and nothing about the leaf's profile: what a
     * device certificate and a consent party's certificate share.
     */
    public static void validatePath(List<X509Certificate> chain, X509Certificate root, Instant at) throws TrustException {
        if (chain.isEmpty()) {
            throw new TrustException("empty certificate chain");
        }
        List<X509Certificate> path = chain.get(chain.size() - 1).equals(root) ? chain.subList(0, chain.size() - 1) : chain;
        String who = chain.get(0).getSubjectX500Principal().getName();
        try {
            CertPath cp = CertificateFactory.getInstance("X.509").generateCertPath(path);
            PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
            params.setRevocationEnabled(false);
            params.setDate(Date.from(at));
            CertPathValidator.getInstance("PKIX").validate(cp, params);
        } catch (CertPathValidatorException e) {
            throw new TrustException("certificate chain of " + who + " does not validate up to the consortium root"
                    + " at " + at + ": " + reason(e), e);
        } catch (GeneralSecurityException e) {
            throw new TrustException("certificate chain of " + who + " cannot be checked: " + e.getMessage(), e);
        }
    }

    /** The device identity written in a device certificate. */
    public static Csr.Identity identity(X509Certificate leaf) throws TrustException {
        try {
            JcaX509CertificateHolder h = new JcaX509CertificateHolder(leaf);
            return Csr.identityOf(X500Name.getInstance(h.getSubject()), h.getExtensions() == null ? null
                    : GeneralNames.fromExtensions(h.getExtensions(), Extension.subjectAlternativeName));
        } catch (SigningException | java.security.cert.CertificateEncodingException e) {
            throw new TrustException("certificate " + leaf.getSubjectX500Principal().getName()
                    + " carries no device identity: " + e.getMessage(), e);
        }
    }

    private static String reason(CertPathValidatorException e) {
        if (e.getReason() == CertPathValidatorException.BasicReason.EXPIRED) {
            return "certificate " + e.getIndex() + " of the chain has expired (" + e.getCause().getMessage() + ")";
        }
        if (e.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
            return "certificate " + e.getIndex() + " of the chain is not yet valid (" + e.getCause().getMessage() + ")";
        }
        return e.getMessage() + " (" + e.getReason() + ")";
    }

    private static int countTrue(boolean[] a) {
        int n = 0;
        for (boolean b : a) {
            n += b ? 1 : 0;
        }
        return n;
    }
}
