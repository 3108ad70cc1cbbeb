package io.certigate.fleet.ingest;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the ingest counts, for logs, tests and the metrics endpoint: messages received from the
 * broker, forwarded to Kafka, refused by reason, produce failures, acknowledgements sent, messages
 * in flight, and the produce latency (from {@code send} to Kafka's acknowledgement). Thread-safe;
 * every value only grows except {@link #inFlight()}.
 */
public final class IngestMetrics {
    /** Why a message was not forwarded (it was reported as a finding instead). */
    public enum Refusal {
        /** The topic's device id is empty, too long or has control characters. */
        INVALID_DEVICE_ID("invalid-device-id"),
        /** The payload is over the configured size, or Kafka refused it as too large. */
        OVERSIZED("oversized");

        private final String code;

        Refusal(String code) {
            this.code = code;
        }

        /** The stable name in logs and metrics. */
        public String code() {
            return code;
        }
    }

    /** Upper bounds (ms, inclusive) of the produce latency buckets; the last bucket is everything above. */
    public static final long[] LATENCY_BOUNDS_MS = {1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 5000};

    private final LongAdder received = new LongAdder();
    private final LongAdder forwarded = new LongAdder();
    private final LongAdder findings = new LongAdder();
    private final Map<Refusal, LongAdder> refused = new EnumMap<>(Refusal.class);
    private final LongAdder produceFailures = new LongAdder();
    private final LongAdder acknowledged = new LongAdder();
    private final LongAdder connectionsDropped = new LongAdder();
    private final AtomicLong inFlight = new AtomicLong();
    private final AtomicLong inFlightPeak = new AtomicLong();
    private final LongAdder latencyCount = new LongAdder();
    private final LongAdder latencySumNanos = new LongAdder();
    private final AtomicLong latencyMaxNanos = new AtomicLong();
    private final LongAdder[] latencyBuckets = new LongAdder[LATENCY_BOUNDS_MS.length + 1];

    public IngestMetrics() {
        for (Refusal r : Refusal.values()) {
            refused.put(r, new LongAdder());
        }
        for (int i = 0; i < latencyBuckets.length; i++) {
            latencyBuckets[i] = new LongAdder();
        }
    }

    /** MQTT messages received (redeliveries included). */
    public long received() {
        return received.sum();
    }

    /** Messages Kafka acknowledged on {@code certigate.records}. */
    public long forwarded() {
        return forwarded.sum();
    }

    /** Findings Kafka acknowledged on {@code certigate.findings}. */
    public long findings() {
        return findings.sum();
    }

    public long refused(Refusal why) {
        return refused.get(why).sum();
    }

    /** Produces Kafka failed (or refused at {@code send}); the message was not acknowledged to the broker. */
    public long produceFailures() {
        return produceFailures.sum();
    }

    /** PUBACKs handed to the MQTT client. */
    public long acknowledged() {
        return acknowledged.sum();
    }

    /** Connections the ingest dropped after a failed produce, so that the broker sends again. */
    public long connectionsDropped() {
        return connectionsDropped.sum();
    }

    /** Messages received and not yet acknowledged (nor given up with their connection). */
    public long inFlight() {
        return inFlight.get();
    }

    /** The most messages ever in flight at once (at most the in-flight limit). */
    public long inFlightPeak() {
        return inFlightPeak.get();
    }

    /** Produces that completed (either way), with their latency. */
    public long produceLatencyCount() {
        return latencyCount.sum();
    }

    public long produceLatencySumNanos() {
        return latencySumNanos.sum();
    }

    public long produceLatencyMaxNanos() {
        return latencyMaxNanos.get();
    }

    /** Produces per latency bucket ({@link #LATENCY_BOUNDS_MS}, then one for everything above); not cumulative. */
    public long[] produceLatencyBuckets() {
        long[] out = new long[latencyBuckets.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = latencyBuckets[i].sum();
        }
        return out;
    }

    void countReceived() {
        received.increment();
    }

    void countForwarded() {
        forwarded.increment();
    }

    void countFinding() {
        findings.increment();
    }

    void countRefused(Refusal why) {
        refused.get(why).increment();
    }

    void countProduceFailure() {
        produceFailures.increment();
    }

    void countAcknowledged(int n) {
        acknowledged.add(n);
    }

    void countConnectionDropped() {
        connectionsDropped.increment();
    }

    void addInFlight(long delta) {
        long now = inFlight.addAndGet(delta);
        inFlightPeak.accumulateAndGet(now, Math::max);
    }

    void recordProduceLatency(long nanos) {
        latencyCount.increment();
        latencySumNanos.add(nanos);
        latencyMaxNanos.accumulateAndGet(nanos, Math::max);
        long ms = nanos / 1_000_000;
        int i = 0;
        while (i < LATENCY_BOUNDS_MS.length && ms > LATENCY_BOUNDS_MS[i]) {
            i++;
        }
        latencyBuckets[i].increment();
    }

    @Override
    public String toString() {
        return "received=" + received() + " forwarded=" + forwarded() + " findings=" + findings()
                + " refused_invalid_device_id=" + refused(Refusal.INVALID_DEVICE_ID) + " refused_oversized="
                + refused(Refusal.OVERSIZED) + " produce_failures=" + produceFailures() + " acknowledged="
                + acknowledged() + " in_flight=" + inFlight() + " connections_dropped=" + connectionsDropped();
    }
}
