package io.certigate.fleet.verify;

import io.certigate.core.io.LogText;
import io.certigate.fleet.collector.DeviceKeys;
import io.certigate.fleet.topics.Finding;
import io.certigate.fleet.topics.FindingType;
import io.certigate.fleet.topics.FleetTopics;
import io.certigate.fleet.topics.VerifiedRecord;
import io.certigate.uplink.BatchDecoder;
import io.certigate.uplink.StatusMessage;
import io.certigate.uplink.UplinkException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Verifies the Kafka records of {@link FleetTopics#RECORDS} device by device (see the package's
 * section of the module README for the method). Bad input becomes a {@link Finding} and is never
 * thrown: only Kafka's own exceptions (a fenced producer, a failed changelog write) leave
 * {@link #process}, so that Kafka Streams can abort the transaction and retry.
 *
 * <p>Time is the processor context's wall clock ({@link ProcessorContext#currentSystemTimeMs()}),
 * the same clock the gap punctuator runs on: the system clock in production, virtual time in
 * {@code TopologyTestDriver}. The processor splits batches, reads status messages, checks
 * signatures against the trusted keys, parks and releases records and runs the punctuators; the
 * chain itself is {@link DeviceChain}'s.
 */
final class VerifyProcessor implements Processor<byte[], byte[], byte[], byte[]>, DeviceChain.Sink {
    private static final System.Logger LOG = System.getLogger(VerifyProcessor.class.getName());
    private static final byte[] NO_STATUS = new byte[0];

    private final FleetVerifySettings settings;
    private final DeviceKeys keys;
    private final TrustedKeys trustedKeys;
    private final FleetVerifyMetrics metrics;
    private ProcessorContext<byte[], byte[]> ctx;
    private KeyValueStore<Bytes, byte[]> heads;
    private KeyValueStore<Bytes, byte[]> openGaps;
    private DeviceChain chain;
    private KeyValueStore<Bytes, byte[]> parked;
    private KeyValueStore<Bytes, byte[]> parkedDevices;
    private KeyValueStore<Bytes, byte[]> learnedKeys;
    /** Timestamp of the output records: the input record's, or the punctuation time. */
    private long timestamp;
    private String lastProblem;

    VerifyProcessor(FleetVerifySettings settings, DeviceKeys keys, FleetVerifyMetrics metrics) {
        this.settings = settings;
        this.keys = keys;
        this.trustedKeys = new TrustedKeys(keys);
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        ctx = context;
        heads = context.getStateStore(VerifyStores.HEADS);
        openGaps = context.getStateStore(VerifyStores.OPEN_GAPS);
        chain = new DeviceChain(settings, metrics, context.getStateStore(VerifyStores.RECENT),
                context.getStateStore(VerifyStores.AHEAD), context.getStateStore(VerifyStores.GAPS), openGaps, this);
        parked = context.getStateStore(VerifyStores.PARKED);
        parkedDevices = context.getStateStore(VerifyStores.PARKED_DEVICES);
        learnedKeys = context.getStateStore(VerifyStores.LEARNED_KEYS);
        context.schedule(settings.gapCheckInterval(), PunctuationType.WALL_CLOCK_TIME, this::closeExpiredGaps);
        if (!settings.unknownDeviceAfter().isZero()) {
            context.schedule(settings.gapCheckInterval(), PunctuationType.WALL_CLOCK_TIME, this::reportLongParked);
        }
        if (!settings.registryRetry().isZero()) {
            context.schedule(settings.registryRetry(), PunctuationType.WALL_CLOCK_TIME, this::retryParkedDevices);
        }
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        timestamp = record.timestamp();
        byte[] id = record.key();
        String device = device(id);
        if (device == null) {
            metrics.onReceived();
            String shown = id == null ? "no key" : "key 0x" + HexFormat.of().formatHex(id, 0, Math.min(id.length, 64));
            refuse("", id == null ? new byte[0] : id, 0, FindingType.MALFORMED, "Kafka record with " + shown
                    + ": not a device id (UTF-8, 1 to " + FleetTopics.MAX_DEVICE_ID_BYTES + " bytes)");
            return;
        }
        byte[] value = record.value();
        Header kindHeader = record.headers().lastHeader(FleetTopics.HEADER_KIND);
        String kind = kindHeader == null || kindHeader.value() == null ? ""
                : new String(kindHeader.value(), StandardCharsets.UTF_8);
        try {
            if (value == null || value.length == 0) {
                metrics.onReceived();
                refuse(device, id, 0, FindingType.MALFORMED, "empty " + kind + " payload");
            } else if (value.length > settings.maxPayloadBytes()) {
                metrics.onReceived();
                refuse(device, id, 0, FindingType.OVERSIZED, kind + " payload of " + value.length
                        + " bytes, over the limit of " + settings.maxPayloadBytes());
            } else if (FleetTopics.KIND_READINGS.equals(kind)) {
                batch(device, id, value);
            } else if (FleetTopics.KIND_STATUS.equals(kind)) {
                status(device, id, value);
            } else {
                metrics.onReceived();
                refuse(device, id, 0, FindingType.MALFORMED, "Kafka record of unknown kind '" + kind + "'");
            }
        } catch (KafkaException e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "record of " + LogText.escape(device) + " could not be processed", e);
            refuse(device, id, 0, FindingType.MALFORMED, "record could not be processed: " + e);
        }
    }

    /** The device a key names, or null when it is not a device id. */
    private static String device(byte[] id) {
        if (id == null || id.length == 0 || id.length > FleetTopics.MAX_DEVICE_ID_BYTES) {
            return null;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(id)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    // ---- uplink batches

    private void batch(String device, byte[] id, byte[] payload) {
        List<byte[]> items;
        try {
            items = BatchDecoder.items(payload);
        } catch (BatchDecoder.BatchFormatException e) {
            metrics.onReceived();
            refuse(device, id, 0, FindingType.MALFORMED, "payload of " + payload.length
                    + " bytes is not an uplink batch: " + e.getMessage());
            return;
        }
        DeviceState st = load(device, id);
        for (byte[] bytes : items) {
            metrics.onReceived();
            try {
                Item item = Item.read(device, bytes);
                if (item instanceof Item.Signed s) {
                    chain.signed(st, s, true);
                } else {
                    chain.tombstone(st, (Item.Tombstone) item);
                }
            } catch (Refusal r) {
                refuse(device, id, r.seq(), r.type(), r.getMessage());
            } catch (KafkaException e) {
                throw e;
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "item of " + LogText.escape(device) + " could not be processed", e);
                refuse(device, id, 0, FindingType.MALFORMED, "item could not be processed: " + e);
            }
        }
        save(st);
    }

    /**
     * True when a trusted key of the device verifies {@code s}; otherwise it was refused (bad
     * signature) or parked (no trusted key with its key id yet).
     */
    @Override
    public boolean trusted(DeviceState st, Item.Signed s, boolean publishParked) {
        TrustedKeys.Bound key = trustedKeys.find(st.device, s.keyId());
        if (key == null && key(st.device, s.keyId()) != null) {
            key = trustedKeys.find(st.device, s.keyId()); // learned before a restart: in DeviceKeys now
        }
        if (key == null) {
            park(st, s, publishParked);
            return false;
        }
        String problem = key.problem(s.parsed());
        if (problem != null) {
            refuse(st, s.seq(), FindingType.BAD_SIGNATURE, problem);
            return false;
        }
        return true;
    }

    // ---- keys, status messages, parked records

    /** The trusted key of {@code device} with key id {@code kid}: configured, learned here or learned before a restart. */
    private PublicKey key(String device, byte[] kid) {
        PublicKey k = keys.find(device, kid);
        if (k != null) {
            return k;
        }
        byte[] stored = learnedKeys.get(VerifyStores.device(device.getBytes(StandardCharsets.UTF_8)));
        if (stored == null) {
            return null;
        }
        for (byte[] spki : spkis(stored)) {
            try {
                keys.add(device, io.certigate.verifier.export.ExportFile.publicKey(spki, VerifyStores.LEARNED_KEYS));
            } catch (io.certigate.verifier.export.ExportFormatException e) {
                problem("a learned key of " + LogText.escape(device) + " cannot be read back: " + e.getMessage());
            }
        }
        return keys.find(device, kid);
    }

    private static List<byte[]> spkis(byte[] stored) {
        List<byte[]> out = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(stored);
        while (b.remaining() >= 2) {
            byte[] k = new byte[b.getShort() & 0xffff];
            b.get(k);
            out.add(k);
        }
        return out;
    }

    private void park(DeviceState st, Item.Signed s, boolean publish) {
        Bytes k = VerifyStores.parked(st.id, s.seq(), s.chainHash());
        if (parked.get(k) != null) {
            metrics.onDuplicate();
            return;
        }
        parked.put(k, s.cose());
        if (publish) {
            metrics.onParked();
            ctx.forward(new Record<>(st.id, s.cose(), timestamp), FleetVerifyTopology.SINK_PARKED);
        }
        Bytes dk = VerifyStores.device(st.id);
        if (parkedDevices.get(dk) == null) {
            parkedDevices.put(dk, NO_STATUS);
        }
        if (st.parkedSince < 0) {
            st.parkedSince = timestamp;
        }
        if (!st.parkReported && settings.unknownDeviceAfter().isZero()) {
            reportParked(st, s);
        }
    }

    /** The finding of a device whose records are parked: no trusted key of it, or not the key they name. */
    private void reportParked(DeviceState st, Item.Signed s) {
        st.parkReported = true;
        boolean known = !keys.keysFor(st.device).isEmpty();
        finding(st.device, st.id, s.seq(), s.seq(), known ? FindingType.UNTRUSTED_KEY : FindingType.UNKNOWN_DEVICE,
                (known ? "signed by key id " + HexFormat.of().formatHex(s.keyId()) + ", not a trusted key of the device"
                        : "no trusted key of the device is known")
                        + "; its records are parked until a status message teaches one");
    }

    /**
     * Reports the devices whose records have been parked for {@code fleet.verify.unknown-device-after-ms}
     * (a status racing its readings through two ingest instances is no finding).
     */
    private void reportLongParked(long now) {
        timestamp = now;
        long after = settings.unknownDeviceAfter().toMillis();
        List<Bytes> devices = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = parkedDevices.all()) {
            it.forEachRemaining(e -> devices.add(e.key));
        }
        for (Bytes k : devices) {
            byte[] id = k.get();
            DeviceState st = load(new String(id, StandardCharsets.UTF_8), id);
            if (st.parkReported || st.parkedSince < 0 || st.parkedSince + after > now) {
                continue;
            }
            try (KeyValueIterator<Bytes, byte[]> it = parked.range(VerifyStores.first(st.id), VerifyStores.last(st.id))) {
                if (it.hasNext()) {
                    try {
                        reportParked(st, Item.signed(st.device, it.next().value));
                    } catch (Refusal r) {
                        continue; // parked records were read as signed records once: cannot happen
                    }
                    save(st);
                }
            }
        }
    }

    private void status(String device, byte[] id, byte[] payload) {
        metrics.onStatus();
        StatusMessage m;
        try {
            m = StatusMessage.decode(payload);
        } catch (UplinkException | RuntimeException e) {
            refuse(device, id, 0, FindingType.MALFORMED, "status message not readable: " + e.getMessage());
            return;
        }
        if (!m.device().equals(device)) {
            refuse(device, id, 0, FindingType.WRONG_DEVICE, "status of device " + m.device() + " arrived as one of " + device);
            return;
        }
        if (m.certificateChain().isEmpty()) {
            return;
        }
        PublicKey leaf = m.certificateChain().get(0).getPublicKey();
        if (key(device, io.certigate.signing.KeyIds.of(leaf)) != null) {
            // known already; records parked meanwhile (a transaction that taught it was aborted) go through now
            if (parkedDevices.get(VerifyStores.device(id)) != null) {
                DeviceState st = load(device, id);
                release(st);
                save(st);
            }
            return;
        }
        if (learn(device, id, m)) {
            return;
        }
        finding(device, id, 0, 0, FindingType.UNTRUSTED_KEY, "the certificate chain of the status message is not"
                + " accepted (consortium CA" + (settings.registryRetry().isZero() ? "" : ", device registry") + ")");
        if (!settings.registryRetry().isZero()) {
            parkedDevices.put(VerifyStores.device(id), payload); // tried again against the registry later
        }
    }

    /** Lets {@link DeviceKeys} consider the status's chain; when it teaches a key, keeps it and releases the parked records. */
    private boolean learn(String device, byte[] id, StatusMessage m) {
        if (!keys.learn(m)) {
            return false;
        }
        metrics.onKeyLearned();
        byte[] spki = m.certificateChain().get(0).getPublicKey().getEncoded();
        Bytes dk = VerifyStores.device(id);
        byte[] stored = learnedKeys.get(dk);
        if (stored == null || spkis(stored).stream().noneMatch(k -> Arrays.equals(k, spki))) {
            int len = stored == null ? 0 : stored.length;
            learnedKeys.put(dk, ByteBuffer.allocate(len + 2 + spki.length).put(stored == null ? new byte[0] : stored)
                    .putShort((short) spki.length).put(spki).array());
        }
        DeviceState st = load(device, id);
        release(st);
        save(st);
        return true;
    }

    /** Runs the parked records of the device through the verification again, in seq order. */
    private void release(DeviceState st) {
        List<KeyValue<Bytes, byte[]>> held = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = parked.range(VerifyStores.first(st.id), VerifyStores.last(st.id))) {
            it.forEachRemaining(held::add);
        }
        st.parkReported = false;
        st.parkedSince = -1;
        for (KeyValue<Bytes, byte[]> e : held) {
            parked.delete(e.key);
            metrics.onReleased();
            try {
                chain.signed(st, Item.signed(st.device, e.value), false);
            } catch (Refusal r) {
                refuse(st, r.seq(), r.type(), r.getMessage());
            }
        }
        try (KeyValueIterator<Bytes, byte[]> it = parked.range(VerifyStores.first(st.id), VerifyStores.last(st.id))) {
            if (!it.hasNext()) {
                parkedDevices.delete(VerifyStores.device(st.id));
            }
        }
    }

    // ---- punctuation

    private void closeExpiredGaps(long now) {
        timestamp = now;
        long timeout = settings.gapTimeout().toMillis();
        List<Bytes> due = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = openGaps.all()) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> e = it.next();
                if (ByteBuffer.wrap(e.value).getLong() + timeout <= now) {
                    due.add(e.key);
                }
            }
        }
        for (Bytes k : due) {
            byte[] id = k.get();
            DeviceState st = load(new String(id, StandardCharsets.UTF_8), id);
            if (st.ahead == 0) {
                openGaps.delete(k);
                continue;
            }
            chain.resume(st, "still open after " + settings.gapTimeout().toSeconds() + " s");
            save(st);
        }
    }

    private void retryParkedDevices(long now) {
        timestamp = now;
        List<KeyValue<Bytes, byte[]>> withStatus = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = parkedDevices.all()) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> e = it.next();
                if (e.value != null && e.value.length > 0) {
                    withStatus.add(e);
                }
            }
        }
        for (KeyValue<Bytes, byte[]> e : withStatus) {
            byte[] id = e.key.get();
            String device = new String(id, StandardCharsets.UTF_8);
            try {
                learn(device, id, StatusMessage.decode(e.value));
            } catch (UplinkException | RuntimeException ex) {
                if (ex instanceof KafkaException k) {
                    throw k;
                }
                parkedDevices.put(e.key, NO_STATUS);
            }
        }
    }

    // ---- state and output

    private DeviceState load(String device, byte[] id) {
        return DeviceState.decode(device, id, heads.get(VerifyStores.device(id)));
    }

    private void save(DeviceState st) {
        heads.put(VerifyStores.device(st.id), st.encode());
    }

    @Override
    public long now() {
        return ctx.currentSystemTimeMs();
    }

    @Override
    public void verified(DeviceState st, VerifiedRecord v) {
        ctx.forward(new Record<>(st.id, v.encode(), timestamp), FleetVerifyTopology.SINK_VERIFIED);
    }

    @Override
    public void finding(DeviceState st, long seq, long lastSeq, FindingType type, String detail) {
        finding(st.device, st.id, seq, lastSeq, type, detail);
    }

    @Override
    public void refuse(DeviceState st, long seq, FindingType type, String detail) {
        refuse(st.device, st.id, seq, type, detail);
    }

    private void refuse(String device, byte[] id, long seq, FindingType type, String detail) {
        metrics.onRefused(type);
        finding(device, id, seq, seq, type, detail);
    }

    private void finding(String device, byte[] id, long seq, long lastSeq, FindingType type, String detail) {
        metrics.onFinding(type);
        Finding f = new Finding(device, seq, lastSeq, type, detail, now());
        ctx.forward(new Record<>(id, f.encode(), timestamp), FleetVerifyTopology.SINK_FINDINGS);
        if (LOG.isLoggable(System.Logger.Level.DEBUG)) {
            LOG.log(System.Logger.Level.DEBUG, "{0} {1}/{2}: {3}", type.code(), LogText.escape(device), seq,
                    LogText.escape(detail));
        }
    }

    private void problem(String msg) {
        if (!msg.equals(lastProblem)) {
            LOG.log(System.Logger.Level.WARNING, msg);
            lastProblem = msg;
        }
    }
}
