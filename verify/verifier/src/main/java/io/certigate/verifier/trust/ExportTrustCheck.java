package io.certigate.verifier.trust;

import io.certigate.core.model.ReadingCodec;
import io.certigate.core.model.RecordFormatException;
import io.certigate.core.model.StoredRecord;
import io.certigate.signing.CoseException;
import io.certigate.signing.CoseSign1;
import io.certigate.signing.Csr;
import io.certigate.signing.KeyIds;
import io.certigate.verifier.Verdict;
import io.certigate.verifier.Verdict.Check;
import io.certigate.verifier.completeness.LedgerHistory;
import io.certigate.verifier.ledger.AnchorAbi.AnchoredEvent;
import io.certigate.verifier.ledger.DeviceRegistryReader;
import io.certigate.verifier.ledger.LedgerException;
import io.certigate.verifier.ledger.RegistryAbi;
import java.nio.ByteBuffer;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Which of the keys an export carries are trusted, judged from the verifier's own inputs: with a
 * consortium root, a key is trusted only through a certificate chain the file carries for it that
 * validates up to that root ({@link ChainValidator}, RFC 5280 §6) at the observation times of the
 * first and the last record it signed (validity is an interval, so it then holds for every record
 * between), and whose leaf names the export's device; with the device registry, the key's status
 * at the block that anchored each of its batches ({@link DeviceRegistryReader#statusAt}).
 *
 * <p>It is fed the export's entries one at a time ({@link #accept}) and keeps, per key, the seq
 * and time span it signed and the anchoring blocks of its records (one entry per batch). Without a
 * root it checks nothing and says plainly that the keys come from the file itself
 * ({@link #SELF_ASSERTED}).
 */
public final class ExportTrustCheck {
    /** What the verdict says when no trust input was given. */
    public static final String SELF_ASSERTED = "trust in the device keys: the keys were taken from the file itself."
            + " The check shows the records were not altered since a holder of those keys signed them and that"
            + " they form one unbroken chain; it does not show that the keys belong to a genuine, provisioned"
            + " device (give --trust-root, and --registry with --rpc, to check that)";

    private final String device;
    private final Map<ByteBuffer, KeyUse> keys = new LinkedHashMap<>();
    private final X509Certificate root;
    private final DeviceRegistryReader registry;
    private final LedgerHistory history;
    private final BlockTimes blockTimes;
    private long unreadable;

    /** A block's timestamp on the ledger ({@code LedgerReader::blockTime}). */
    @FunctionalInterface
    public interface BlockTimes {
        Instant of(long block) throws LedgerException;
    }

    /**
     * @param device    the export's device id
     * @param keyChains each key the file carries with the certificate chain it carries for it
     *                  (leaf first; empty when none)
     * @param root      the consortium root, or null: no trust check
     * @param registry  the device registry, or null: no status check
     * @param history   the device's anchored ranges (for the anchoring blocks), or null
     */
    public ExportTrustCheck(String device, Map<PublicKey, List<X509Certificate>> keyChains, X509Certificate root,
            DeviceRegistryReader registry, LedgerHistory history) {
        this(device, keyChains, root, registry, history, null);
    }

    /**
     * As above, and with {@code blockTimes} (null: not checked) each key's chain is also validated at the
     * time of every block that anchored its records, and those records may be dated at most
     * {@link DeviceTrustVerifier#READING_AFTER_BLOCK_TOLERANCE} after that block: the time a
     * certificate is checked at is the ledger's, not only the one the device wrote in its readings.
     */
    public ExportTrustCheck(String device, Map<PublicKey, List<X509Certificate>> keyChains, X509Certificate root,
            DeviceRegistryReader registry, LedgerHistory history, BlockTimes blockTimes) {
        if (registry != null && history == null) {
            throw new IllegalArgumentException("a registry check needs the device's anchored history (the anchoring blocks)");
        }
        this.device = device;
        this.root = root;
        this.registry = registry;
        this.history = history;
        this.blockTimes = history == null ? null : blockTimes;
        keyChains.forEach((k, chain) -> keys.put(ByteBuffer.wrap(KeyIds.of(k)), new KeyUse(k, List.copyOf(chain))));
    }

    /** The next entry of the export; only signed records count (a tombstone or hash-only entry names no key). */
    public void accept(StoredRecord r) {
        if (root == null || !(r instanceof StoredRecord.Signed s)) {
            return;
        }
        ByteBuffer kid;
        long t;
        try {
            CoseSign1.Parsed p = CoseSign1.parse(s.coseUnsafe());
            kid = ByteBuffer.wrap(p.keyId());
            t = ReadingCodec.decode(p.payload()).reading().observedAtMillis();
        } catch (CoseException | RecordFormatException e) {
            unreadable++; // the chain check reports it as malformed
            return;
        }
        KeyUse use = keys.computeIfAbsent(kid, k -> new KeyUse(null, List.of()));
        use.add(s.seq(), t);
        if (history != null) {
            Optional<AnchoredEvent> batch = history.rangeOf(s.seq());
            if (batch.isPresent()) {
                use.blocks.computeIfAbsent(batch.get().blockNumber(), b -> new long[] {s.seq(), s.seq(), 0, t});
                long[] span = use.blocks.get(batch.get().blockNumber());
                span[1] = s.seq();
                span[2]++;
                span[3] = Math.max(span[3], t);
            } else {
                use.unanchored++;
            }
        }
    }

    /** One check per key that signed records (chain to the root, then registry status per anchoring block). */
    public Verdict finish() {
        if (root == null) {
            return new Verdict(List.of(), List.of(SELF_ASSERTED));
        }
        List<Check> checks = new ArrayList<>();
        List<String> notChecked = new ArrayList<>();
        for (Map.Entry<ByteBuffer, KeyUse> e : keys.entrySet()) {
            KeyUse u = e.getValue();
            if (u.records == 0) {
                continue;
            }
            String kid = HexFormat.of().formatHex(e.getKey().array());
            String subject = "key " + kid;
            String signed = u.records + " record(s), seq " + u.firstSeq + ".." + u.lastSeq;
            if (u.key == null) {
                checks.add(new Check(subject, u.firstSeq, false, "UNTRUSTED: signed " + signed + " but the file carries"
                        + " no such key"));
                continue;
            }
            if (u.chain.isEmpty() || !u.chain.get(0).getPublicKey().equals(u.key)) {
                checks.add(new Check(subject, u.firstSeq, false, "UNTRUSTED: signed " + signed + ", but the file"
                        + " carries no certificate chain for this key, so nothing links it to the trust root"));
                continue;
            }
            X509Certificate leaf = u.chain.get(0);
            try {
                ChainValidator v = new ChainValidator(root);
                Csr.Identity id = v.validate(u.chain, Instant.ofEpochMilli(u.firstTime));
                v.validate(u.chain, Instant.ofEpochMilli(u.lastTime));
                if (!id.deviceId().equals(device)) {
                    checks.add(new Check(subject, u.firstSeq, false, "UNTRUSTED: its certificate names device "
                            + id.deviceId() + ", the export " + device));
                    continue;
                }
            } catch (TrustException ex) {
                checks.add(new Check(subject, u.firstSeq, false, "UNTRUSTED: signed " + signed + "; " + ex.getMessage()));
                continue;
            }
            checks.add(new Check(subject, u.firstSeq, true, "trusted: certificate " + leaf.getSubjectX500Principal().getName()
                    + ", issued by " + leaf.getIssuerX500Principal().getName() + ", valid " + leaf.getNotBefore().toInstant()
                    + " to " + leaf.getNotAfter().toInstant() + ", chain valid to the trust root at the readings' times "
                    + Instant.ofEpochMilli(u.firstTime) + ".." + Instant.ofEpochMilli(u.lastTime) + "; signed " + signed));
            if (blockTimes != null) {
                for (Map.Entry<Long, long[]> b : u.blocks.entrySet()) {
                    checks.add(atBlock(kid, u, b.getKey(), b.getValue()));
                }
            }
            if (registry == null) {
                continue;
            }
            for (Map.Entry<Long, long[]> b : u.blocks.entrySet()) {
                long[] span = b.getValue();
                String what = "key " + kid + " at block " + b.getKey();
                try {
                    RegistryAbi.Status status = registry.statusAt(u.key, b.getKey());
                    checks.add(new Check(what, span[0], status.validForAnchoring(), "records seq " + span[0] + ".." + span[1]
                            + " (" + span[2] + ") anchored at block " + b.getKey() + ": device key "
                            + status.name().toLowerCase(Locale.ROOT) + " in the registry " + registry.address()));
                } catch (LedgerException ex) {
                    checks.add(new Check(what, span[0], false, "registry status unknown: " + ex.getMessage()));
                }
            }
            if (u.unanchored > 0) {
                notChecked.add("registry status of key " + kid + " for its " + u.unanchored + " record(s) not yet anchored");
            }
        }
        if (unreadable > 0) {
            notChecked.add("trust of " + unreadable + " unreadable record(s)");
        }
        return new Verdict(checks, notChecked);
    }

    /**
     * The key's chain validated at the time of the block that anchored its records seq
     * {@code span[0]..span[1]}, and the latest of those records dated no later than that block plus the
     * tolerance (a device cannot pick the time its certificate is judged at by dating its readings).
     */
    private Check atBlock(String kid, KeyUse u, long block, long[] span) {
        String what = "key " + kid + " certificate at block " + block;
        Instant at;
        try {
            at = blockTimes.of(block);
        } catch (LedgerException ex) {
            return new Check(what, span[0], false, "time of block " + block + " unknown: " + ex.getMessage());
        }
        Instant latest = Instant.ofEpochMilli(span[3]);
        if (latest.isAfter(at.plus(DeviceTrustVerifier.READING_AFTER_BLOCK_TOLERANCE))) {
            return new Check(what, span[0], false, "UNTRUSTED: a record of seq " + span[0] + ".." + span[1] + " is dated "
                    + latest + ", after its anchoring block " + block + " (" + at + ") by more than "
                    + DeviceTrustVerifier.READING_AFTER_BLOCK_TOLERANCE.toMinutes() + " minutes");
        }
        try {
            new ChainValidator(root).validate(u.chain, at);
        } catch (TrustException ex) {
            return new Check(what, span[0], false, "UNTRUSTED: records seq " + span[0] + ".." + span[1]
                    + " anchored at block " + block + " (" + at + "): " + ex.getMessage());
        }
        return new Check(what, span[0], true, "chain valid to the trust root at block " + block + " (" + at
                + "), which anchored seq " + span[0] + ".." + span[1] + ", none dated after it");
    }

    /** What one key signed in the export. */
    private static final class KeyUse {
        final PublicKey key;
        final List<X509Certificate> chain;
        final TreeMap<Long, long[]> blocks = new TreeMap<>();
        long records;
        long unanchored;
        long firstSeq;
        long lastSeq;
        long firstTime = Long.MAX_VALUE;
        long lastTime = Long.MIN_VALUE;

        KeyUse(PublicKey key, List<X509Certificate> chain) {
            this.key = key;
            this.chain = chain;
        }

        void add(long seq, long time) {
            if (records++ == 0) {
                firstSeq = seq;
            }
            lastSeq = seq;
            firstTime = Math.min(firstTime, time);
            lastTime = Math.max(lastTime, time);
        }
    }
}
