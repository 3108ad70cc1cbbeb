package io.certigate.fleet.verify;

import io.certigate.fleet.topics.FindingType;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of the verification stage, shared by all stream threads of an instance and cheap to
 * increment ({@link LongAdder}s); a metrics endpoint reads {@link #snapshot()}. They count what this
 * instance processed since it started: under exactly-once a transaction that is aborted and
 * processed again is counted twice, so the exact figures are the output topics' records.
 *
 * <p>{@code received} counts the items of uplink batches plus the payloads that could not be split
 * into items (each counted once); every received item ends up in exactly one of {@code verified},
 * {@code duplicates}, {@code buffered} (waiting ahead of a gap, counted again when it is verified),
 * {@code parked} or {@code refused} by finding type.
 */
public final class FleetVerifyMetrics {
    private final LongAdder received = new LongAdder();
    private final LongAdder statuses = new LongAdder();
    private final LongAdder verified = new LongAdder();
    private final LongAdder erasures = new LongAdder();
    private final LongAdder duplicates = new LongAdder();
    private final LongAdder parked = new LongAdder();
    private final LongAdder released = new LongAdder();
    private final LongAdder buffered = new LongAdder();
    private final LongAdder keysLearned = new LongAdder();
    private final Map<FindingType, LongAdder> refused = new EnumMap<>(FindingType.class);
    private final Map<FindingType, LongAdder> findings = new EnumMap<>(FindingType.class);

    public FleetVerifyMetrics() {
        for (FindingType t : FindingType.values()) {
            refused.put(t, new LongAdder());
            findings.put(t, new LongAdder());
        }
    }

    void onReceived() {
        received.increment();
    }

    void onStatus() {
        statuses.increment();
    }

    void onVerified(boolean erasure) {
        verified.increment();
        if (erasure) {
            erasures.increment();
        }
    }

    void onDuplicate() {
        duplicates.increment();
    }

    void onParked() {
        parked.increment();
    }

    void onReleased() {
        released.increment();
    }

    void onBuffered() {
        buffered.increment();
    }

    void onKeyLearned() {
        keysLearned.increment();
    }

    /** An item refused for {@code type} (it was not passed on). */
    void onRefused(FindingType type) {
        refused.get(type).increment();
    }

    /** A finding emitted (refusals, and gaps and unknown devices, which refuse nothing). */
    void onFinding(FindingType type) {
        findings.get(type).increment();
    }

    public long received() {
        return received.sum();
    }

    public long verified() {
        return verified.sum();
    }

    public long duplicates() {
        return duplicates.sum();
    }

    public long parked() {
        return parked.sum();
    }

    public long refused(FindingType type) {
        return refused.get(type).sum();
    }

    public long findings(FindingType type) {
        return findings.get(type).sum();
    }

    /** Every counter by a stable name ({@code refused.bad-signature}, {@code findings.gap}, ...). */
    public Map<String, Long> snapshot() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("received", received.sum());
        m.put("statuses", statuses.sum());
        m.put("verified", verified.sum());
        m.put("erasures", erasures.sum());
        m.put("duplicates", duplicates.sum());
        m.put("buffered", buffered.sum());
        m.put("parked", parked.sum());
        m.put("released", released.sum());
        m.put("keys_learned", keysLearned.sum());
        refused.forEach((t, v) -> m.put("refused." + t.code(), v.sum()));
        findings.forEach((t, v) -> m.put("findings." + t.code(), v.sum()));
        return m;
    }

    @Override
    public String toString() {
        return snapshot().toString();
    }
}
