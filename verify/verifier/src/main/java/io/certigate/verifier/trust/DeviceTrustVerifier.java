package io.certigate.verifier.trust;

import io.certigate.core.model.ChainedReading;
import io.certigate.core.model.ReadingCodec;
import io.certigate.core.model.RecordFormatException;
import io.certigate.signing.CoseException;
import io.certigate.signing.CoseSign1;
import io.certigate.signing.Csr;
import io.certigate.signing.KeyIds;
import io.certigate.verifier.Verdict.Check;
import io.certigate.verifier.Verdict;
import io.certigate.verifier.ledger.DeviceRegistryReader;
import io.certigate.verifier.ledger.LedgerException;
import io.certigate.verifier.ledger.RegistryAbi;
import io.certigate.verifier.proof.ProofBundle;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The trust half of verifying a proof bundle (the cryptographic half, signatures, inclusion and
 * anchors, is {@link io.certigate.verifier.proof.BundleVerifier}): each record's certificate chain
 * must validate up to the consortium root at the record's observation time and name the bundle's
 * device ({@link ChainValidator}, RFC 5280 §6), and the device key must have been registered and not
 * revoked in the ledger's DeviceRegistry at the block that anchored the record. Readings anchored
 * before a revocation stay valid; after it, they fail. The bundle's own claims are not trusted: the
 * root is the verifier's, the status the ledger's.
 */
public final class DeviceTrustVerifier {
    private final X509Certificate root;
    private final DeviceRegistryReader registry;

    public DeviceTrustVerifier(X509Certificate consortiumRoot, DeviceRegistryReader registry) {
        this.root = consortiumRoot;
        this.registry = registry;
    }

    /** One check per record (or one failed check when the bundle carries no certificate). */
    public Verdict verify(ProofBundle bundle) {
        List<Check> out = new ArrayList<>();
        List<X509Certificate> chain = bundle.certificateChain();
        if (chain.isEmpty()) {
            out.add(Check.fail("certificate chain", "the bundle carries no device certificate"));
            return Verdict.of(out);
        }
        PublicKey key = chain.get(0).getPublicKey();
        Map<Integer, RegistryAbi.Status> statusOfAnchor = new HashMap<>();
        for (ProofBundle.Entry e : bundle.records()) {
            String subject = "record " + e.seq();
            ChainedReading reading;
            try {
                reading = ReadingCodec.decode(CoseSign1.verify(e.cose(), key, KeyIds.of(key)));
            } catch (CoseException | RecordFormatException ex) {
                out.add(new Check(subject, e.seq(), false, "not signed by the certified device key: " + ex.getMessage()));
                continue;
            }
            Instant signedAt = Instant.ofEpochMilli(reading.reading().observedAtMillis());
            try {
                Csr.Identity id = new ChainValidator(root).validate(chain, signedAt);
                if (!id.deviceId().equals(reading.device()) || !id.deviceId().equals(bundle.device())) {
                    out.add(new Check(subject, e.seq(), false, "certificate names device " + id.deviceId() + ", record "
                            + reading.device() + ", bundle " + bundle.device()));
                    continue;
                }
            } catch (TrustException ex) {
                out.add(new Check(subject, e.seq(), false, ex.getMessage()));
                continue;
            }
            ProofBundle.Anchor anchor = bundle.anchors().get(e.anchor());
            RegistryAbi.Status status;
            try {
                status = statusOfAnchor.containsKey(e.anchor()) ? statusOfAnchor.get(e.anchor())
                        : registry.statusAt(key, anchor.blockNumber());
                statusOfAnchor.put(e.anchor(), status);
            } catch (LedgerException ex) {
                out.add(new Check(subject, e.seq(), false, "registry status unknown: " + ex.getMessage()));
                continue;
            }
            out.add(new Check(subject, e.seq(), status.validForAnchoring(), "chain valid to the consortium root at "
                    + signedAt + "; device key " + status.name().toLowerCase(Locale.ROOT) + " in the registry at block "
                    + anchor.blockNumber()));
        }
        return Verdict.of(out);
    }

    /** The text {@code certigate trust} prints: one line per check, then the conclusion. */
    public static String render(Verdict v) {
        StringBuilder b = new StringBuilder();
        for (Check c : v.checks()) {
            b.append(c.ok() ? "ok   " : "FAIL ").append(c.subject()).append(": ").append(c.detail()).append('\n');
        }
        b.append(v.valid() ? "device trust: verified\n" : "device trust: NOT verified\n");
        return b.toString();
    }
}
