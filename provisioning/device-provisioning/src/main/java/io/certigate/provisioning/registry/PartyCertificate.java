package io.certigate.provisioning.registry;

import io.certigate.provisioning.ca.ProvisioningException;
import io.certigate.signing.Csr;
import io.certigate.verifier.trust.ChainValidator;
import io.certigate.verifier.trust.TrustException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The certificate of a consent party (a data holder or a consumer, docs/consent.md "The parties"),
 * checked before the registrar binds it to a ledger account in the DeviceRegistry. A party's
 * certificate chains to the consortium root (PKIX, RFC 5280 §6, at the time of the check; the
 * registry, not CRLs, says what is revoked) and has the party profile: an end entity (not a CA),
 * key usage with digitalSignature, extended key usage with id-kp-clientAuth (the party presents it
 * as a TLS client certificate to the fleet tier's consumer API), and no certigate device identity
 * (a device certificate, as {@code certigate ca issue} makes one from a device's CSR, names a
 * device in its subjectAltName {@code urn:certigate:} URIs and is registered by
 * {@code certigate provision}, never as a party).
 *
 * <p>A party's id in the registry is {@code holder:<name>} or {@code consumer:<name>}
 * ({@link #ID}); it is stored hashed, as a device id is.
 */
public final class PartyCertificate {
    /** id-kp-clientAuth (RFC 5280 §4.2.1.12). */
    public static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    /** A party id: its role, then a name. */
    public static final Pattern ID = Pattern.compile("(holder|consumer):[A-Za-z0-9._-]{1,64}");

    private PartyCertificate() {}

    /**
     * Checks that {@code presented} (the party's certificate first, then any intermediate CA
     * certificates) chains up to a root of {@code consortium} at {@code at} and that its first
     * certificate has the party profile.
     *
     * @param consortium the consortium CA's certificates: its root (self-signed), and optionally
     *                   its issuing CA certificates
     * @return the party's certificate
     * @throws ProvisioningException saying what is wrong, naming the certificate
     */
    public static X509Certificate check(List<X509Certificate> presented, Collection<X509Certificate> consortium,
            Instant at) throws ProvisioningException {
        if (presented.isEmpty()) {
            throw new ProvisioningException("no certificate given");
        }
        X509Certificate leaf = presented.get(0);
        String who = leaf.getSubjectX500Principal().getName();
        List<X509Certificate> roots = consortium.stream().filter(PartyCertificate::selfIssued).toList();
        if (roots.isEmpty()) {
            throw new ProvisioningException("the consortium CA file holds no root certificate (a self-issued one)");
        }
        List<X509Certificate> pool = new ArrayList<>(presented.subList(1, presented.size()));
        consortium.stream().filter(c -> !selfIssued(c)).forEach(pool::add);
        List<X509Certificate> chain = chainOf(leaf, pool);
        TrustException last = null;
        for (X509Certificate root : roots) {
            try {
                ChainValidator.validatePath(chain, root, at);
                last = null;
                break;
            } catch (TrustException e) {
                last = e;
            }
        }
        if (last != null) {
            throw new ProvisioningException("not a certificate of the consortium CA: " + last.getMessage(), last);
        }
        if (leaf.getBasicConstraints() >= 0) {
            throw new ProvisioningException(who + " is a CA certificate, not a party's");
        }
        String device = deviceIdentity(leaf);
        if (device != null) {
            throw new ProvisioningException(who + " is a device certificate (" + device + "), not a party's:"
                    + " a device's key is registered by 'certigate provision'");
        }
        boolean[] ku = leaf.getKeyUsage();
        if (ku == null || !ku[0]) {
            throw new ProvisioningException(who + " is not a party's certificate: its key usage lacks digitalSignature");
        }
        List<String> eku;
        try {
            eku = leaf.getExtendedKeyUsage();
        } catch (CertificateParsingException e) {
            throw new ProvisioningException(who + ": unreadable extended key usage: " + e.getMessage(), e);
        }
        if (eku == null || !eku.contains(CLIENT_AUTH)) {
            throw new ProvisioningException(who + " is not a party's certificate: its extended key usage lacks"
                    + " clientAuth, so the consumer API could not authenticate the party with it");
        }
        return leaf;
    }

    /** The party id a certificate names by default: its subject's CN, when that is a party id. */
    public static String defaultId(X509Certificate cert) {
        org.bouncycastle.asn1.x500.RDN[] cn = org.bouncycastle.asn1.x500.X500Name.getInstance(
                cert.getSubjectX500Principal().getEncoded()).getRDNs(org.bouncycastle.asn1.x500.style.BCStyle.CN);
        if (cn.length != 1 || cn[0].isMultiValued()) {
            return null;
        }
        String id = org.bouncycastle.asn1.x500.style.IETFUtils.valueToString(cn[0].getFirst().getValue());
        return ID.matcher(id).matches() ? id : null;
    }

    /** Checks a party id; throws saying what it must look like. */
    public static String checkId(String id) throws ProvisioningException {
        if (id == null || !ID.matcher(id).matches()) {
            throw new ProvisioningException("party id '" + id + "' must be holder:<name> or consumer:<name>"
                    + " (name: letters, digits, '.', '_', '-'; 64 at most)");
        }
        return id;
    }

    /** The device a certificate's subjectAltName URIs name, or null when it names none. */
    private static String deviceIdentity(X509Certificate cert) throws ProvisioningException {
        try {
            if (cert.getSubjectAlternativeNames() == null) {
                return null;
            }
            for (List<?> name : cert.getSubjectAlternativeNames()) {
                if (Integer.valueOf(6).equals(name.get(0)) && name.get(1) instanceof String uri
                        && uri.startsWith(Csr.URN)) {
                    return uri;
                }
            }
            return null;
        } catch (CertificateParsingException e) {
            throw new ProvisioningException(cert.getSubjectX500Principal().getName()
                    + ": unreadable subjectAltName: " + e.getMessage(), e);
        }
    }

    /** {@code leaf} followed by its issuers found in {@code pool}, as far as they go. */
    private static List<X509Certificate> chainOf(X509Certificate leaf, List<X509Certificate> pool) {
        List<X509Certificate> chain = new ArrayList<>(List.of(leaf));
        X509Certificate at = leaf;
        while (!selfIssued(at) && chain.size() <= pool.size()) {
            X509Certificate current = at;
            X509Certificate issuer = pool.stream().filter(c -> !chain.contains(c)
                    && c.getSubjectX500Principal().equals(current.getIssuerX500Principal())).findFirst().orElse(null);
            if (issuer == null) {
                break;
            }
            chain.add(issuer);
            at = issuer;
        }
        return chain;
    }

    private static boolean selfIssued(X509Certificate c) {
        return c.getSubjectX500Principal().equals(c.getIssuerX500Principal());
    }
}
