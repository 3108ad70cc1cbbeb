package io.certigate.verifier.proof;

import io.certigate.signing.CoseException;
import io.certigate.signing.CoseSign1;
import io.certigate.signing.KeyIds;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Which of a device's certificate chains goes into a proof bundle. */
public final class CertificateChains {
    private CertificateChains() {}

    /**
     * The chain among {@code chains} (a device's, oldest first) whose leaf key has the key id the
     * record {@code cose} carries; the newest one if none matches, empty if there is none.
     */
    public static List<X509Certificate> forRecord(List<List<X509Certificate>> chains, byte[] cose)
            throws CoseException {
        return ofSigningKey(chains, cose).orElse(chains.isEmpty() ? List.of() : chains.get(chains.size() - 1));
    }

    /** The chain among {@code chains} whose leaf key has the key id the record {@code cose} carries, if any. */
    public static Optional<List<X509Certificate>> ofSigningKey(List<List<X509Certificate>> chains, byte[] cose)
            throws CoseException {
        byte[] kid = CoseSign1.parse(cose).keyId();
        for (List<X509Certificate> c : chains) {
            if (!c.isEmpty() && Arrays.equals(KeyIds.of(c.get(0).getPublicKey()), kid)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
