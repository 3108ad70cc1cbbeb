package io.certigate.fleet.anchor;

import io.certigate.anchor.ledger.AnchorContract;
import io.certigate.anchor.ledger.LedgerAccount;
import io.certigate.anchor.ledger.LedgerClient;
import io.certigate.anchor.ledger.SignedTx;
import io.certigate.signing.DeviceKey;
import io.certigate.signing.SigningException;
import io.certigate.verifier.ledger.AnchorAbi;
import io.certigate.verifier.ledger.LedgerException;
import io.certigate.verifier.merkle.MerkleHash;
import io.certigate.verifier.merkle.MerkleTree;
import io.certigate.verifier.receipt.LedgerReference;
import io.certigate.verifier.receipt.ReceiptCodec;
import io.certigate.verifier.statement.BatchStatement;
import io.certigate.verifier.statement.BatchStatementCodec;
import io.certigate.verifier.statement.StatementFormatException;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * Aggregated anchoring on the fleet tier (issue #17, "root of roots"): a PostgreSQL state machine
 * over {@code fleet_anchor} ({@link AnchorSchema}), moved forward by {@link #step()}.
 *
 * <ol>
 *   <li><b>check</b>: each pending statement is verified with its device's trusted keys, must
 *       continue the device's accepted chain (previous-statement hash and seq), and its root must be
 *       the RFC 9162 root over the leaves of the device's verified records first..last
 *       ({@link RecordLeaves}); a statement whose records or predecessor are not there yet waits, a
 *       bad one is refused with the reason.</li>
 *   <li><b>close</b>: when {@code intervalMs} has passed since the last close and no fleet tree is
 *       unfinished, the accepted statements not yet in a tree are assigned to interval N in one
 *       transaction that also fixes the tree's root (leaf = SHA-256(0x00 ‖ statement COSE bytes)).
 *       Nothing new: nothing is fixed and nothing is sent.</li>
 *   <li><b>anchor</b>: interval N's root is anchored in ONE transaction of the fleet's own account,
 *       {@code anchor(root, device = fleet id, N, N)}, exactly as the gateway's {@code Anchorer}
 *       does it: the signed bytes and nonce committed before the broadcast, the same bytes re-sent
 *       while the nonce is free, the root looked up on the contract (which refuses a root it holds)
 *       before any new signature. A ledger outage leaves the interval where it is; the statements
 *       accepted meanwhile go into the next one.</li>
 *   <li><b>receipts</b>: once anchored (with the configured confirmations), each statement's RFC 9942
 *       receipt (root signed once by the fleet key, the ledger reference in the protected header) is
 *       stored in the same transaction that marks the interval anchored, then handed to the gateway
 *       ({@link ReceiptSink}) until the transport has it.</li>
 * </ol>
 * One instance works at a time: a step holds a session advisory lock (released when the instance's
 * connection dies), so another instance takes over after a crash from the state in the database.
 */
public final class FleetAggregator {
    private static final System.Logger LOG = System.getLogger(FleetAggregator.class.getName());
    private static final long LEADER_LOCK = 0x6365727461676c64L; // "certagld"

    /**
     * What one step did.
     *
     * @param anchored intervals this step found anchored (with their confirmations) and gave receipts
     */
    public record Step(boolean leader, int accepted, int refused, long closedInterval, LedgerOutcome ledger,
            int delivered, int anchored) {
    }

    /**
     * What is still to do, read from the database (any instance may read it).
     *
     * @param pending          statements not checked yet (waiting for their records or their predecessor)
     * @param unanchored       accepted statements whose interval is not anchored yet (or that are in none yet)
     * @param receiptsPending  receipts not yet handed to the broker
     * @param intervalsPending intervals fixed or sent, not yet anchored
     */
    public record Backlog(long pending, long unanchored, long receiptsPending, long intervalsPending) {
    }

    /** What the ledger part of a step did. */
    public enum LedgerOutcome { IDLE, PROGRESS, WAITING, OUTAGE, REFUSED }

    private final Connection c;
    private final RecordLeaves leaves;
    private final Function<String, List<PublicKey>> keys;
    private final LedgerClient client;
    private final LedgerAccount account;
    private final String fleetId;
    private final byte[] fleetDevice;
    private final DeviceKey fleetKey;
    private final ReceiptSink sink;
    private final Clock clock;
    private final long intervalMs;
    private boolean leader;
    private int anchoredInStep;
    /**
     * Pending statements already read with a trusted key, by row id: a statement waiting for its
     * records is not verified again at every step (at most the 5000 a step reads).
     */
    private final Map<Long, BatchStatement> waiting = new java.util.HashMap<>();

    public FleetAggregator(Connection c, RecordLeaves leaves, Function<String, List<PublicKey>> keys,
            LedgerClient client, LedgerAccount account, String fleetId, DeviceKey fleetKey, ReceiptSink sink,
            Clock clock, long intervalMs) throws SQLException {
        this.c = c;
        this.leaves = leaves;
        this.keys = keys;
        this.client = client;
        this.account = account;
        this.fleetId = fleetId;
        this.fleetDevice = AnchorAbi.deviceKey(fleetId);
        this.fleetKey = fleetKey;
        this.sink = sink;
        this.clock = clock;
        this.intervalMs = intervalMs;
        AnchorSchema.create(c);
    }

    public Step step() throws SQLException {
        if (!leader) {
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT pg_try_advisory_lock(" + LEADER_LOCK + ")")) {
                rs.next();
                leader = rs.getBoolean(1);
            }
            if (!leader) {
                return new Step(false, 0, 0, 0, LedgerOutcome.IDLE, 0, 0);
            }
            LOG.log(System.Logger.Level.INFO, "fleet aggregator of {0}: this instance leads", fleetId);
        }
        anchoredInStep = 0;
        int[] checked = check();
        LedgerOutcome ledger = anchor();
        long closed = 0;
        if (ledger == LedgerOutcome.IDLE) {
            closed = closeIfDue();
            if (closed > 0) {
                ledger = anchor();
            }
        }
        int delivered = deliver();
        return new Step(true, checked[0], checked[1], closed, ledger, delivered, anchoredInStep);
    }

    /** Whether this instance held the leader lock at its last step. */
    public boolean leader() {
        return leader;
    }

    /** Counts what is still to do, in one query. */
    public Backlog backlog() throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT"
                + " (SELECT count(*) FROM fleet_anchor.statements WHERE state = 'pending'),"
                + " (SELECT count(*) FROM fleet_anchor.statements WHERE state = 'accepted' AND receipt IS NULL),"
                + " (SELECT count(*) FROM fleet_anchor.statements WHERE receipt IS NOT NULL AND delivered_ms IS NULL),"
                + " (SELECT count(*) FROM fleet_anchor.intervals WHERE state <> 'anchored')")) {
            rs.next();
            return new Backlog(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4));
        }
    }

    // ---- check ------------------------------------------------------------------------------

    private record Pending(long id, String device, byte[] cose, BatchStatement statement) {}

    private int[] check() throws SQLException {
        Map<String, List<Pending>> byDevice = new LinkedHashMap<>();
        List<long[]> unreadable = new ArrayList<>();
        List<String> unreadableWhy = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement("SELECT id, device, cose FROM fleet_anchor.statements"
                + " WHERE state = 'pending' ORDER BY id LIMIT 5000");
                ResultSet rs = q.executeQuery()) {
            java.util.Set<Long> seen = new java.util.HashSet<>();
            while (rs.next()) {
                long id = rs.getLong(1);
                String device = rs.getString(2);
                byte[] cose = rs.getBytes(3);
                seen.add(id);
                BatchStatement read = waiting.get(id);
                if (read != null) { // read and found the device's before: its signature is not checked again
                    byDevice.computeIfAbsent(device, d -> new ArrayList<>()).add(new Pending(id, device, cose, read));
                    continue;
                }
                List<PublicKey> known = keys.apply(device);
                if (known == null || known.isEmpty()) {
                    continue; // no trusted key yet: waits, like a parked record
                }
                BatchStatement s = null;
                String why = null;
                for (PublicKey k : known) {
                    try {
                        s = BatchStatementCodec.read(cose, k);
                        break;
                    } catch (StatementFormatException e) {
                        why = e.getMessage();
                    }
                }
                if (s == null) {
                    unreadable.add(new long[] {id});
                    unreadableWhy.add(why);
                } else if (!s.device().equals(device)) {
                    unreadable.add(new long[] {id});
                    unreadableWhy.add("statement names device " + s.device() + " but came from " + device);
                } else {
                    byDevice.computeIfAbsent(device, d -> new ArrayList<>()).add(new Pending(id, device, cose, s));
                    waiting.put(id, s);
                }
            }
            waiting.keySet().retainAll(seen); // checked meanwhile by another instance: forgotten
        }
        // what the step decides is written in one transaction: one commit per step, not per statement
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            int[] counts = decide(byDevice, unreadable, unreadableWhy);
            c.commit();
            return counts;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    private int[] decide(Map<String, List<Pending>> byDevice, List<long[]> unreadable, List<String> unreadableWhy)
            throws SQLException {
        int accepted = 0;
        int refused = 0;
        for (int i = 0; i < unreadable.size(); i++) {
            refuse(unreadable.get(i)[0], null, unreadableWhy.get(i));
            refused++;
        }
        for (Map.Entry<String, List<Pending>> e : byDevice.entrySet()) {
            byte[] headHash = BatchStatement.firstPrev();
            long headLast = 0;
            try (PreparedStatement q = c.prepareStatement("SELECT hash, last_seq FROM fleet_anchor.statements"
                    + " WHERE device = ? AND state = 'accepted' ORDER BY last_seq DESC LIMIT 1")) {
                q.setString(1, e.getKey());
                try (ResultSet rs = q.executeQuery()) {
                    if (rs.next()) {
                        headHash = rs.getBytes(1);
                        headLast = rs.getLong(2);
                    }
                }
            }
            List<Pending> list = e.getValue();
            list.sort(Comparator.comparingLong(p -> p.statement().firstSeq()));
            for (Pending p : list) {
                BatchStatement s = p.statement();
                boolean chained = MessageDigest.isEqual(s.prev(), headHash);
                if (chained && headLast > 0 && s.firstSeq() != headLast + 1) {
                    refuse(p.id(), s, "chained to the device's last statement but starts at seq " + s.firstSeq()
                            + ", not " + (headLast + 1));
                    refused++;
                    continue;
                }
                if (!chained) {
                    if (s.firstSeq() <= headLast || (headLast > 0 && s.firstSeq() == headLast + 1)) {
                        refuse(p.id(), s, "does not continue the device's accepted statement chain"
                                + " (previous-statement hash or seq; a fork or a replayed statement)");
                        refused++;
                    }
                    continue; // a later statement whose predecessor is not here yet: waits
                }
                Optional<List<byte[]>> l = leaves.leaves(p.device(), s.firstSeq(), s.lastSeq());
                if (l.isEmpty()) {
                    continue; // the records are not verified and stored yet: waits
                }
                if (!Arrays.equals(MerkleTree.build(l.get()).root(), s.root())) {
                    refuse(p.id(), s, "its root is not the RFC 9162 root of the device's verified records "
                            + s.firstSeq() + ".." + s.lastSeq());
                    refused++;
                    continue;
                }
                try (PreparedStatement u = c.prepareStatement("UPDATE fleet_anchor.statements SET state = 'accepted',"
                        + " first_seq = ?, last_seq = ? WHERE id = ? AND state = 'pending'")) {
                    u.setLong(1, s.firstSeq());
                    u.setLong(2, s.lastSeq());
                    u.setLong(3, p.id());
                    u.executeUpdate();
                }
                waiting.remove(p.id());
                accepted++;
                headHash = BatchStatementCodec.hash(p.cose());
                headLast = s.lastSeq();
            }
        }
        return new int[] {accepted, refused};
    }

    private void refuse(long id, BatchStatement s, String reason) throws SQLException {
        waiting.remove(id);
        LOG.log(System.Logger.Level.WARNING, "statement {0} refused: {1}", s == null ? "#" + id : s, reason);
        try (PreparedStatement u = c.prepareStatement("UPDATE fleet_anchor.statements SET state = 'refused',"
                + " reason = ?, first_seq = ?, last_seq = ? WHERE id = ? AND state = 'pending'")) {
            u.setString(1, reason);
            u.setObject(2, s == null ? null : s.firstSeq());
            u.setObject(3, s == null ? null : s.lastSeq());
            u.setLong(4, id);
            u.executeUpdate();
        }
    }

    // ---- close ------------------------------------------------------------------------------

    /** Fixes interval N if due; returns N, or 0 when nothing was fixed. */
    private long closeIfDue() throws SQLException {
        long now = clock.millis();
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            long last;
            try (ResultSet rs = st.executeQuery("SELECT last_close_ms FROM fleet_anchor.clock WHERE id = 1 FOR UPDATE")) {
                if (!rs.next()) {
                    st.executeUpdate("INSERT INTO fleet_anchor.clock (id, last_close_ms) VALUES (1, " + now + ")");
                    c.commit();
                    return 0;
                }
                last = rs.getLong(1);
            }
            if (now - last < intervalMs) {
                c.commit();
                return 0;
            }
            List<Long> ids = new ArrayList<>();
            List<byte[]> leafHashes = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT id, cose FROM fleet_anchor.statements"
                    + " WHERE state = 'accepted' AND interval_id IS NULL ORDER BY id FOR UPDATE")) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                    leafHashes.add(MerkleHash.leaf(rs.getBytes(2)));
                }
            }
            st.executeUpdate("UPDATE fleet_anchor.clock SET last_close_ms = " + now + " WHERE id = 1");
            if (ids.isEmpty()) {
                c.commit();
                return 0;
            }
            long n;
            try (ResultSet rs = st.executeQuery("SELECT coalesce(max(id), 0) + 1 FROM fleet_anchor.intervals")) {
                rs.next();
                n = rs.getLong(1);
            }
            byte[] root = MerkleTree.build(leafHashes).root();
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO fleet_anchor.intervals"
                    + " (id, closed_ms, size, root, state) VALUES (?, ?, ?, ?, 'fixed')");
                    PreparedStatement assign = c.prepareStatement(
                            "UPDATE fleet_anchor.statements SET interval_id = ?, leaf_index = ? WHERE id = ?")) {
                ins.setLong(1, n);
                ins.setLong(2, now);
                ins.setInt(3, ids.size());
                ins.setBytes(4, root);
                ins.executeUpdate();
                for (int i = 0; i < ids.size(); i++) {
                    assign.setLong(1, n);
                    assign.setInt(2, i);
                    assign.setLong(3, ids.get(i));
                    assign.addBatch();
                }
                assign.executeBatch();
            }
            c.commit();
            LOG.log(System.Logger.Level.INFO, "fleet interval {0} fixed over {1} statements", n, ids.size());
            return n;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    // ---- anchor -----------------------------------------------------------------------------

    private record Interval(long id, byte[] root, String state, long nonce, String txHash, byte[] raw) {}

    private Optional<Interval> unfinished() throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT id, root, state, nonce, tx_hash,"
                + " raw_tx FROM fleet_anchor.intervals WHERE state <> 'anchored' ORDER BY id LIMIT 1")) {
            if (!rs.next()) {
                return Optional.empty();
            }
            return Optional.of(new Interval(rs.getLong(1), rs.getBytes(2), rs.getString(3), rs.getLong(4),
                    rs.getString(5), rs.getBytes(6)));
        }
    }

    private LedgerOutcome anchor() throws SQLException {
        Optional<Interval> next = unfinished();
        if (next.isEmpty()) {
            return LedgerOutcome.IDLE;
        }
        Interval iv = next.get();
        try {
            return iv.state().equals("fixed") ? sign(iv) : follow(iv);
        } catch (LedgerException e) {
            if (e.unreachable()) {
                return LedgerOutcome.OUTAGE;
            }
            LOG.log(System.Logger.Level.WARNING, "anchoring fleet interval {0}: {1}", iv.id(), e.getMessage());
            return LedgerOutcome.REFUSED;
        }
    }

    private LedgerOutcome sign(Interval iv) throws LedgerException, SQLException {
        if (alreadyOnChain(iv)) {
            return LedgerOutcome.PROGRESS;
        }
        BigInteger nonce = client.nonce(account.address(), true);
        String data = AnchorContract.encodeAnchor(iv.root(), fleetDevice, iv.id(), iv.id());
        SignedTx tx = client.sign(account, nonce, client.config().contract(), BigInteger.ZERO, data);
        try (PreparedStatement u = c.prepareStatement("UPDATE fleet_anchor.intervals SET state = 'sent', nonce = ?,"
                + " tx_hash = ?, raw_tx = ?, sent_ms = ? WHERE id = ? AND state = 'fixed'")) {
            u.setLong(1, nonce.longValueExact());
            u.setString(2, tx.hash());
            u.setBytes(3, tx.raw());
            u.setLong(4, clock.millis());
            u.setLong(5, iv.id());
            u.executeUpdate();
        }
        client.broadcast(tx.raw());
        return LedgerOutcome.PROGRESS;
    }

    private LedgerOutcome follow(Interval iv) throws LedgerException, SQLException {
        Optional<TransactionReceipt> receipt = client.receipt(iv.txHash());
        if (receipt.isPresent()) {
            TransactionReceipt r = receipt.get();
            if (!r.isStatusOK()) {
                if (alreadyOnChain(iv)) {
                    return LedgerOutcome.PROGRESS;
                }
                LOG.log(System.Logger.Level.ERROR, "fleet anchor transaction {0} of interval {1} reverted (is account {2}"
                        + " the registry's account of fleet {3}?); signing again", iv.txHash(), iv.id(),
                        account.address(), fleetId);
                backToFixed(iv);
                return LedgerOutcome.REFUSED;
            }
            long block = r.getBlockNumber().longValueExact();
            if (client.config().confirmations() > 0 && client.blockNumber() - block < client.config().confirmations()) {
                return LedgerOutcome.WAITING;
            }
            if (!emitsAnchored(r, iv)) {
                return LedgerOutcome.REFUSED;
            }
            markAnchored(iv, iv.txHash(), block);
            return LedgerOutcome.PROGRESS;
        }
        if (client.knows(iv.txHash())) {
            return LedgerOutcome.WAITING;
        }
        if (alreadyOnChain(iv)) {
            return LedgerOutcome.PROGRESS;
        }
        BigInteger mined = client.nonce(account.address(), false);
        if (mined.compareTo(BigInteger.valueOf(iv.nonce())) > 0) {
            backToFixed(iv);
            return LedgerOutcome.PROGRESS;
        }
        client.broadcast(iv.raw());
        return LedgerOutcome.WAITING;
    }

    private void backToFixed(Interval iv) throws SQLException {
        try (PreparedStatement u = c.prepareStatement("UPDATE fleet_anchor.intervals SET state = 'fixed', nonce = NULL,"
                + " tx_hash = NULL, raw_tx = NULL WHERE id = ?")) {
            u.setLong(1, iv.id());
            u.executeUpdate();
        }
    }

    private boolean alreadyOnChain(Interval iv) throws LedgerException, SQLException {
        Optional<AnchorAbi.AnchoredEvent> found = client.anchoredEvent(fleetDevice, iv.root());
        if (found.isEmpty()) {
            return false;
        }
        AnchorAbi.AnchoredEvent e = found.get();
        if (client.config().confirmations() > 0 && client.blockNumber() - e.blockNumber() < client.config().confirmations()) {
            return false;
        }
        markAnchored(iv, e.txHash(), e.blockNumber());
        return true;
    }

    private boolean emitsAnchored(TransactionReceipt r, Interval iv) {
        for (Log log : r.getLogs()) {
            Optional<AnchorAbi.AnchoredEvent> e = AnchorAbi.decode(log);
            if (e.isPresent() && e.get().contract().equals(contract()) && Arrays.equals(e.get().root(), iv.root())
                    && Arrays.equals(e.get().device(), fleetDevice)) {
                return true;
            }
        }
        return false;
    }

    /** Marks the interval anchored and stores every statement's receipt, in one transaction. */
    private void markAnchored(Interval iv, String txHash, long block) throws SQLException {
        List<Long> ids = new ArrayList<>();
        List<byte[]> leafHashes = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement("SELECT id, cose FROM fleet_anchor.statements"
                + " WHERE interval_id = ? ORDER BY leaf_index")) {
            q.setLong(1, iv.id());
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                    leafHashes.add(MerkleHash.leaf(rs.getBytes(2)));
                }
            }
        }
        MerkleTree tree = MerkleTree.build(leafHashes);
        if (!Arrays.equals(tree.root(), iv.root())) {
            throw new IllegalStateException("fleet interval " + iv.id() + ": its statements no longer give its root");
        }
        long chainId = client.config().chainId();
        byte[] header = ReceiptCodec.protectedHeader(fleetKey.algorithm(), fleetKey.keyId(),
                new LedgerReference(chainId, contract(), txHash, block));
        byte[] signature;
        try {
            signature = fleetKey.sign(ReceiptCodec.toBeSigned(header, tree.root()));
        } catch (SigningException e) {
            throw new IllegalStateException("fleet key cannot sign: " + e.getMessage(), e);
        }
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (PreparedStatement u = c.prepareStatement("UPDATE fleet_anchor.statements SET receipt = ? WHERE id = ?");
                PreparedStatement m = c.prepareStatement("UPDATE fleet_anchor.intervals SET state = 'anchored',"
                        + " tx_hash = ?, chain_id = ?, contract = ?, block = ?, anchored_ms = ?, raw_tx = NULL"
                        + " WHERE id = ?")) {
            for (int i = 0; i < ids.size(); i++) {
                u.setBytes(1, ReceiptCodec.encode(header, tree.inclusionProof(i), signature));
                u.setLong(2, ids.get(i));
                u.addBatch();
            }
            u.executeBatch();
            m.setString(1, txHash);
            m.setLong(2, chainId);
            m.setString(3, contract());
            m.setLong(4, block);
            m.setLong(5, clock.millis());
            m.setLong(6, iv.id());
            m.executeUpdate();
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
        anchoredInStep++;
        LOG.log(System.Logger.Level.INFO, "fleet interval {0} ({1} statements) anchored in block {2}, tx {3}",
                iv.id(), ids.size(), block, txHash);
    }

    // ---- receipts ---------------------------------------------------------------------------

    private int deliver() throws SQLException {
        record Out(long id, String device, byte[] hash, byte[] receipt) {}
        List<Out> out = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT id, device, hash, receipt"
                + " FROM fleet_anchor.statements WHERE receipt IS NOT NULL AND delivered_ms IS NULL ORDER BY id"
                + " LIMIT 5000")) {
            while (rs.next()) {
                out.add(new Out(rs.getLong(1), rs.getString(2), rs.getBytes(3), rs.getBytes(4)));
            }
        }
        int delivered = 0;
        // the marks are committed together (a crash before the commit hands those receipts over again: a
        // gateway takes a receipt it holds already as a no-op)
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (PreparedStatement u = c.prepareStatement(
                "UPDATE fleet_anchor.statements SET delivered_ms = ? WHERE id = ?")) {
            for (Out o : out) {
                try {
                    sink.deliver(o.device(), o.hash(), o.receipt());
                } catch (Exception e) {
                    LOG.log(System.Logger.Level.WARNING, "receipt for {0} not delivered yet: {1}", o.device(),
                            e.getMessage());
                    break;
                }
                u.setLong(1, clock.millis());
                u.setLong(2, o.id());
                u.addBatch();
                delivered++;
            }
            u.executeBatch();
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
        return delivered;
    }

    private String contract() {
        return client.config().contract().toLowerCase(Locale.ROOT);
    }
}
