package io.certigate.anchor;

import io.certigate.anchor.batch.Batch;
import io.certigate.anchor.batch.BatchStore;
import io.certigate.anchor.ledger.AnchorContract;
import io.certigate.anchor.ledger.LedgerAccount;
import io.certigate.anchor.ledger.LedgerClient;
import io.certigate.anchor.ledger.SignedTx;
import io.certigate.core.buffer.BufferException;
import io.certigate.verifier.ledger.AnchorAbi;
import io.certigate.verifier.ledger.LedgerException;
import java.math.BigInteger;
import java.time.Clock;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * Anchors a device's batches on the ledger, one at a time and in batch order, exactly once.
 *
 * <p>Each {@link #step()} moves the oldest unanchored batch forward by one RPC-sized step:
 * <ul>
 * <li><b>pending</b>: if the root is already on chain (an {@code Anchored} event exists), it is
 * recorded as anchored. Otherwise a transaction is signed with the account's next nonce and
 * committed (nonce, hash, raw bytes) <em>before</em> anything is sent.</li>
 * <li><b>sent</b>: the receipt is looked up. Success (with enough confirmations) marks the batch and
 * its records anchored. No receipt and the node knows the transaction: wait. The node does not know
 * it (never sent, crash, node restarted): if the root is on chain it is anchored; if the nonce was
 * taken by another transaction the batch is signed again; otherwise the <em>same</em> signed bytes
 * are broadcast again, which can be mined at most once.</li>
 * </ul>
 * A new nonce is only ever used once the old one is provably consumed without anchoring the root,
 * and the contract refuses a root twice, so a root is never anchored by two transactions.
 */
public final class Anchorer {
    private static final System.Logger LOG = System.getLogger(Anchorer.class.getName());

    /** What a step did. */
    public enum Outcome {
        /** Nothing to anchor. */
        IDLE,
        /** A batch moved forward; step again at once. */
        PROGRESS,
        /** A transaction is out; ask again after the poll interval. */
        WAITING,
        /** The ledger did not answer; batches stay queued. */
        OUTAGE,
        /** The ledger refused (reverted, rejected); retry after a back-off. */
        REFUSED
    }

    private final BatchStore store;
    private final LedgerClient client;
    private final LedgerAccount account;
    private final byte[] device;
    private final String deviceId;
    private final Clock clock;
    private long lateLoggedFor = -1;
    private String lastRefusal = "";

    public Anchorer(BatchStore store, LedgerClient client, LedgerAccount account, String deviceId, Clock clock) {
        this.store = store;
        this.client = client;
        this.account = account;
        this.device = AnchorAbi.deviceKey(deviceId);
        this.deviceId = deviceId;
        this.clock = clock;
    }

    public Outcome step() throws BufferException {
        Optional<Batch> next = store.nextUnanchored();
        if (next.isEmpty()) {
            return Outcome.IDLE;
        }
        Batch b = next.get();
        try {
            return b.state() == Batch.State.PENDING ? sign(b) : follow(b);
        } catch (LedgerException e) {
            if (e.unreachable()) {
                return Outcome.OUTAGE;
            }
            String message = e.getMessage();
            if (!message.equals(lastRefusal)) {
                lastRefusal = message;
                LOG.log(System.Logger.Level.WARNING, "anchoring {0}: {1} (retrying after a back-off)", b, message);
            }
            return Outcome.REFUSED;
        }
    }

    private Outcome sign(Batch b) throws LedgerException, BufferException {
        if (alreadyOnChain(b)) {
            return Outcome.PROGRESS;
        }
        BigInteger nonce = client.nonce(account.address(), true);
        String data = AnchorContract.encodeAnchor(b.root(), device, b.firstSeq(), b.lastSeq());
        SignedTx tx = client.sign(account, nonce, client.config().contract(), BigInteger.ZERO, data);
        store.markSent(b.id(), nonce.longValueExact(), tx.hash(), tx.raw(), clock.millis(), client.config().chainId(),
                contract());
        LOG.log(System.Logger.Level.DEBUG, "batch {0}: signed tx {1} nonce {2}", str(b.id()), tx.hash(), nonce.toString());
        return Outcome.PROGRESS;
    }

    private Outcome follow(Batch b) throws LedgerException, BufferException {
        Optional<TransactionReceipt> receipt = client.receipt(b.txHash());
        if (receipt.isPresent()) {
            TransactionReceipt r = receipt.get();
            if (!r.isStatusOK()) {
                if (alreadyOnChain(b)) {
                    return Outcome.PROGRESS;
                }
                LOG.log(System.Logger.Level.ERROR, "anchor transaction {0} of {1} reverted (account {2} not allowed to anchor, "
                        + "or not the registry's account of this device?); "
                        + "the batch will be signed again", b.txHash(), b, account.address());
                store.backToPending(b.id());
                return Outcome.REFUSED;
            }
            long block = r.getBlockNumber().longValueExact();
            if (client.config().confirmations() > 0 && client.blockNumber() - block < client.config().confirmations()) {
                return Outcome.WAITING;
            }
            if (!emitsAnchored(r, b)) {
                LOG.log(System.Logger.Level.ERROR, "transaction {0} succeeded without an Anchored event for {1}", b.txHash(), b);
                return Outcome.REFUSED;
            }
            store.markAnchored(b.id(), b.txHash(), client.config().chainId(), contract(), block, clock.millis());
            LOG.log(System.Logger.Level.INFO, "anchored {5} batch {0} (seq {1}..{2}) in block {3}, tx {4}", str(b.id()),
                    str(b.firstSeq()), str(b.lastSeq()), str(block), b.txHash(), deviceId);
            return Outcome.PROGRESS;
        }
        if (client.knows(b.txHash())) {
            if (clock.millis() - b.sentMs() > client.config().receiptTimeout().toMillis() && lateLoggedFor != b.id()) {
                lateLoggedFor = b.id();
                LOG.log(System.Logger.Level.WARNING, "anchor transaction {0} of batch {1} still unmined after {2}; waiting for it",
                        b.txHash(), str(b.id()), client.config().receiptTimeout());
            }
            return Outcome.WAITING;
        }
        if (alreadyOnChain(b)) {
            return Outcome.PROGRESS;
        }
        BigInteger mined = client.nonce(account.address(), false);
        if (mined.compareTo(BigInteger.valueOf(b.nonce())) > 0) {
            LOG.log(System.Logger.Level.WARNING, "nonce {0} of batch {1} was taken by another transaction; signing again",
                    str(b.nonce()), str(b.id()));
            store.backToPending(b.id());
            return Outcome.PROGRESS;
        }
        client.broadcast(b.rawTx());
        return Outcome.WAITING;
    }

    /**
     * If an {@code Anchored} event for the batch's root and this device exists, records the batch
     * anchored by it (the contract holds roots per device: another device's anchor of the same root
     * does not count).
     */
    private boolean alreadyOnChain(Batch b) throws LedgerException, BufferException {
        Optional<AnchorAbi.AnchoredEvent> found = client.anchoredEvent(device, b.root());
        if (found.isEmpty()) {
            return false;
        }
        AnchorAbi.AnchoredEvent e = found.get();
        if (client.config().confirmations() > 0 && client.blockNumber() - e.blockNumber() < client.config().confirmations()) {
            return false;
        }
        if (e.firstSeq() != b.firstSeq() || e.lastSeq() != b.lastSeq()) {
            LOG.log(System.Logger.Level.WARNING, "root of {0} is on chain with other metadata (seq {1}..{2})", b,
                    str(e.firstSeq()), str(e.lastSeq()));
        }
        store.markAnchored(b.id(), e.txHash(), client.config().chainId(), contract(), e.blockNumber(), clock.millis());
        LOG.log(System.Logger.Level.INFO, "root of {3} batch {0} already on chain in block {1} (tx {2}): recorded as anchored",
                str(b.id()), str(e.blockNumber()), e.txHash(), deviceId);
        return true;
    }

    private boolean emitsAnchored(TransactionReceipt r, Batch b) {
        for (Log log : r.getLogs()) {
            Optional<AnchorAbi.AnchoredEvent> e = AnchorAbi.decode(log);
            if (e.isPresent() && e.get().contract().equals(contract()) && Arrays.equals(e.get().root(), b.root())
                    && Arrays.equals(e.get().device(), device)) {
                return true;
            }
        }
        return false;
    }

    private static String str(long v) {
        return Long.toString(v);
    }

    private String contract() {
        return client.config().contract().toLowerCase(Locale.ROOT);
    }
}
