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
import io.certigate.verifier.ledger.AnchorAbi;
import io.certigate.verifier.ledger.DeviceRegistryReader;
import io.certigate.verifier.ledger.LedgerException;
import io.certigate.verifier.ledger.LedgerReader;
import io.certigate.verifier.ledger.RegistryAbi;
import io.certigate.verifier.merkle.InclusionVerifier;
import io.certigate.verifier.merkle.MerkleHash;
import io.certigate.verifier.proof.ProofBundle;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The trust half of verifying a proof bundle (the cryptographic half, signatures, inclusion and
 * anchors, is {@link io.certigate.verifier.proof.BundleVerifier}). For each record:
 * <ul>
 * <li>it is signed by the certified key and included under its batch's root (RFC 9162 audit path),
 * and that root is held by the anchor contract the verifier pins (never the one the bundle names),
 * which gives the anchoring block; the block's time comes from the ledger;</li>
 * <li>the certificate chain validates up to the consortium root ({@link ChainValidator}, RFC 5280
 * §6) both at the anchoring block's time and at the reading's own time {@code t}, and names the
 * bundle's device: a device cannot pick the time its certificate is checked at by backdating a
 * reading;</li>
 * <li>the reading's time is no later than the anchoring block's time plus
 * {@link #READING_AFTER_BLOCK_TOLERANCE} (a reading cannot exist after the block that proves it
 * existed; the tolerance absorbs clock skew between a device and the validators);</li>
 * <li>the device key was ACTIVE in the ledger's DeviceRegistry at the anchoring block: what was
 * anchored before the key's rotation or revocation stays valid, anything anchored at or after the
 * block that superseded or revoked it fails.</li>
 * </ul>
 * The bundle's own claims are not trusted: the root is the verifier's, the anchor contract the
 * verifier's, the blocks, their times and the key status the ledger's.
 */
public final class DeviceTrustVerifier {
    /**
     * How much later than its anchoring block's time a reading may be dated: 5 minutes, for the
     * clock skew between a device (GNSS, NTP or RTC time) and the ledger's validators.
     */
    public static final Duration READING_AFTER_BLOCK_TOLERANCE = Duration.ofMinutes(5);

    private final X509Certificate root;
    private final DeviceRegistryReader registry;
    private final LedgerReader anchors;

    /**
     * @param consortiumRoot the root the verifier trusts
     * @param registry       the registry the verifier trusts
     * @param anchors        a reader whose {@link LedgerReader#contract()} is the anchor contract the
     *                       verifier pins; roots are looked up there, whatever the bundle names
     */
    public DeviceTrustVerifier(X509Certificate consortiumRoot, DeviceRegistryReader registry, LedgerReader anchors) {
        this.root = consortiumRoot;
        this.registry = registry;
        this.anchors = anchors;
    }

    /** Where and when a batch root was anchored, or why that is not known. */
    private record Anchoring(long block, Instant time, String failure) {}

    /** One check per record (or one failed check when the bundle carries no certificate). */
    public Verdict verify(ProofBundle bundle) {
        List<Check> out = new ArrayList<>();
        List<X509Certificate> chain = bundle.certificateChain();
        if (chain.isEmpty()) {
            out.add(Check.fail("certificate chain", "the bundle carries no device certificate"));
            return Verdict.of(out);
        }
        PublicKey key = chain.get(0).getPublicKey();
        Map<Integer, Anchoring> anchorings = new HashMap<>();
        Map<Long, RegistryAbi.Status> statusAt = new HashMap<>();
        for (ProofBundle.Entry e : bundle.records()) {
            out.add(check(bundle, e, chain, key, anchorings, statusAt));
        }
        return Verdict.of(out);
    }

    private Check check(ProofBundle bundle, ProofBundle.Entry e, List<X509Certificate> chain, PublicKey key,
            Map<Integer, Anchoring> anchorings, Map<Long, RegistryAbi.Status> statusAt) {
        String subject = "record " + e.seq();
        ChainedReading reading;
        try {
            reading = ReadingCodec.decode(CoseSign1.verify(e.cose(), key, KeyIds.of(key)));
        } catch (CoseException | RecordFormatException ex) {
            return new Check(subject, e.seq(), false, "not signed by the certified device key: " + ex.getMessage());
        }
        ProofBundle.Anchor anchor = bundle.anchors().get(e.anchor());
        String notIncluded = inclusion(e, anchor);
        if (notIncluded != null) {
            return new Check(subject, e.seq(), false, notIncluded);
        }
        Anchoring at = anchorings.computeIfAbsent(e.anchor(), i -> anchoring(bundle.device(), anchor));
        if (at.failure() != null) {
            return new Check(subject, e.seq(), false, at.failure());
        }
        Instant signedAt = Instant.ofEpochMilli(reading.reading().observedAtMillis());
        Csr.Identity id;
        try {
            id = new ChainValidator(root).validate(chain, at.time());
        } catch (TrustException ex) {
            return new Check(subject, e.seq(), false, "at the anchoring block's time (block " + at.block() + "): "
                    + ex.getMessage());
        }
        try {
            new ChainValidator(root).validate(chain, signedAt);
        } catch (TrustException ex) {
            return new Check(subject, e.seq(), false, "at the reading's time: " + ex.getMessage());
        }
        if (signedAt.isAfter(at.time().plus(READING_AFTER_BLOCK_TOLERANCE))) {
            return new Check(subject, e.seq(), false, "the reading is dated " + signedAt + ", after its anchoring block "
                    + at.block() + " of " + at.time() + " by more than the tolerance of "
                    + READING_AFTER_BLOCK_TOLERANCE.toMinutes() + " minutes");
        }
        if (!id.deviceId().equals(reading.device()) || !id.deviceId().equals(bundle.device())) {
            return new Check(subject, e.seq(), false, "certificate names device " + id.deviceId() + ", record "
                    + reading.device() + ", bundle " + bundle.device());
        }
        RegistryAbi.Status status;
        try {
            status = statusAt.containsKey(at.block()) ? statusAt.get(at.block()) : registry.statusAt(key, at.block());
            statusAt.put(at.block(), status);
            if (!status.validForAnchoring()) {
                return new Check(subject, e.seq(), false, "device key " + name(status) + " in the registry at block "
                        + at.block() + why(status, registry.entry(key), at.block()));
            }
        } catch (LedgerException ex) {
            return new Check(subject, e.seq(), false, "registry status unknown: " + ex.getMessage());
        }
        return new Check(subject, e.seq(), true, "chain valid to the consortium root at the anchoring block's time "
                + at.time() + " and at the reading's time " + signedAt + "; device key " + name(status)
                + " in the registry at block " + at.block());
    }

    /** Why a key's status at {@code block} makes it invalid, with the block that made it so. */
    private static String why(RegistryAbi.Status status, RegistryAbi.KeyEntry entry, long block) {
        return switch (status) {
            case SUPERSEDED -> ": it was superseded by a key rotation in block " + entry.supersededIn()
                    + " and certifies only what was anchored before that block";
            case REVOKED -> ": it was revoked in block " + entry.revokedIn()
                    + " and certifies only what was anchored before that block";
            case UNKNOWN -> ": the key was not registered at that block";
            case ACTIVE -> "";
        };
    }

    /** Null if the record is the leaf its proof says under the anchor's root, otherwise why not. */
    private static String inclusion(ProofBundle.Entry e, ProofBundle.Anchor a) {
        if (e.seq() < a.firstSeq() || e.seq() > a.lastSeq()) {
            return "outside its anchor's range " + a.firstSeq() + ".." + a.lastSeq();
        }
        if (e.proof().leafIndex() != e.seq() - a.firstSeq() || e.proof().treeSize() != a.treeSize()) {
            return "leaf " + e.proof().leafIndex() + " of " + e.proof().treeSize() + " does not match seq " + e.seq()
                    + " in batch " + a.firstSeq() + ".." + a.lastSeq();
        }
        InclusionVerifier.Result r = InclusionVerifier.check(MerkleHash.leaf(e.cose()), e.proof(), a.root());
        return r.valid() ? null : "not included under its anchor's root: " + r.reason();
    }

    /** The block that anchored the root in the pinned contract, and that block's time. */
    private Anchoring anchoring(String device, ProofBundle.Anchor a) {
        if (!a.contract().equalsIgnoreCase(anchors.contract())) {
            return new Anchoring(0, null, "the bundle names anchor contract " + a.contract()
                    + ", but this verifier checks against anchor contract " + anchors.contract());
        }
        try {
            long block = anchors.blockOf(AnchorAbi.deviceKey(device), a.root());
            if (block == 0) {
                return new Anchoring(0, null, "anchor contract " + anchors.contract() + " does not hold the root");
            }
            if (block != a.blockNumber()) {
                return new Anchoring(0, null, "anchor contract " + anchors.contract() + " holds the root from block "
                        + block + ", the bundle says " + a.blockNumber());
            }
            return new Anchoring(block, anchors.blockTime(block), null);
        } catch (LedgerException ex) {
            return new Anchoring(0, null, "anchoring block unknown: " + ex.getMessage());
        }
    }

    private static String name(RegistryAbi.Status s) {
        return s.name().toLowerCase(Locale.ROOT);
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
