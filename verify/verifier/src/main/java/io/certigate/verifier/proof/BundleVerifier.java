package io.certigate.verifier.proof;

import io.certigate.core.model.ChainedReading;
import io.certigate.core.model.ReadingCodec;
import io.certigate.core.model.RecordFormatException;
import io.certigate.signing.CoseException;
import io.certigate.signing.CoseSign1;
import io.certigate.signing.KeyIds;
import io.certigate.verifier.Verdict.Check;
import io.certigate.verifier.Verdict;
import io.certigate.verifier.ledger.AnchorAbi;
import io.certigate.verifier.ledger.LedgerException;
import io.certigate.verifier.ledger.LedgerReader;
import io.certigate.verifier.merkle.InclusionVerifier;
import io.certigate.verifier.merkle.MerkleHash;
import io.certigate.verifier.receipt.LedgerReference;
import io.certigate.verifier.receipt.Receipt;
import io.certigate.verifier.receipt.ReceiptCodec;
import io.certigate.verifier.receipt.ReceiptFormatException;
import io.certigate.verifier.receipt.ReceiptVerifier;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * Verifies a proof bundle without the gateway: each record's COSE signature with the bundle's
 * device certificate, its device and seq, its inclusion in the anchored root, and (given a
 * JSON-RPC endpoint and the anchor contract the verifier pins) each anchor on chain: the bundle
 * must name that contract, then the node's chain id, the contract's block for the root, the
 * transaction receipt and its {@code Anchored} event. The contract is never taken from the bundle:
 * a bundle naming another contract fails, with both addresses named. Without an endpoint the
 * report says plainly that the chain was not checked.
 */
public final class BundleVerifier {
    /** What {@link #verify} leaves out when it runs without a ledger endpoint. */
    public static final String ANCHORS_ON_LEDGER = "anchors on the ledger";

    private BundleVerifier() {}

    /**
     * @param rpcUrl   a JSON-RPC endpoint of the ledger, or null to verify offline (the verdict then
     *                 names {@link #ANCHORS_ON_LEDGER} as not checked)
     * @param contract the {@code CertigateAnchor} contract the anchors must be in: the verifier's
     *                 own setting, required with {@code rpcUrl} (ignored offline)
     * @throws IllegalArgumentException {@code rpcUrl} without a well-formed {@code contract}
     */
    public static Verdict verify(ProofBundle bundle, String rpcUrl, String contract) {
        if (rpcUrl != null) {
            if (contract == null) {
                throw new IllegalArgumentException("checking anchors on the ledger needs the anchor contract to check"
                        + " against; it is never taken from the bundle");
            }
            LedgerReader.checkAddress(contract);
        }
        List<Check> checks = new ArrayList<>();
        PublicKey key = certificate(bundle, checks);
        byte[] device = AnchorAbi.deviceKey(bundle.device());
        for (ProofBundle.Entry e : bundle.records()) {
            checks.add(record(bundle, e, key));
            if (e.receipt() != null) {
                checks.add(receipt(bundle, e, key));
            }
        }
        if (rpcUrl != null) {
            for (int i = 0; i < bundle.anchors().size(); i++) {
                checks.addAll(onChain(rpcUrl, contract, i, bundle.anchors().get(i), device));
            }
        }
        return new Verdict(checks, rpcUrl != null ? List.of() : List.of(ANCHORS_ON_LEDGER));
    }

    /** The text {@code certigate proof verify} prints: one line per check, then the conclusion. */
    public static String render(Verdict v) {
        StringBuilder sb = new StringBuilder();
        for (Check c : v.checks()) {
            sb.append(c.ok() ? "ok    " : "FAIL  ").append(c.subject()).append(": ").append(c.detail()).append('\n');
        }
        boolean chainChecked = v.notChecked().isEmpty();
        if (!chainChecked) {
            sb.append("OFFLINE: the anchors were NOT checked on the ledger; only signatures and Merkle inclusion were verified\n");
        }
        sb.append(v.valid() ? (chainChecked ? "VALID (signatures, inclusion and on-chain anchors)"
                : "VALID OFFLINE ONLY (signatures and inclusion; anchors not checked)") : "INVALID").append('\n');
        return sb.toString();
    }

    private static PublicKey certificate(ProofBundle b, List<Check> checks) {
        if (b.certificateChain().isEmpty()) {
            checks.add(Check.fail("certificate", "the bundle holds no device certificate"));
            return null;
        }
        List<X509Certificate> chain = b.certificateChain();
        for (int i = 0; i + 1 < chain.size(); i++) {
            try {
                chain.get(i).verify(chain.get(i + 1).getPublicKey());
            } catch (GeneralSecurityException e) {
                checks.add(Check.fail("certificate", "certificate " + i + " is not signed by certificate " + (i + 1)));
                return null;
            }
        }
        checks.add(Check.pass("certificate", chain.get(0).getSubjectX500Principal().getName() + " issued by "
                + chain.get(chain.size() - 1).getIssuerX500Principal().getName()
                + " (chain of " + chain.size() + "; trust in the issuing CA is the verifier's decision)"));
        return chain.get(0).getPublicKey();
    }

    private static Check record(ProofBundle b, ProofBundle.Entry e, PublicKey key) {
        String subject = "record " + e.seq();
        long seq = e.seq();
        if (key == null) {
            return new Check(subject, seq, false, "no usable device key");
        }
        ChainedReading reading;
        try {
            reading = ReadingCodec.decode(CoseSign1.verify(e.cose(), key, KeyIds.of(key)));
        } catch (CoseException | RecordFormatException ex) {
            return new Check(subject, seq, false, "signature or payload rejected: " + ex.getMessage());
        }
        if (!reading.device().equals(b.device()) || reading.seq() != e.seq()) {
            return new Check(subject, seq, false, "payload is " + reading.device() + " seq " + reading.seq());
        }
        ProofBundle.Anchor a = b.anchors().get(e.anchor());
        if (e.seq() < a.firstSeq() || e.seq() > a.lastSeq()) {
            return new Check(subject, seq, false, "outside its anchor's range " + a.firstSeq() + ".." + a.lastSeq());
        }
        if (e.proof().leafIndex() != e.seq() - a.firstSeq() || e.proof().treeSize() != a.treeSize()) {
            return new Check(subject, seq, false, "leaf " + e.proof().leafIndex() + " of " + e.proof().treeSize()
                    + " does not match seq " + e.seq() + " in batch " + a.firstSeq() + ".." + a.lastSeq());
        }
        InclusionVerifier.Result r = InclusionVerifier.check(MerkleHash.leaf(e.cose()), e.proof(), a.root());
        if (!r.valid()) {
            return new Check(subject, seq, false, r.reason());
        }
        return new Check(subject, seq, true, "signed by the device, leaf " + e.proof().leafIndex() + " of "
                + e.proof().treeSize() + " under root " + hex(a.root()).substring(0, 18) + "…");
    }

    /**
     * The record's RFC 9942 receipt: signed by the bundle's certified key (direct mode: the device
     * key that anchored), its inclusion proof giving the anchored root for this record's leaf, and
     * its signed ledger reference the anchor's (which {@link #onChain} checks on the ledger).
     */
    private static Check receipt(ProofBundle b, ProofBundle.Entry e, PublicKey key) {
        String subject = "receipt " + e.seq();
        if (key == null) {
            return new Check(subject, e.seq(), false, "no usable key to check the receipt's signature");
        }
        Receipt r;
        try {
            r = ReceiptCodec.parse(e.receipt());
        } catch (ReceiptFormatException ex) {
            return new Check(subject, e.seq(), false, ex.getMessage());
        }
        ReceiptVerifier.Result v = ReceiptVerifier.verify(r, e.cose(), key);
        if (!v.valid()) {
            return new Check(subject, e.seq(), false, v.reason());
        }
        ProofBundle.Anchor a = b.anchors().get(e.anchor());
        if (!Arrays.equals(v.root(), a.root())) {
            return new Check(subject, e.seq(), false, "the receipt proves root " + hex(v.root()).substring(0, 18)
                    + "…, not the anchored root " + hex(a.root()).substring(0, 18) + "…");
        }
        if (r.proof().leafIndex() != e.seq() - a.firstSeq() || r.proof().treeSize() != a.treeSize()) {
            return new Check(subject, e.seq(), false, "the receipt's leaf " + r.proof().leafIndex() + " of "
                    + r.proof().treeSize() + " is not seq " + e.seq() + " in batch " + a.firstSeq() + ".." + a.lastSeq());
        }
        LedgerReference ref = r.ledger();
        if (ref.chainId() != a.chainId() || !ref.contract().equalsIgnoreCase(a.contract())
                || !ref.txHash().equalsIgnoreCase(a.txHash()) || ref.blockNumber() != a.blockNumber()) {
            return new Check(subject, e.seq(), false, "the receipt's ledger reference (chain " + ref.chainId()
                    + ", contract " + ref.contract() + ", tx " + ref.txHash() + ", block " + ref.blockNumber()
                    + ") is not the bundle's anchor");
        }
        return new Check(subject, e.seq(), true, "RFC 9942 receipt: " + v.reason() + " by the device key, anchored in"
                + " block " + ref.blockNumber() + " (tx " + ref.txHash() + ")");
    }

    private static List<Check> onChain(String rpcUrl, String contract, int index, ProofBundle.Anchor a, byte[] device) {
        List<Check> out = new ArrayList<>();
        String subject = "anchor " + index + " (seq " + a.firstSeq() + ".." + a.lastSeq() + ")";
        if (!contract.equalsIgnoreCase(a.contract())) {
            out.add(Check.fail(subject, "the bundle names anchor contract " + a.contract() + ", but this verifier checks"
                    + " against anchor contract " + contract));
            return out;
        }
        LedgerReader ledger;
        try {
            LedgerReader.checkRpcUrl(rpcUrl);
            if (a.chainId() <= 0) {
                throw new IllegalArgumentException("chain id must be positive");
            }
            ledger = LedgerReader.connect(rpcUrl, contract);
        } catch (IllegalArgumentException e) {
            out.add(Check.fail(subject, e.getMessage()));
            return out;
        }
        try (LedgerReader c = ledger) {
            long chainId = c.chainId();
            if (chainId != a.chainId()) {
                out.add(Check.fail(subject, "the node is on chain " + chainId + ", the anchor on " + a.chainId()));
                return out;
            }
            long block = c.blockOf(device, a.root());
            if (block != a.blockNumber()) {
                out.add(Check.fail(subject, block == 0 ? "the contract does not hold this root for this device"
                        : "the contract holds the root from block " + block + ", not " + a.blockNumber()));
                return out;
            }
            Optional<TransactionReceipt> receipt = c.receipt(a.txHash());
            if (receipt.isEmpty() || !receipt.get().isStatusOK()
                    || receipt.get().getBlockNumber().longValueExact() != a.blockNumber()
                    || !a.contract().equalsIgnoreCase(receipt.get().getTo())) {
                out.add(Check.fail(subject, "transaction " + a.txHash() + " is missing, failed, or not a call to "
                        + a.contract() + " in block " + a.blockNumber()));
                return out;
            }
            if (!hasEvent(receipt.get(), a, device)) {
                out.add(Check.fail(subject, "transaction " + a.txHash() + " has no Anchored event for this root, "
                        + "device and seq range"));
                return out;
            }
            long depth = c.blockNumber() - a.blockNumber();
            out.add(Check.pass(subject, "root in block " + a.blockNumber() + " of chain " + chainId + " (contract "
                    + a.contract() + ", tx " + a.txHash() + ", " + depth + " blocks on top)"));
        } catch (LedgerException e) {
            out.add(Check.fail(subject, "ledger check failed: " + e.getMessage()));
        }
        return out;
    }

    private static boolean hasEvent(TransactionReceipt r, ProofBundle.Anchor a, byte[] device) {
        for (Log log : r.getLogs()) {
            Optional<AnchorAbi.AnchoredEvent> e = AnchorAbi.decode(log);
            if (e.isPresent() && e.get().contract().equals(a.contract().toLowerCase(Locale.ROOT))
                    && Arrays.equals(e.get().root(), a.root()) && Arrays.equals(e.get().device(), device)
                    && e.get().firstSeq() == a.firstSeq() && e.get().lastSeq() == a.lastSeq()) {
                return true;
            }
        }
        return false;
    }

    private static String hex(byte[] b) {
        return "0x" + java.util.HexFormat.of().formatHex(b);
    }
}
