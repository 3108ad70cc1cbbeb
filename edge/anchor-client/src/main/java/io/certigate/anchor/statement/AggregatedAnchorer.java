package io.certigate.anchor.statement;

import io.certigate.anchor.batch.Batch;
import io.certigate.anchor.batch.BatchStore;
import io.certigate.core.buffer.BufferException;
import io.certigate.core.buffer.BufferTable;
import io.certigate.core.buffer.TableAccess;
import io.certigate.signing.DeviceKey;
import io.certigate.signing.SigningException;
import io.certigate.verifier.receipt.LedgerReference;
import io.certigate.verifier.receipt.ReceiptCodec;
import io.certigate.verifier.receipt.ReceiptFormatException;
import io.certigate.verifier.receipt.ReceiptVerifier;
import io.certigate.verifier.statement.BatchStatementCodec;
import java.security.PublicKey;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * The gateway side of aggregated anchoring: instead of anchoring a batch ({@code Anchorer}), the
 * gateway states it. Each batch cut by the batcher gets, in batch order, a batch statement
 * ({@link BatchStatementWriter}) chained to the previous one, kept in the buffer's
 * {@code anchor_statement} table ({@link #TABLE}) so the chain survives restarts. The statements
 * without a receipt are re-published ({@link #unreceipted}) until the fleet's receipt comes back;
 * {@link #accept} checks the receipt (RFC 9942, the statement's inclusion in the fleet root, signed
 * by the fleet key, with a ledger reference), stores it, and marks the batch and its records
 * anchored, so purging still waits for it. A crash between the two is repaired by the next
 * {@link #step}.
 */
public final class AggregatedAnchorer {
    /** Version 1: one row per stated batch. */
    public static final BufferTable TABLE = BufferTable.named("anchor_statement").migration(
            "CREATE TABLE IF NOT EXISTS anchor_statement ("
                    + " batch_id INTEGER PRIMARY KEY,"
                    + " hash BLOB NOT NULL UNIQUE,"
                    + " cose BLOB NOT NULL,"
                    + " stated_ms INTEGER NOT NULL,"
                    + " receipt BLOB,"
                    + " tx_hash TEXT, chain_id INTEGER, contract TEXT, block INTEGER)");

    /** A statement waiting for its receipt. */
    public record Stated(long batchId, byte[] hash, byte[] cose) {}

    /** What {@link #accept} concluded. */
    public enum Outcome { ANCHORED, DUPLICATE, UNKNOWN_STATEMENT, INVALID }

    private final BatchStore batches;
    private final TableAccess table;
    private final DeviceKey key;
    private final String deviceId;
    private final PublicKey fleetKey;
    private final Clock clock;

    public AggregatedAnchorer(BatchStore batches, DeviceKey key, String deviceId, PublicKey fleetKey, Clock clock)
            throws BufferException {
        this.batches = batches;
        this.table = batches.buffer().register(TABLE);
        this.key = key;
        this.deviceId = deviceId;
        this.fleetKey = fleetKey;
        this.clock = clock;
    }

    /**
     * States every batch not stated yet, in order, and re-marks anchored a batch whose receipt is
     * stored; returns how many statements were signed.
     */
    public int step() throws BufferException, SigningException {
        int signed = 0;
        for (Batch b : batches.all()) {
            Optional<byte[][]> row = table.read(tx -> tx.queryOne("SELECT cose, receipt FROM anchor_statement"
                    + " WHERE batch_id = ?", r -> new byte[][] {r.getBytes(1), r.getBytes(2)}, b.id()));
            if (row.isEmpty()) {
                if (b.state() == Batch.State.ANCHORED) {
                    continue; // anchored directly before the gateway switched mode
                }
                byte[] previous = table.read(tx -> tx.queryOne("SELECT cose FROM anchor_statement"
                        + " ORDER BY batch_id DESC LIMIT 1", r -> r.getBytes(1))).orElse(null);
                byte[] cose = BatchStatementWriter.sign(key, deviceId, b, previous);
                long now = clock.millis();
                table.write("state batch " + b.id(), tx -> tx.update("INSERT INTO anchor_statement"
                        + " (batch_id, hash, cose, stated_ms) VALUES (?, ?, ?, ?)", b.id(),
                        BatchStatementCodec.hash(cose), cose, now));
                signed++;
            } else if (row.get()[1] != null && b.state() != Batch.State.ANCHORED) {
                markAnchored(b.id());
            }
        }
        return signed;
    }

    /** The statements still waiting for a receipt, oldest first: publish them (again). */
    public List<Stated> unreceipted() throws BufferException {
        return table.read(tx -> tx.query("SELECT batch_id, hash, cose FROM anchor_statement WHERE receipt IS NULL"
                + " ORDER BY batch_id", r -> new Stated(r.getLong(1), r.getBytes(2), r.getBytes(3))));
    }

    /** The receipt stored for a batch, if any. */
    public Optional<byte[]> receipt(long batchId) throws BufferException {
        return table.read(tx -> tx.queryOne("SELECT receipt FROM anchor_statement WHERE batch_id = ?"
                + " AND receipt IS NOT NULL", r -> r.getBytes(1), batchId));
    }

    /** The statement of a batch (its COSE bytes), if stated. */
    public Optional<byte[]> statement(long batchId) throws BufferException {
        return table.read(tx -> tx.queryOne("SELECT cose FROM anchor_statement WHERE batch_id = ?",
                r -> r.getBytes(1), batchId));
    }

    /** Checks and stores a receipt the fleet sent for the statement whose hash is {@code statementHash}. */
    public Outcome accept(byte[] statementHash, byte[] receipt) throws BufferException {
        Optional<Object[]> row = table.read(tx -> tx.queryOne("SELECT batch_id, cose, receipt FROM anchor_statement"
                + " WHERE hash = ?", r -> new Object[] {r.getLong(1), r.getBytes(2), r.getBytes(3)}, statementHash));
        if (row.isEmpty()) {
            return Outcome.UNKNOWN_STATEMENT;
        }
        long batchId = (Long) row.get()[0];
        byte[] cose = (byte[]) row.get()[1];
        if (row.get()[2] != null) {
            return Outcome.DUPLICATE;
        }
        ReceiptVerifier.Result r = ReceiptVerifier.verify(receipt, cose, fleetKey);
        if (!r.valid()) {
            return Outcome.INVALID;
        }
        LedgerReference ref;
        try {
            ref = ReceiptCodec.parse(receipt).ledger();
        } catch (ReceiptFormatException e) {
            return Outcome.INVALID;
        }
        if (ref == null) {
            return Outcome.INVALID;
        }
        table.write("store receipt of batch " + batchId, tx -> tx.update("UPDATE anchor_statement SET receipt = ?,"
                + " tx_hash = ?, chain_id = ?, contract = ?, block = ? WHERE batch_id = ? AND receipt IS NULL",
                receipt, ref.txHash(), ref.chainId(), ref.contract(), ref.blockNumber(), batchId));
        markAnchored(batchId);
        return Outcome.ANCHORED;
    }

    private void markAnchored(long batchId) throws BufferException {
        Object[] ref = table.read(tx -> tx.queryOne("SELECT tx_hash, chain_id, contract, block FROM anchor_statement"
                + " WHERE batch_id = ?", r -> new Object[] {r.getString(1), r.getLong(2), r.getString(3), r.getLong(4)},
                batchId)).orElseThrow();
        batches.markAnchored(batchId, (String) ref[0], (Long) ref[1], (String) ref[2], (Long) ref[3], clock.millis());
    }
}
