package io.certigate.verifier;

import io.certigate.core.model.ChainedReading;
import io.certigate.core.model.ReadingCodec;
import io.certigate.core.model.RecordFormatException;
import io.certigate.signing.CoseException;
import io.certigate.signing.CoseSign1;
import io.certigate.signing.KeyIds;
import io.certigate.signing.SignatureVerifier;
import io.certigate.verifier.Verdict.Check;
import io.certigate.core.model.StoredRecord;
import io.certigate.verifier.chain.ChainVerifier;
import io.certigate.verifier.completeness.CompletenessCheck;
import io.certigate.verifier.completeness.LedgerHistory;
import io.certigate.verifier.completeness.SeqRange;
import io.certigate.verifier.chain.EntryObserver;
import io.certigate.verifier.chain.VerificationReport;
import io.certigate.verifier.export.EntrySource;
import io.certigate.verifier.export.ExportFile;
import io.certigate.verifier.export.ExportFormatException;
import io.certigate.verifier.export.ExportReader;
import io.certigate.verifier.ledger.DeviceRegistryReader;
import io.certigate.verifier.ledger.LedgerException;
import io.certigate.verifier.ledger.LedgerReader;
import io.certigate.verifier.proof.BundleVerifier;
import io.certigate.verifier.proof.ProofBundle;
import io.certigate.verifier.receipt.ReceiptVerifier;
import io.certigate.verifier.statement.StatementChainVerifier;
import io.certigate.verifier.trust.ChainValidator;
import io.certigate.verifier.trust.DeviceTrustVerifier;
import io.certigate.verifier.trust.ExportTrustCheck;
import io.certigate.verifier.trust.TrustException;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Collection;
import java.util.concurrent.Executor;

/**
 * The verifier's entry points, one per thing a party that does not trust the gateway is handed:
 * an export (its chain), a proof bundle (signatures, Merkle inclusion, anchors on the ledger), a
 * proof bundle's device trust (certificate chain to the consortium root, registry status), and a
 * single record as a collector receives it. The CLI's {@code verify}, {@code report},
 * {@code trust} and {@code proof verify} and the fleet's collector all call these, so they agree by
 * construction.
 */
public final class Verifier {
    private final SignatureVerifier signatures;
    private final Executor parallel;
    private final int threads;

    /** A verifier checking signatures with Bouncy Castle, on the caller's thread. */
    public Verifier() {
        this(SignatureVerifier.BOUNCY_CASTLE);
    }

    public Verifier(SignatureVerifier signatures) {
        this(signatures, null, 1);
    }

    /**
     * A verifier checking a chain's signatures on {@code parallel}, which runs {@code threads}
     * threads (null: on the caller's thread); see {@link ChainVerifier}.
     */
    public Verifier(SignatureVerifier signatures, Executor parallel, int threads) {
        this.signatures = signatures;
        this.parallel = parallel;
        this.threads = threads;
    }

    /**
     * An export's records: signatures with the export's device keys, seq continuity, the prev-hash
     * chain; hash-only entries outside the export's selection link the chain without being reported.
     * The report's {@link VerificationReport#verdict()} is the verdict.
     */
    public VerificationReport export(ExportFile.Contents c) {
        return new ChainVerifier(c.device(), c.keys(), signatures, parallel, threads).verify(c.records(), c.omitted());
    }

    /**
     * An export read as a stream, in constant memory: the same checks as {@link #export(ExportFile.Contents)}
     * with the keys the file carries, each checked entry handed to {@code observer} in seq order.
     *
     * @throws ExportFormatException the file turned out unreadable part way
     */
    public VerificationReport export(ExportReader export, EntryObserver observer)
            throws ExportFormatException, InterruptedException {
        return chain(export.device(), export.keys(), export, observer);
    }

    /** A device's entries from any ordered source (an export, a buffer) with the given keys; see {@link ChainVerifier}. */
    public VerificationReport chain(String device, Collection<PublicKey> keys, EntrySource entries, EntryObserver observer)
            throws ExportFormatException, InterruptedException {
        return new ChainVerifier(device, keys, signatures, parallel, threads).verify(entries, observer);
    }

    /**
     * An export's completeness against the device's anchored history on the ledger: each anchored
     * batch root recomputed from the export's leaves, the ranges covered, the records missing, the
     * history past the export's end; see {@link CompletenessCheck}. {@code entries} are read once, in order.
     *
     * @param range the range the user asked for, or null for the whole history
     */
    public Verdict completeness(LedgerHistory history, SeqRange range, Iterable<StoredRecord> entries) {
        CompletenessCheck check = new CompletenessCheck(history, range);
        entries.forEach(check::accept);
        return check.finish();
    }

    /**
     * Which of an export's keys are trusted: with {@code root}, through the certificate chain the file
     * carries for each key, validated to that root; with {@code registry}, the key's status at each
     * anchoring block of {@code history}. Without a root, a verdict that says the keys are the file's own.
     */
    public Verdict exportTrust(ExportFile.Contents c, X509Certificate root, DeviceRegistryReader registry,
            LedgerHistory history) {
        ExportTrustCheck check = new ExportTrustCheck(c.device(), c.chainsByKey(), root, registry, history);
        c.records().forEach(check::accept);
        return check.finish();
    }

    /**
     * A proof bundle's certificate chain up to {@code root} at each record's time, without the
     * registry (its status is named as not checked): for a verifier given a trust root but no registry.
     */
    public Verdict bundleChainTrust(ProofBundle bundle, X509Certificate root) {
        List<Check> out = new ArrayList<>();
        List<X509Certificate> chain = bundle.certificateChain();
        if (chain.isEmpty()) {
            return Verdict.of(List.of(Check.fail("certificate chain", "UNTRUSTED: the bundle carries no device certificate")));
        }
        PublicKey key = chain.get(0).getPublicKey();
        for (ProofBundle.Entry e : bundle.records()) {
            String subject = "record " + e.seq();
            try {
                ChainedReading r = ReadingCodec.decode(CoseSign1.verify(e.cose(), key, KeyIds.of(key), signatures));
                Instant at = Instant.ofEpochMilli(r.reading().observedAtMillis());
                String id = new ChainValidator(root).validate(chain, at).deviceId();
                out.add(new Check(subject, e.seq(), id.equals(bundle.device()) && id.equals(r.device()), id.equals(bundle.device())
                        && id.equals(r.device()) ? "chain valid to the trust root at " + at
                        : "UNTRUSTED: certificate names device " + id + ", record " + r.device()));
            } catch (CoseException | RecordFormatException ex) {
                out.add(new Check(subject, e.seq(), false, "UNTRUSTED: not signed by the certified device key: " + ex.getMessage()));
            } catch (TrustException ex) {
                out.add(new Check(subject, e.seq(), false, "UNTRUSTED: " + ex.getMessage()));
            }
        }
        return new Verdict(out, List.of("registry status of the device key (give --registry with --rpc)"));
    }

    /**
     * The bundle's anchors against the anchor contract the user pinned: an anchor naming another
     * contract fails (the file's word on where it was anchored is not taken).
     */
    public static Verdict pinnedContract(ProofBundle bundle, String contract) {
        List<Check> out = new ArrayList<>();
        for (int i = 0; i < bundle.anchors().size(); i++) {
            ProofBundle.Anchor a = bundle.anchors().get(i);
            boolean same = a.contract().equalsIgnoreCase(contract);
            out.add(new Check("anchor " + i + " contract", 0, same, same ? "the pinned contract " + contract
                    : "names contract " + a.contract() + ", not the pinned contract " + contract));
        }
        return Verdict.of(out);
    }

    /**
     * A proof bundle's signatures and Merkle inclusion, and with {@code rpcUrl} (null: offline) its
     * anchors on chain in the anchor contract {@code contract} (the verifier's setting, required
     * with {@code rpcUrl}; a bundle naming another contract fails).
     */
    public Verdict proof(ProofBundle bundle, String rpcUrl, String contract) {
        return BundleVerifier.verify(bundle, rpcUrl, contract);
    }

    /**
     * An RFC 9942 receipt of inclusion for {@code entry} (a record's or a batch statement's COSE
     * bytes), signed by {@code anchoringKey}: the root it proves, or the reason it fails. Whether the
     * key is trusted and the root on the ledger at the receipt's ledger reference is the caller's.
     */
    public ReceiptVerifier.Result receipt(byte[] receipt, byte[] entry, PublicKey anchoringKey) {
        return ReceiptVerifier.verify(receipt, entry, anchoringKey);
    }

    /** A device's batch statements, oldest first from its first ({@link StatementChainVerifier}). */
    public Verdict statementChain(String device, List<byte[]> statements, PublicKey deviceKey) {
        return StatementChainVerifier.verify(device, statements, deviceKey);
    }

    /**
     * A proof bundle's device trust ({@link DeviceTrustVerifier}): each record's anchoring block
     * in the anchor contract {@code contract}, its certificate chain up to {@code root} at that
     * block's time and at the record's time, the record's time no later than the block's (within
     * {@link DeviceTrustVerifier#READING_AFTER_BLOCK_TOLERANCE}), and the key's status in the
     * registry at {@code registry} at the anchoring block. {@code root}, {@code registry} and
     * {@code contract} are the verifier's own settings, never the bundle's.
     *
     * @throws LedgerException the node cannot be reached or is on another chain than {@code chainId}
     */
    public Verdict deviceTrust(ProofBundle bundle, X509Certificate root, String rpcUrl, long chainId, String registry,
            String contract) throws LedgerException {
        LedgerReader.checkRpcUrl(rpcUrl);
        LedgerReader.checkAddress(registry);
        if (chainId <= 0) {
            throw new IllegalArgumentException("chain id must be positive");
        }
        try (LedgerReader ledger = LedgerReader.connect(rpcUrl, contract)) {
            ledger.checkChain(chainId);
            return new DeviceTrustVerifier(root, new DeviceRegistryReader(ledger, registry), ledger).verify(bundle);
        }
    }

    /**
     * One record of {@code device} as received (a collector's view): a COSE_Sign1 whose kid is
     * {@code key}'s, whose signature verifies with it, and whose payload is a Reading of that device.
     * The check's seq is the payload's when it could be read.
     */
    public Check record(String device, byte[] cose, PublicKey key) {
        Check signature = signature(device, cose, key);
        if (!signature.ok()) {
            return signature;
        }
        byte[] payload;
        try {
            payload = CoseSign1.parse(cose).payload();
        } catch (CoseException e) {
            return Check.fail("record of " + device, e.getMessage());
        }
        ChainedReading c;
        try {
            c = ReadingCodec.decode(payload);
        } catch (RecordFormatException e) {
            return Check.fail("record of " + device, "carries no valid Reading: " + e.getMessage());
        }
        if (!c.device().equals(device)) {
            return new Check("record " + c.seq(), c.seq(), false, "record of device " + c.device());
        }
        return new Check("record " + c.seq(), c.seq(), true, "signed by the device key");
    }

    /**
     * Only the signature of one record of {@code device}: a COSE_Sign1 whose kid is {@code key}'s
     * and whose signature verifies with it (RFC 9052 §4.4). The payload is not read.
     */
    public Check signature(String device, byte[] cose, PublicKey key) {
        try {
            CoseSign1.Parsed p = CoseSign1.parse(cose);
            if (!Arrays.equals(p.keyId(), KeyIds.of(key))) {
                return Check.fail("record of " + device, "signed by another key than the one given");
            }
            CoseSign1.verify(cose, key, p.keyId(), signatures);
            return Check.pass("record of " + device, "signature verifies with key " + java.util.HexFormat.of().formatHex(KeyIds.of(key)));
        } catch (CoseException e) {
            return Check.fail("record of " + device, e.getMessage());
        }
    }
}
