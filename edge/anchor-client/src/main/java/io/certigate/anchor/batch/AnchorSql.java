package io.certigate.anchor.batch;

/**
 * Every SQL statement of the anchor batches, kept in the device's buffer file next to its records.
 *
 * <p>Lifecycle of a batch: <b>pending</b> (cut: root, seq range and size committed together with
 * the records' {@code batch_id}), <b>sent</b> (nonce, tx hash and the signed transaction committed
 * <em>before</em> the transaction is broadcast), <b>anchored</b> (the root is on chain: block and
 * tx hash known, the records' {@code anchored_ms} set in the same commit). A sent batch whose nonce
 * was provably taken by another transaction goes back to pending.
 */
final class AnchorSql {
    private AnchorSql() {}

    /** Version 1 of the table (created with IF NOT EXISTS by the releases that did not record versions). */
    static final String SCHEMA = "CREATE TABLE IF NOT EXISTS anchor_batch ("
            + " batch_id INTEGER PRIMARY KEY,"
            + " first_seq INTEGER NOT NULL UNIQUE,"
            + " last_seq INTEGER NOT NULL,"
            + " size INTEGER NOT NULL,"
            + " root BLOB NOT NULL UNIQUE,"
            + " created_ms INTEGER NOT NULL,"
            + " state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'anchored')),"
            + " nonce INTEGER,"
            + " tx_hash TEXT,"
            + " raw_tx BLOB,"
            + " sent_ms INTEGER,"
            + " chain_id INTEGER,"
            + " contract TEXT,"
            + " block_number INTEGER,"
            + " anchored_ms INTEGER,"
            + " CHECK (last_seq - first_seq + 1 = size))";

    static final String COLUMNS = "batch_id, first_seq, last_seq, size, root, created_ms, state, nonce, tx_hash, "
            + "raw_tx, sent_ms, chain_id, contract, block_number, anchored_ms";

    static final String INSERT = "INSERT INTO anchor_batch(first_seq, last_seq, size, root, created_ms, state) "
            + "VALUES (?, ?, ?, ?, ?, 'pending')";
    static final String MAX_LAST_SEQ = "SELECT max(last_seq) FROM anchor_batch";
    /** Anchoring is in batch order: the newest anchored batch ends the anchored prefix (read from the end). */
    static final String LAST_ANCHORED_SEQ = "SELECT last_seq FROM anchor_batch WHERE state = 'anchored' "
            + "ORDER BY batch_id DESC LIMIT 1";
    static final String NEXT_UNANCHORED = "SELECT " + COLUMNS + " FROM anchor_batch "
            + "WHERE state <> 'anchored' ORDER BY batch_id LIMIT 1";
    static final String COUNT_UNANCHORED = "SELECT count(*) FROM anchor_batch WHERE state <> 'anchored'";
    static final String BY_ID = "SELECT " + COLUMNS + " FROM anchor_batch WHERE batch_id = ?";
    static final String BY_SEQ = "SELECT " + COLUMNS + " FROM anchor_batch WHERE ? BETWEEN first_seq AND last_seq";
    static final String ALL = "SELECT " + COLUMNS + " FROM anchor_batch ORDER BY batch_id";
    static final String MARK_SENT = "UPDATE anchor_batch SET state = 'sent', nonce = ?, tx_hash = ?, raw_tx = ?, "
            + "sent_ms = ?, chain_id = ?, contract = ? WHERE batch_id = ? AND state = 'pending'";
    static final String BACK_TO_PENDING = "UPDATE anchor_batch SET state = 'pending', nonce = NULL, tx_hash = NULL, "
            + "raw_tx = NULL, sent_ms = NULL WHERE batch_id = ? AND state = 'sent'";
    static final String MARK_ANCHORED = "UPDATE anchor_batch SET state = 'anchored', tx_hash = ?, chain_id = ?, "
            + "contract = ?, block_number = ?, anchored_ms = ?, raw_tx = NULL WHERE batch_id = ? AND state <> 'anchored'";
}
