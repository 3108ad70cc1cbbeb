package io.certigate.provisioning.verify;

import io.certigate.anchor.ledger.LedgerException;
import io.certigate.anchor.proof.ProofBundle;
import io.certigate.core.model.ChainedReading;
import io.certigate.core.model.ReadingCodec;
import io.certigate.core.model.RecordFormatException;
import io.certigate.provisioning.ca.ChainValidator;
import io.certigate.provisioning.ca.ProvisioningException;
import io.certigate.provisioning.registry.DeviceRegistryClient;
import io.certigate.provisioning.registry.RegistryContract;
import io.certigate.signing.CoseException;
import io.certigate.signing.CoseSign1;
import io.certigate.signing.Csr;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The trust half of verifying a proof bundle (the cryptographic half, signatures, inclusion and
 * anchors, is anchor-client's BundleVerifier): each record's certificate chain must validate up to
 * the consortium root at the record's observation time and name the bundle's device, and the device
 * key must have been registered and not revoked in the ledger's DeviceRegistry at the block that
 * anchored the record. Readings anchored before a revocation stay valid; after it, they fail.
 */
public final class DeviceTrustVerifier {
    private final X509Certificate root;
    private final DeviceRegistryClient registry;

    /** One verdict about one subject of the bundle. */
    public record Finding(String subject, boolean ok, String detail) {}

    public record Report(List<Finding> findings) {
        public Report {
            findings = List.copyOf(findings);
        }

        public boolean valid() {
            return !findings.isEmpty() && findings.stream().allMatch(Finding::ok);
        }

        public String render() {
            StringBuilder b = new StringBuilder();
            for (Finding f : findings) {
                b.append(f.ok() ? "ok   " : "FAIL ").append(f.subject()).append(": ").append(f.detail()).append('\n');
            }
            b.append(valid() ? "device trust: verified\n" : "device trust: NOT verified\n");
            return b.toString();
        }
    }

    public DeviceTrustVerifier(X509Certificate consortiumRoot, DeviceRegistryClient registry) {
        this.root = consortiumRoot;
        this.registry = registry;
    }

    public Report verify(ProofBundle bundle) {
        List<Finding> out = new ArrayList<>();
        List<X509Certificate> chain = bundle.certificateChain();
        if (chain.isEmpty()) {
            out.add(new Finding("certificate chain", false, "the bundle carries no device certificate"));
            return new Report(out);
        }
        PublicKey key = chain.get(0).getPublicKey();
        Map<Integer, RegistryContract.Status> statusOfAnchor = new HashMap<>();
        for (ProofBundle.Entry e : bundle.records()) {
            String subject = "record " + e.seq();
            ChainedReading reading;
            try {
                reading = ReadingCodec.decode(CoseSign1.verify(e.cose(), key, io.certigate.signing.KeyIds.of(key)));
            } catch (CoseException | RecordFormatException ex) {
                out.add(new Finding(subject, false, "not signed by the certified device key: " + ex.getMessage()));
                continue;
            }
            Instant signedAt = Instant.ofEpochMilli(reading.reading().observedAtMillis());
            try {
                Csr.Identity id = new ChainValidator(root).validate(chain, signedAt);
                if (!id.deviceId().equals(reading.device()) || !id.deviceId().equals(bundle.device())) {
                    out.add(new Finding(subject, false, "certificate names device " + id.deviceId() + ", record "
                            + reading.device() + ", bundle " + bundle.device()));
                    continue;
                }
            } catch (ProvisioningException ex) {
                out.add(new Finding(subject, false, ex.getMessage()));
                continue;
            }
            ProofBundle.Anchor anchor = bundle.anchors().get(e.anchor());
            RegistryContract.Status status;
            try {
                status = statusOfAnchor.containsKey(e.anchor()) ? statusOfAnchor.get(e.anchor())
                        : registry.statusAt(key, anchor.blockNumber());
                statusOfAnchor.put(e.anchor(), status);
            } catch (LedgerException ex) {
                out.add(new Finding(subject, false, "registry status unknown: " + ex.getMessage()));
                continue;
            }
            out.add(new Finding(subject, status.validForAnchoring(), "chain valid to the consortium root at " + signedAt
                    + "; device key " + status.name().toLowerCase(java.util.Locale.ROOT) + " in the registry at block "
                    + anchor.blockNumber()));
        }
        return new Report(out);
    }
}
