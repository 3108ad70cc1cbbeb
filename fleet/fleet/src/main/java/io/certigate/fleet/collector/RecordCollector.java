package io.certigate.fleet.collector;

import io.certigate.cbor.CborFormatException;
import io.certigate.cbor.CborItem;
import io.certigate.cbor.CborReader;
import io.certigate.core.model.ChainedReading;
import io.certigate.core.model.ReadingCodec;
import io.certigate.core.model.RecordFormatException;
import io.certigate.core.model.RecordHashes;
import io.certigate.core.model.StoredRecord;
import io.certigate.signing.CoseException;
import io.certigate.signing.CoseSign1;
import io.certigate.signing.SignatureVerifier;
import io.certigate.uplink.BatchDecoder;
import io.certigate.uplink.StatusMessage;
import io.certigate.uplink.UplinkException;
import io.certigate.verifier.Verdict;
import io.certigate.verifier.Verifier;
import java.nio.file.Path;
import java.security.PublicKey;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The receiving end of the uplink, independent of the transport: it takes batches of records
 * and status messages, verifies every record's signature with the verifier
 * ({@link Verifier#signature}, with the device's key, see {@link DeviceKeys}), checks that it
 * carries a Reading of that device, stores each (device, seq) once in SQLite, and counts
 * duplicates, refusals and gaps. Chain links are checked when the report is made, page by page in constant memory
 * ({@link LinkChecker}). Bad input is counted, logged once with its context, and dropped.
 *
 * <p>A tombstone (an erased record's seq, leaf and chain hash) carries no signature, so anyone who
 * can publish on the device's topic could forge one. It is therefore accepted only as the erasure
 * of a verified signed record already held under its (device, seq) whose leaf and chain hashes it
 * matches; that record is then replaced by the tombstone. A tombstone for an empty slot, an
 * unverified record or other hashes is not stored and is counted as unprovable: it never takes the
 * place of the signed record that arrives later. A record erased on the gateway before it was ever
 * delivered therefore shows as missing (the collector cannot know it existed).
 */
public final class RecordCollector implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(RecordCollector.class.getName());
    private static final int TAG_18 = 0xd2;
    /** Records read per query by {@link #report()}. */
    private static final int REPORT_PAGE = 4096;

    private final CollectorStore store;
    private final DeviceKeys keys;
    private final Clock clock;
    private final Verifier verifier = new Verifier(SignatureVerifier.BOUNCY_CASTLE);
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong conflicts = new AtomicLong();
    private final AtomicLong badSignature = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong unprovableTombstones = new AtomicLong();
    private volatile String lastProblem;

    private RecordCollector(CollectorStore store, DeviceKeys keys, Clock clock) {
        this.store = store;
        this.keys = keys;
        this.clock = clock;
    }

    /** Opens (or creates) the collector database; keys learned in earlier runs are loaded into {@code keys}. */
    public static RecordCollector open(Path db, DeviceKeys keys, Clock clock) throws UplinkException {
        try {
            CollectorStore store = CollectorStore.open(db);
            for (Map.Entry<String, List<byte[]>> e : store.keys().entrySet()) {
                for (byte[] spki : e.getValue()) {
                    keys.add(e.getKey(), io.certigate.verifier.export.ExportFile.publicKey(spki, db.toString()));
                }
            }
            RecordCollector rc = new RecordCollector(store, keys, clock);
            for (String device : keys.devices()) {
                for (PublicKey k : keys.keysFor(device)) {
                    store.putKey(device, k.getEncoded(), "configured");
                }
            }
            return rc;
        } catch (SQLException | io.certigate.verifier.export.ExportFormatException e) {
            throw new UplinkException("cannot open the collector database " + db + ": " + e.getMessage(), e);
        }
    }

    /** A status message of {@code device}: may teach its key and announces its head seq. */
    public void acceptStatus(String device, byte[] payload) throws SQLException {
        StatusMessage s;
        try {
            s = StatusMessage.decode(payload);
        } catch (UplinkException e) {
            problem("status of " + device + " dropped: " + e.getMessage());
            malformed.incrementAndGet();
            return;
        }
        if (!s.device().equals(device)) {
            problem("status on the topic of " + device + " names device " + s.device() + "; dropped");
            malformed.incrementAndGet();
            return;
        }
        store.announce(device, s.headSeq());
        if (keys.learn(s)) {
            PublicKey k = s.certificateChain().get(0).getPublicKey();
            store.putKey(device, k.getEncoded(), "status");
            verifyPending(device);
        }
    }

    /** A batch of records published by {@code device}; stored in one transaction. */
    public void acceptBatch(String device, byte[] payload) throws SQLException {
        List<byte[]> items;
        try {
            items = BatchDecoder.items(payload);
        } catch (BatchDecoder.BatchFormatException e) {
            malformed.incrementAndGet();
            problem("batch of " + device + " dropped (" + payload.length + " bytes): " + e.getMessage());
            return;
        }
        long now = clock.millis();
        List<Long> unprovable = new ArrayList<>();
        store.transaction(() -> {
            for (byte[] item : items) {
                received.incrementAndGet();
                accept(device, item, now, unprovable);
            }
            return null;
        });
        if (!unprovable.isEmpty()) {
            problem(unprovable.size() + " tombstone(s) of " + device + " not stored (seq " + unprovable.get(0)
                    + (unprovable.size() > 1 ? " to " + unprovable.get(unprovable.size() - 1) : "")
                    + "): no verified record with their hashes is held, so the erasure is not provable");
        }
    }

    private void accept(String device, byte[] item, long now, List<Long> unprovable) throws SQLException {
        if ((item[0] & 0xff) != TAG_18) {
            acceptTombstone(device, item, now, unprovable);
            return;
        }
        CoseSign1.Parsed parsed;
        try {
            parsed = CoseSign1.parse(item);
        } catch (CoseException e) {
            malformed.incrementAndGet();
            problem("record of " + device + " is not a COSE_Sign1: " + e.getMessage());
            return;
        }
        PublicKey key = keys.find(device, parsed.keyId());
        byte[] payload = parsed.payload();
        if (key != null) {
            Verdict.Check check = verifier.signature(device, item, key);
            if (!check.ok()) {
                badSignature.incrementAndGet();
                problem("record of " + device + " refused: " + check.detail());
                return;
            }
        } else if (!keys.keysFor(device).isEmpty()) {
            badSignature.incrementAndGet();
            problem("record of " + device + " refused: signed by unknown key id " + HexFormat.of().formatHex(parsed.keyId()));
            return;
        }
        // without the device's key yet, the record is kept unverified until the key is known
        ChainedReading c;
        try {
            c = ReadingCodec.decode(payload);
        } catch (RecordFormatException e) {
            malformed.incrementAndGet();
            problem("record of " + device + " carries no valid Reading: " + e.getMessage());
            return;
        }
        if (!c.device().equals(device)) {
            malformed.incrementAndGet();
            problem("record of device " + c.device() + " published on the topic of " + device + "; dropped");
            return;
        }
        count(store.put(device, c.seq(), item, RecordHashes.chainHash(item), null, key != null, now), device, c.seq());
    }

    private void acceptTombstone(String device, byte[] item, long now, List<Long> unprovable) throws SQLException {
        try {
            if (CborReader.decode(item) instanceof CborItem.MapItem m && m.get("dev") instanceof CborItem.Text dev
                    && dev.value().equals(device) && m.get("seq") instanceof CborItem.Int seq
                    && m.get("leaf") instanceof CborItem.Bytes leaf && m.get("chain") instanceof CborItem.Bytes chain
                    && leaf.value().length == 32 && chain.value().length == 32 && seq.value().signum() > 0) {
                long s = seq.longValueExact();
                CollectorStore.Held held = store.held(device, s);
                if (held != null && held.verified() && Arrays.equals(held.chainHash(), chain.value())
                        && Arrays.equals(held.cose() != null ? RecordHashes.leafHash(held.cose()) : held.leafHash(),
                                leaf.value())) {
                    if (held.cose() == null) {
                        duplicates.incrementAndGet(); // the same erasure delivered again
                    } else {
                        store.erase(device, s, leaf.value(), now);
                    }
                } else {
                    unprovableTombstones.incrementAndGet();
                    unprovable.add(s);
                }
                return;
            }
        } catch (CborFormatException | ArithmeticException e) {
            // reported below
        }
        malformed.incrementAndGet();
        problem("item of " + device + " is neither a COSE_Sign1 nor a tombstone of that device; dropped");
    }

    private void count(CollectorStore.Outcome outcome, String device, long seq) {
        if (outcome == CollectorStore.Outcome.DUPLICATE) {
            duplicates.incrementAndGet();
        } else if (outcome == CollectorStore.Outcome.CONFLICT) {
            conflicts.incrementAndGet();
            problem("record " + device + "/" + seq + " differs from the one stored under that seq (fork)");
        }
    }

    private void verifyPending(String device) throws SQLException {
        Map<Long, byte[]> pending = store.unverified(device);
        if (pending.isEmpty()) {
            return;
        }
        store.transaction(() -> {
            for (Map.Entry<Long, byte[]> e : pending.entrySet()) {
                boolean ok;
                try {
                    PublicKey key = keys.find(device, CoseSign1.parse(e.getValue()).keyId());
                    ok = key != null && verifier.signature(device, e.getValue(), key).ok();
                } catch (CoseException ex) {
                    ok = false;
                }
                if (!ok) {
                    badSignature.incrementAndGet();
                    problem("record " + device + "/" + e.getKey() + " received before its key does not verify; dropped");
                }
                store.setVerified(device, e.getKey(), ok);
            }
            return null;
        });
    }

    private void problem(String msg) {
        if (!msg.equals(lastProblem)) {
            LOG.log(System.Logger.Level.WARNING, msg);
            lastProblem = msg;
        }
    }

    /** Verified (device, seq) records stored; cheap, for progress (no chain check). */
    public long uniqueCount() throws SQLException {
        long unique = 0;
        for (String device : store.devices()) {
            CollectorStore.DeviceCounts dc = store.counts(device);
            unique += dc.rows() - dc.unverified();
        }
        return unique;
    }

    /** Counts, plus gaps and chain links checked over everything stored, page by page. */
    public CollectorReport report() throws SQLException {
        return report(REPORT_PAGE);
    }

    CollectorReport report(int pageSize) throws SQLException {
        long unique = 0;
        long missing = 0;
        long brokenLink = 0;
        long unverified = 0;
        List<String> devices = store.devices();
        for (String device : devices) {
            CollectorStore.DeviceCounts dc = store.counts(device);
            long expected = Math.max(dc.maxSeq(), store.announcedHead(device));
            missing += Math.max(0, expected - dc.rows());
            unverified += dc.unverified();
            unique += dc.rows() - dc.unverified();
            LinkChecker links = new LinkChecker();
            long after = 0;
            while (true) {
                List<StoredRecord> page = store.verifiedRecords(device, after, pageSize);
                for (StoredRecord r : page) {
                    links.accept(r);
                }
                if (page.size() < pageSize) {
                    break;
                }
                after = page.get(page.size() - 1).seq();
            }
            brokenLink += links.broken();
        }
        return new CollectorReport(received.get(), unique, duplicates.get(), missing, badSignature.get(), brokenLink,
                conflicts.get(), malformed.get(), unverified, devices.size(), unprovableTombstones.get());
    }

    @Override
    public void close() throws SQLException {
        store.close();
    }
}
