package io.certigate.app.metrics;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Every family a fully configured {@code certigate run} serves, with its type: what docs/metrics.md lists. */
public final class ServedFamilies {
    public static final Map<String, String> ALL;

    static {
        Map<String, String> m = new LinkedHashMap<>();
        for (String g : new String[] {"certigate_build_info", "certigate_buffer_records", "certigate_buffer_undelivered",
                "certigate_buffer_bytes", "certigate_chain_head_seq", "certigate_oldest_undelivered_age_seconds",
                "certigate_oldest_unanchored_age_seconds", "certigate_sequencer_queue_depth",
                "certigate_readings_last_refusal_timestamp_seconds", "certigate_readings_last_refusal_info",
                "certigate_uplink_connected", "certigate_uplink_last_error_timestamp_seconds", "certigate_uplink_last_error_info",
                "certigate_anchor_last_anchored_seq", "certigate_anchor_lag_records", "certigate_anchor_ledger_reachable",
                "certigate_adapter_connected", "certigate_gnss_fix_usable", "certigate_gnss_clock_offset_seconds",
                "certigate_gnss_satellites_used", "certigate_route_undelivered"}) {
            m.put(g, "gauge");
        }
        for (String c : new String[] {"certigate_readings_total", "certigate_readings_refused_total", "certigate_alerts_total",
                "certigate_uplink_delivered_total", "certigate_uplink_reconnects_total", "certigate_anchor_failures_total",
                "certigate_adapter_reconnects_total", "certigate_adapter_malformed_total", "certigate_adapter_readings_total",
                "certigate_gnss_clock_offset_alerts_total"}) {
            m.put(c, "counter");
        }
        ALL = Collections.unmodifiableMap(m);
    }

    private ServedFamilies() {}
}
