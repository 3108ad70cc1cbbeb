package io.certigate.app.report;

import java.time.Instant;
import java.util.List;

/**
 * The ledger the readings are anchored on and each anchoring transaction, checked on chain or
 * plainly marked as the gateway's claim.
 *
 * @param chainId   the chain id (the node's when checked, else the gateway's record), or null when unknown
 * @param contract  the anchor contract's address, or null
 * @param rpcUrl    the node the anchors were checked on, or null when nothing was checked
 * @param anchors   the anchoring transactions in seq order
 * @param note      what could not be done, in words ("no --rpc given"), or empty
 */
public record Ledger(Long chainId, String contract, String rpcUrl, List<Anchor> anchors, String note) {

    /** How an anchor is known. */
    public enum Status {
        /** Found on chain at {@link Anchor#checkedAt()}: transaction succeeded, its Anchored event names root, device and range. */
        CONFIRMED,
        /** Checked on chain and not as claimed: see {@link Anchor#detail()}. */
        FAILED,
        /** Only the gateway's own record says so; nothing was checked. */
        UNCHECKED
    }

    /**
     * One anchoring transaction.
     *
     * @param firstSeq  first seq of the batch
     * @param lastSeq   last seq of the batch
     * @param root      the batch's Merkle root (hex)
     * @param txHash    the transaction, or null when not yet sent
     * @param block     the block (on chain when confirmed, the gateway's claim otherwise), or -1
     * @param status    how it is known
     * @param checkedAt when it was checked on chain, or null
     * @param detail    in words: what was checked, or what failed
     */
    public record Anchor(long firstSeq, long lastSeq, String root, String txHash, long block, Status status,
            Instant checkedAt, String detail) {
        public boolean contains(long seq) {
            return seq >= firstSeq && seq <= lastSeq;
        }

        /** The anchor as a table cell says it. */
        public String cell() {
            return switch (status) {
                case CONFIRMED -> "block " + block + " (checked on chain)";
                case FAILED -> "block " + block + ": NOT confirmed on chain";
                case UNCHECKED -> block > 0 ? "block " + block + " (gateway's claim, unchecked)" : "batch not yet anchored";
            };
        }
    }

    public Ledger {
        anchors = List.copyOf(anchors);
        note = note == null ? "" : note;
    }

    /** No anchor known. */
    public static Ledger none(String note) {
        return new Ledger(null, null, null, List.of(), note);
    }

    /** The anchor whose batch holds {@code seq}, or null (binary search: anchors are in seq order). */
    public Anchor find(long seq) {
        int lo = 0;
        int hi = anchors.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            Anchor a = anchors.get(mid);
            if (seq < a.firstSeq()) {
                hi = mid - 1;
            } else if (seq > a.lastSeq()) {
                lo = mid + 1;
            } else {
                return a;
            }
        }
        return null;
    }

    public long confirmed() {
        return anchors.stream().filter(a -> a.status() == Status.CONFIRMED).count();
    }

    public long failed() {
        return anchors.stream().filter(a -> a.status() == Status.FAILED).count();
    }
}
