package io.certigate.app.fleet;

import io.certigate.core.metrics.Metrics;
import io.certigate.fleet.anchor.AnchorMetrics;
import io.certigate.fleet.anchor.FleetAggregator;
import io.certigate.fleet.ingest.IngestMetrics;
import io.certigate.fleet.store.StoreMetrics;
import io.certigate.fleet.topics.FindingType;
import io.certigate.fleet.verify.FleetVerifyMetrics;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Registers a fleet instance's counters under {@code certigate_fleet_*} (see docs/metrics.md): per
 * stage, what came in, what went out and what was refused by reason, so that received = verified +
 * duplicates + refused can be checked from the metrics alone; latencies as a total of seconds and a
 * count (their ratio over an interval is the mean) and a maximum.
 */
public final class FleetMetrics {
    private FleetMetrics() {
    }

    public static void register(Metrics m, FleetNode node) {
        if (node.ingest() != null) {
            ingest(m, node.ingest().metrics());
        }
        if (node.verifier() != null) {
            verify(m, node.verifier().metrics());
        }
        if (node.storeMetrics() != null) {
            store(m, node.storeMetrics());
        }
        if (node.storeMetrics() != null) {
            devices(m, node::devicesStored);
        }
        if (node.verifier() != null || node.storeMetrics() != null) {
            lag(m, node::consumerLag);
        }
        if (node.anchor() != null) {
            anchor(m, node.anchor().metrics(), java.time.Clock.systemUTC());
        }
    }

    static void anchor(Metrics m, AnchorMetrics a, java.time.Clock clock) {
        m.varying("certigate_fleet_anchor_statements_total", "Batch statements the anchor role handled, by outcome:"
                + " taken (new from Kafka), resent (re-sent with a receipt handed over already: handed over again),"
                + " accepted and refused (checked by this instance while it led).", Metrics.Type.COUNTER, "outcome", () -> {
                    Map<String, Long> out = new LinkedHashMap<>();
                    out.put("taken", a.taken());
                    out.put("resent", a.receiptsAgain());
                    out.put("accepted", a.accepted());
                    out.put("refused", a.refused());
                    return out;
                });
        m.varying("certigate_fleet_anchor_intervals_total", "Fleet intervals this instance fixed (a tree over the"
                + " statements accepted meanwhile) and anchored (found on the ledger, receipts stored).",
                Metrics.Type.COUNTER, "state", () -> {
                    Map<String, Long> out = new LinkedHashMap<>();
                    out.put("fixed", a.intervalsFixed());
                    out.put("anchored", a.intervalsAnchored());
                    return out;
                });
        m.counter("certigate_fleet_anchor_receipts_delivered_total", "Receipts the broker acknowledged (QoS 1) to"
                + " the gateways' receipts topics.", a::receiptsDelivered);
        m.counter("certigate_fleet_anchor_database_failures_total", "Times the anchor role lost PostgreSQL and"
                + " dropped its connections (opened again every second until it answers).", a::databaseFailures);
        m.gauge("certigate_fleet_anchor_leader", "1 while this instance holds the aggregator's lock (one instance"
                + " of the fleet anchors at a time), else 0.", () -> a.leader() ? 1 : 0);
        m.gauge("certigate_fleet_anchor_ledger_outage_seconds", "How long the leading instance has found the ledger"
                + " unreachable with an interval to anchor; 0 when it is reachable or there is nothing to anchor.",
                () -> a.ledgerOutageSeconds(clock.millis()));
        m.varying("certigate_fleet_anchor_pending", "What aggregated anchoring has still to do, read from PostgreSQL"
                + " at most every 5 s: unchecked statements (their records or predecessor not there yet), unanchored"
                + " statements (accepted, no receipt yet), undelivered receipts, unanchored intervals.",
                Metrics.Type.GAUGE, "what", () -> {
                    FleetAggregator.Backlog b = a.backlog();
                    Map<String, Long> out = new LinkedHashMap<>();
                    if (b != null) {
                        out.put("unchecked_statements", b.pending());
                        out.put("unanchored_statements", b.unanchored());
                        out.put("undelivered_receipts", b.receiptsPending());
                        out.put("unanchored_intervals", b.intervalsPending());
                    }
                    return out;
                });
    }

    static void devices(Metrics m, java.util.function.LongSupplier stored) {
        m.gauge("certigate_fleet_devices", "Devices seen: devices the store holds records or findings of (read at most"
                + " every 5 s).", () -> {
                    long n = stored.getAsLong();
                    return n < 0 ? Double.NaN : n;
                });
    }

    static void lag(Metrics m, java.util.function.Supplier<Map<String, Long>> lag) {
        m.varying("certigate_fleet_consumer_lag", "Records a consumer group of this instance has still to read, all"
                + " partitions of its topics together (read from the cluster at most every 5 s).", Metrics.Type.GAUGE,
                "group", lag);
    }

    static void ingest(Metrics m, IngestMetrics i) {
        m.counter("certigate_fleet_ingest_received_total", "MQTT messages the ingest received (redeliveries included).",
                i::received);
        m.counter("certigate_fleet_ingest_forwarded_total", "MQTT messages Kafka acknowledged on certigate.records.",
                i::forwarded);
        m.varying("certigate_fleet_ingest_refused_total", "MQTT messages not forwarded, by reason (each a finding).",
                Metrics.Type.COUNTER, "reason", () -> {
                    Map<String, Long> r = new LinkedHashMap<>();
                    for (IngestMetrics.Refusal why : IngestMetrics.Refusal.values()) {
                        r.put(why.code(), i.refused(why));
                    }
                    return r;
                });
        m.counter("certigate_fleet_ingest_produce_failures_total", "Produces Kafka failed (the message is not"
                + " acknowledged to the broker and comes again).", i::produceFailures);
        m.gauge("certigate_fleet_ingest_in_flight", "Messages received and not yet acknowledged to the broker.",
                i::inFlight);
        m.counter("certigate_fleet_ingest_produce_milliseconds_total", "Time from receipt to Kafka's acknowledgement, summed.",
                () -> i.produceLatencySumNanos() / 1_000_000L);
        m.counter("certigate_fleet_ingest_produces_total", "Produces Kafka acknowledged (the count of the latency sum).",
                i::produceLatencyCount);
        m.gauge("certigate_fleet_ingest_produce_max_seconds", "Longest time from receipt to Kafka's acknowledgement.",
                () -> i.produceLatencyMaxNanos() / 1e9);
    }

    static void verify(Metrics m, FleetVerifyMetrics v) {
        m.varying("certigate_fleet_verify_records_total", "Records the verification handled, by outcome (received,"
                + " verified, erasures, duplicates, buffered, parked, released, statuses, keys_learned).",
                Metrics.Type.COUNTER, "outcome", () -> {
                    Map<String, Long> out = new LinkedHashMap<>();
                    v.snapshot().forEach((k, n) -> {
                        if (!k.contains(".")) {
                            out.put(k, n);
                        }
                    });
                    return out;
                });
        m.varying("certigate_fleet_verify_refused_total", "Records the verification refused, by finding type.",
                Metrics.Type.COUNTER, "type", () -> byType(v, true));
        m.varying("certigate_fleet_findings_total", "Findings emitted on certigate.findings, by type.",
                Metrics.Type.COUNTER, "type", () -> byType(v, false));
    }

    private static Map<String, Long> byType(FleetVerifyMetrics v, boolean refused) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (FindingType t : FindingType.values()) {
            out.put(t.code(), refused ? v.refused(t) : v.findings(t));
        }
        return out;
    }

    static void store(Metrics m, StoreMetrics s) {
        m.counter("certigate_fleet_store_records_total", "Verified records written to PostgreSQL (first time only).",
                s::stored);
        m.counter("certigate_fleet_store_duplicates_total", "Verified records already stored (a replay after a crash).",
                s::duplicates);
        m.counter("certigate_fleet_store_forks_total", "Records whose (device, seq) is stored with other hashes.",
                s::forks);
        m.counter("certigate_fleet_store_erasures_total", "Erasures honoured (the stored record's payload removed).",
                s::erased);
        m.counter("certigate_fleet_store_findings_total", "Findings written to PostgreSQL.", s::findings);
        m.counter("certigate_fleet_store_transactions_total", "PostgreSQL transactions committed.", s::transactions);
        m.counter("certigate_fleet_store_failed_attempts_total", "Writes PostgreSQL failed (retried, nothing skipped).",
                s::failedAttempts);
        m.counter("certigate_fleet_store_write_milliseconds_total", "Time spent in committed PostgreSQL transactions, summed.",
                () -> s.writeLatencyNanos() / 1_000_000L);
        m.gauge("certigate_fleet_store_write_max_seconds", "Longest PostgreSQL transaction.",
                () -> s.maxWriteLatencyNanos() / 1e9);
    }
}
