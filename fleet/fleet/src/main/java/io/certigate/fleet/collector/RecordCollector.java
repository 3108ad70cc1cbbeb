package io.certigate.fleet.collector;

import io.certigate.cbor.CborFormatException;
import io.certigate.cbor.CborItem;
import io.certigate.cbor.CborReader;
import io.certigate.core.io.LogText;
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
 *
 * <p>Only signed, verified records count: a device's head (the highest seq {@code missing} is
 * counted up to) is its highest verified seq. A status message is not signed, so the head seq it
 * announces is only logged as a hint and never enters the counts. Records that cannot be verified
 * yet (no key known for their device) are held within {@link UnverifiedLimits}: a cap per device
 * and an expiry on the collector's clock. Device ids and topics come from the network and are
 * logged through {@link LogText#escape}.
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
    private final AtomicLong unverifiedDropped = new AtomicLong();
    private final AtomicLong unverifiedExpired = new AtomicLong();
    private final UnverifiedLimits limits;
    /** When unverified rows are next looked at for expiry (epoch ms, the collector's clock). */
    private volatile long nextExpiryMs;
    private volatile String lastProblem;

    private RecordCollector(CollectorStore store, DeviceKeys keys, Clock clock, UnverifiedLimits limits) {
        this.store = store;
        this.keys = keys;
        this.clock = clock;
        this.limits = limits;
    }

    /** {@link #open(Path, DeviceKeys, Clock, UnverifiedLimits)} with {@link UnverifiedLimits#DEFAULT}. */
    public static RecordCollector open(Path db, DeviceKeys keys, Clock clock) throws UplinkException {
        return open(db, keys, clock, UnverifiedLimits.DEFAULT);
    }

    /**
     * Opens (or creates) the collector database; keys learned in earlier runs are loaded into
     * {@code keys}. Records that cannot be verified yet are held within {@code limits}.
     */
    public static RecordCollector open(Path db, DeviceKeys keys, Clock clock, UnverifiedLimits limits)
            throws UplinkException {
        try {
            CollectorStore store = CollectorStore.open(db);
            for (Map.Entry<String, List<byte[]>> e : store.keys().entrySet()) {
                for (byte[] spki : e.getValue()) {
                    keys.add(e.getKey(), io.certigate.verifier.export.ExportFile.publicKey(spki, db.toString()));
                }
            }
            RecordCollector rc = new RecordCollector(store, keys, clock, limits);
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

    /**
     * A status message of {@code device}: may teach its key (see {@link DeviceKeys#learn}). The head
     * seq it announces is unsigned: logged as a hint when it is ahead of what was verified, never
     * counted.
     */
    public void acceptStatus(String device, byte[] payload) throws SQLException {
        StatusMessage s;
        try {
            s = StatusMessage.decode(payload);
        } catch (UplinkException e) {
            problem("status of " + LogText.escape(device) + " dropped: " + LogText.escape(e.getMessage()));
            malformed.incrementAndGet();
            return;
        }
        if (!s.device().equals(device)) {
            problem("status on the topic of " + LogText.escape(device) + " names device " + LogText.escape(s.device())
                    + "; dropped");
            malformed.incrementAndGet();
            return;
        }
        if (LOG.isLoggable(System.Logger.Level.DEBUG)) {
            long head = store.counts(device).maxVerifiedSeq();
            if (s.headSeq() > head) {
                LOG.log(System.Logger.Level.DEBUG, "status of {0} announces head seq {1}, {2} verified so far"
                        + " (unsigned: a hint only, not counted)", LogText.escape(device), s.headSeq(), head);
            }
        }
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
            problem("batch of " + LogText.escape(device) + " dropped (" + payload.length + " bytes): " + e.getMessage());
            return;
        }
        long now = clock.millis();
        expireIfDue(now);
        List<Long> unprovable = new ArrayList<>();
        List<Long> dropped = new ArrayList<>();
        store.transaction(() -> {
            for (byte[] item : items) {
                received.incrementAndGet();
                accept(device, item, now, unprovable, dropped);
            }
            return null;
        });
        if (!unprovable.isEmpty()) {
            problem(unprovable.size() + " tombstone(s) of " + LogText.escape(device) + " not stored" + seqs(unprovable)
                    + ": no verified record with their hashes is held, so the erasure is not provable");
        }
        if (!dropped.isEmpty()) {
            problem(dropped.size() + " unverified record(s) of " + LogText.escape(device) + " dropped" + seqs(dropped)
                    + ": no key of that device is known and " + limits.perDevice()
                    + " unverified records of it are held already");
        }
    }

    private static String seqs(List<Long> seqs) {
        return " (seq " + seqs.get(0) + (seqs.size() > 1 ? " to " + seqs.get(seqs.size() - 1) : "") + ")";
    }

    private void accept(String device, byte[] item, long now, List<Long> unprovable, List<Long> dropped)
            throws SQLException {
        if ((item[0] & 0xff) != TAG_18) {
            acceptTombstone(device, item, now, unprovable);
            return;
        }
        CoseSign1.Parsed parsed;
        try {
            parsed = CoseSign1.parse(item);
        } catch (CoseException e) {
            malformed.incrementAndGet();
            problem("record of " + LogText.escape(device) + " is not a COSE_Sign1: " + e.getMessage());
            return;
        }
        PublicKey key = keys.find(device, parsed.keyId());
        byte[] payload = parsed.payload();
        if (key != null) {
            Verdict.Check check = verifier.signature(device, item, key);
            if (!check.ok()) {
                badSignature.incrementAndGet();
                problem("record of " + LogText.escape(device) + " refused: " + check.detail());
                return;
            }
        } else if (!keys.keysFor(device).isEmpty()) {
            badSignature.incrementAndGet();
            problem("record of " + LogText.escape(device) + " refused: signed by unknown key id " + HexFormat.of().formatHex(parsed.keyId()));
            return;
        }
        // without the device's key yet, the record is kept unverified until the key is known
        ChainedReading c;
        try {
            c = ReadingCodec.decode(payload);
        } catch (RecordFormatException e) {
            malformed.incrementAndGet();
            problem("record of " + LogText.escape(device) + " carries no valid Reading: " + e.getMessage());
            return;
        }
        if (!c.device().equals(device)) {
            malformed.incrementAndGet();
            problem("record of device " + LogText.escape(c.device()) + " published on the topic of "
                    + LogText.escape(device) + "; dropped");
            return;
        }
        if (key == null && store.unverifiedCount(device) >= limits.perDevice() && store.held(device, c.seq()) == null) {
            unverifiedDropped.incrementAndGet();
            dropped.add(c.seq());
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
        problem("item of " + LogText.escape(device) + " is neither a COSE_Sign1 nor a tombstone of that device; dropped");
    }

    private void count(CollectorStore.Outcome outcome, String device, long seq) {
        if (outcome == CollectorStore.Outcome.DUPLICATE) {
            duplicates.incrementAndGet();
        } else if (outcome == CollectorStore.Outcome.CONFLICT) {
            conflicts.incrementAndGet();
            problem("record " + LogText.escape(device) + "/" + seq + " differs from the one stored under that seq (fork)");
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
                    problem("record " + LogText.escape(device) + "/" + e.getKey() + " received before its key does not verify; dropped");
                }
                store.setVerified(device, e.getKey(), ok);
            }
            return null;
        });
    }

    /** Runs {@link #expireUnverified()} when a minute (or the keep time, if shorter) has passed since the last run. */
    private void expireIfDue(long now) throws SQLException {
        if (now >= nextExpiryMs) {
            expireUnverified(now);
        }
    }

    /**
     * Deletes the unverified records held longer than {@link UnverifiedLimits#keepFor()} on the
     * collector's clock; returns how many. Runs on its own with the batches and before each report.
     */
    public long expireUnverified() throws SQLException {
        return expireUnverified(clock.millis());
    }

    private long expireUnverified(long now) throws SQLException {
        long keep = limits.keepFor().toMillis();
        nextExpiryMs = now + Math.min(keep, 60_000);
        int n = store.expireUnverified(now - keep);
        if (n > 0) {
            unverifiedExpired.addAndGet(n);
            problem(n + " unverified record(s) expired: their device's key did not arrive within " + limits.keepFor());
        }
        return n;
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
            unique += store.counts(device).verified();
        }
        return unique;
    }

    /** Counts, plus gaps and chain links checked over everything stored, page by page. */
    public CollectorReport report() throws SQLException {
        return report(REPORT_PAGE);
    }

    CollectorReport report(int pageSize) throws SQLException {
        expireUnverified(clock.millis());
        long unique = 0;
        long missing = 0;
        long brokenLink = 0;
        long unverified = 0;
        List<String> devices = store.devices();
        for (String device : devices) {
            CollectorStore.DeviceCounts dc = store.counts(device);
            // the head is the highest verified seq: an unsigned status or an unverified record never sets it
            missing += Math.max(0, dc.maxVerifiedSeq() - dc.verified());
            unverified += dc.unverified();
            unique += dc.verified();
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
                conflicts.get(), malformed.get(), unverified, devices.size(), unprovableTombstones.get(),
                unverifiedDropped.get(), unverifiedExpired.get());
    }

    @Override
    public void close() throws SQLException {
        store.close();
    }
}
