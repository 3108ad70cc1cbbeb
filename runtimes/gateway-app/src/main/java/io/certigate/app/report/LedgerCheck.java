package io.certigate.app.report;

import io.certigate.anchor.batch.Batch;
import io.certigate.verifier.completeness.LedgerHistory;
import io.certigate.verifier.ledger.AnchorAbi;
import io.certigate.verifier.ledger.LedgerException;
import io.certigate.verifier.ledger.LedgerReader;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * The passport's {@link Ledger}: the anchoring transactions the gateway recorded (its buffer's
 * batches), each checked on chain when a node is given, or the device's anchored history read from
 * the chain (for an export, which carries no anchors). A check is: the node's chain id is the
 * batch's, the transaction's receipt exists and succeeded in the block claimed, was sent to the
 * contract, and emitted {@code Anchored} with the batch's root, device and range; the contract's
 * {@code blockOf(device, root)} names that block. Each anchor carries the time of its check.
 */
final class LedgerCheck {
    private static final HexFormat HEX = HexFormat.of();

    private LedgerCheck() {}

    /**
     * The gateway's batches of {@code device}, checked on {@code rpcUrl} (null: left as the gateway's claim)
     * through {@code node} when it reads the batches' anchor contract (else through a reader of its own).
     */
    static Ledger fromBatches(List<Batch> batches, String device, String rpcUrl, LedgerReader node, Clock clock)
            throws LedgerException {
        List<Ledger.Anchor> anchors = new ArrayList<>();
        Long chainId = null;
        String contract = null;
        for (Batch b : batches) {
            chainId = b.chainId() > 0 ? b.chainId() : chainId;
            contract = b.contract() != null ? b.contract() : contract;
        }
        if (rpcUrl == null || contract == null) {
            for (Batch b : batches) {
                anchors.add(new Ledger.Anchor(b.firstSeq(), b.lastSeq(), "0x" + HEX.formatHex(b.root()), b.txHash(),
                        b.state() == Batch.State.ANCHORED ? b.blockNumber() : -1, Ledger.Status.UNCHECKED, null,
                        b.state() == Batch.State.ANCHORED ? "" : "batch " + b.state().name().toLowerCase(Locale.ROOT)));
            }
            return new Ledger(chainId, contract, null, anchors,
                    rpcUrl == null ? "no --rpc given: the blocks shown come from the gateway's own buffer" : "");
        }
        boolean own = node == null || !contract.equalsIgnoreCase(node.contract());
        LedgerReader ledger = own ? LedgerReader.connect(rpcUrl, contract) : node;
        try {
            long nodeChain = ledger.chainId();
            for (Batch b : batches) {
                anchors.add(check(ledger, nodeChain, b, device, clock));
            }
            return new Ledger(nodeChain, contract, rpcUrl, anchors, "");
        } finally {
            if (own) {
                ledger.close();
            }
        }
    }

    private static Ledger.Anchor check(LedgerReader ledger, long node, Batch b, String device, Clock clock) throws LedgerException {
        String root = "0x" + HEX.formatHex(b.root());
        if (b.state() != Batch.State.ANCHORED || b.txHash() == null) {
            return new Ledger.Anchor(b.firstSeq(), b.lastSeq(), root, b.txHash(), -1, Ledger.Status.UNCHECKED, null,
                    "batch " + b.state().name().toLowerCase(Locale.ROOT) + ": not anchored yet");
        }
        String problem = null;
        long block = b.blockNumber();
        if (b.chainId() > 0 && b.chainId() != node) {
            problem = "the node is on chain " + node + ", the gateway anchored on chain " + b.chainId();
        }
        Optional<TransactionReceipt> receipt = problem == null ? ledger.receipt(b.txHash()) : Optional.empty();
        if (problem == null && receipt.isEmpty()) {
            problem = "the ledger does not know transaction " + b.txHash();
        }
        if (problem == null) {
            TransactionReceipt r = receipt.get();
            long mined = r.getBlockNumber().longValueExact();
            if (!r.isStatusOK()) {
                problem = "the transaction failed on chain";
            } else if (mined != b.blockNumber()) {
                problem = "mined in block " + mined + ", the gateway recorded block " + b.blockNumber();
                block = mined;
            } else if (r.getTo() == null || !r.getTo().equalsIgnoreCase(b.contract())) {
                problem = "sent to " + r.getTo() + ", not to the anchor contract";
            } else if (!emits(r.getLogs(), b, device)) {
                problem = "no Anchored event for this root, device and seq " + b.firstSeq() + ".." + b.lastSeq();
            } else if (ledger.blockOf(AnchorAbi.deviceKey(device), b.root()) != mined) {
                problem = "the contract does not hold the root at block " + mined;
            }
        }
        return new Ledger.Anchor(b.firstSeq(), b.lastSeq(), root, b.txHash(), block,
                problem == null ? Ledger.Status.CONFIRMED : Ledger.Status.FAILED, clock.instant(),
                problem == null ? "receipt succeeded in this block, Anchored event and contract record match" : problem);
    }

    private static boolean emits(List<Log> logs, Batch b, String device) {
        byte[] dev = AnchorAbi.deviceKey(device);
        for (Log l : logs) {
            Optional<AnchorAbi.AnchoredEvent> e = AnchorAbi.decode(l);
            if (e.isPresent() && e.get().contract().equalsIgnoreCase(b.contract()) && Arrays.equals(e.get().root(), b.root())
                    && Arrays.equals(e.get().device(), dev) && e.get().firstSeq() == b.firstSeq() && e.get().lastSeq() == b.lastSeq()) {
                return true;
            }
        }
        return false;
    }

    /**
     * The device's anchored history as the chain holds it ({@code history}, read once for the passport:
     * its anchors, its completeness and the trust in its keys), for an export, which carries no anchors.
     */
    static Ledger fromHistory(LedgerHistory history, String rpcUrl, Clock clock) {
        List<Ledger.Anchor> anchors = new ArrayList<>();
        for (AnchorAbi.AnchoredEvent e : history.ranges()) {
            anchors.add(new Ledger.Anchor(e.firstSeq(), e.lastSeq(), "0x" + HEX.formatHex(e.root()), e.txHash(), e.blockNumber(),
                    Ledger.Status.CONFIRMED, clock.instant(), "Anchored event of this device read from the chain"));
        }
        return new Ledger(history.chainId(), history.contract(), rpcUrl, anchors,
                anchors.isEmpty() ? "the chain holds no anchor of " + history.device() : "");
    }
}
