package io.certigate.anchor.batch;

import java.util.Arrays;

/**
 * An anchor batch as stored: the Merkle root over records firstSeq..lastSeq of the device and,
 * as it progresses, the ledger transaction that carries it. Fields that do not apply yet are
 * null (or -1 for numbers).
 */
public record Batch(long id, long firstSeq, long lastSeq, long size, byte[] root, long createdMs, State state,
        Long nonce, String txHash, byte[] rawTx, long sentMs, long chainId, String contract, long blockNumber,
        long anchoredMs) {

    public enum State {
        PENDING, SENT, ANCHORED
    }

    public Batch {
        root = root.clone();
        rawTx = rawTx == null ? null : rawTx.clone();
    }

    @Override
    public byte[] root() {
        return root.clone();
    }

    @Override
    public byte[] rawTx() {
        return rawTx == null ? null : rawTx.clone();
    }

    public boolean contains(long seq) {
        return seq >= firstSeq && seq <= lastSeq;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Batch b && b.id == id && b.state == state && Arrays.equals(b.root, root)
                && b.blockNumber == blockNumber && java.util.Objects.equals(b.txHash, txHash);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(id);
    }

    @Override
    public String toString() {
        return "Batch[" + id + " seq " + firstSeq + ".." + lastSeq + " " + state
                + (txHash == null ? "" : " tx " + txHash) + (blockNumber > 0 ? " block " + blockNumber : "") + "]";
    }
}
