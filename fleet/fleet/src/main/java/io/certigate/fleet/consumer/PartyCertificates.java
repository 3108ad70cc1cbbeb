package io.certigate.fleet.consumer;

import io.certigate.verifier.ledger.LedgerException;
import io.certigate.verifier.ledger.LedgerReader;
import io.certigate.verifier.ledger.RegistryAbi;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Locale;
import org.web3j.utils.Numeric;

/**
 * Maps a client certificate of the consortium CA to the ledger account of the party (consumer or
 * holder) it belongs to, through the {@code DeviceRegistry} that the consent registry is bound to.
 * The registrar registers a party as it registers a device: its entry is keyed by the SHA-256 of
 * the certificate's public key (SubjectPublicKeyInfo DER) and holds the SHA-256 of the certificate
 * (DER) and the party's account. A certificate maps to that account when the entry of its key
 * exists, names exactly this certificate's hash, and is neither revoked nor superseded by a newer
 * key; otherwise it maps to none and the request is refused ({@link Refusal#UNKNOWN_CERTIFICATE}).
 */
public final class PartyCertificates {
    /** A certificate's party: its account (lower-case 0x-hex) or why it has none. */
    public record Party(String account, String refusal) {
        public boolean known() {
            return account != null;
        }
    }

    private final LedgerReader ledger;
    private final String registry;

    /** @param registry the DeviceRegistry's address (the consent registry's {@code registry()}) */
    public PartyCertificates(LedgerReader ledger, String registry) {
        this.ledger = ledger;
        this.registry = LedgerReader.checkAddress(registry);
    }

    public Party partyOf(X509Certificate cert) throws LedgerException {
        byte[] keyHash = RegistryAbi.keyHash(cert.getPublicKey());
        String hex = ledger.callContract(registry, RegistryAbi.encodeEntries(keyHash));
        byte[] out = hex == null || hex.equals("0x") ? new byte[0] : Numeric.hexStringToByteArray(hex);
        if (out.length != 6 * 32 || word(out, 3).signum() == 0) {
            return new Party(null, "the certificate's key " + Numeric.toHexString(keyHash)
                    + " is not registered in the device registry " + registry);
        }
        if (!Arrays.equals(Arrays.copyOfRange(out, 32, 64), certHash(cert))) {
            return new Party(null, "the device registry's entry of the certificate's key names another certificate");
        }
        if (word(out, 5).signum() != 0) {
            return new Party(null, "the party's registration was revoked at block " + word(out, 5));
        }
        if (word(out, 4).signum() != 0) {
            return new Party(null, "the certificate's key was replaced by a newer one at block " + word(out, 4));
        }
        String account = Numeric.toHexStringWithPrefixZeroPadded(new BigInteger(1, Arrays.copyOfRange(out, 76, 96)), 40);
        return new Party(account.toLowerCase(Locale.ROOT), null);
    }

    /** SHA-256 of the certificate's DER: the {@code certHash} a party is registered with. */
    public static byte[] certHash(X509Certificate cert) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot hash the certificate: " + e.getMessage(), e);
        }
    }

    private static BigInteger word(byte[] words, int i) {
        return new BigInteger(1, Arrays.copyOfRange(words, i * 32, i * 32 + 32));
    }
}
