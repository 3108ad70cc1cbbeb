package io.certigate.app.metrics;

import io.certigate.core.metrics.Metrics;
import io.certigate.uplink.UplinkHealth;
import java.util.Map;
import java.util.function.Supplier;

/** Registers an uplink's health under {@code transport="mqtt"|"coap"}. See docs/metrics.md. */
public final class UplinkMetrics {
    private UplinkMetrics() {}

    public static void register(Metrics m, String transport, Supplier<UplinkHealth> health) {
        m.gauge("certigate_uplink_connected", "1 while the uplink is connected (CoAP: the last exchange succeeded), else 0.",
                () -> health.get().connected() ? 1 : 0, "transport", transport);
        m.counter("certigate_uplink_delivered_total", "Records the peer acknowledged and the buffer marked delivered.",
                () -> health.get().recordsDelivered(), "transport", transport);
        m.counter("certigate_uplink_reconnects_total", "Attempts to get the uplink back after it failed.",
                () -> health.get().reconnects(), "transport", transport);
        m.gauge("certigate_uplink_last_error_timestamp_seconds", "Time of the uplink's last failure (absent: none since start).",
                () -> SpineMetrics.seconds(health.get().lastProblemMillis()), "transport", transport);
        m.varying("certigate_uplink_last_error_info", "Kind of the uplink's last failure (value 1): credentials, tls, "
                + "unreachable, lost or rejected.", Metrics.Type.GAUGE, "reason", () -> {
                    UplinkHealth.Problem p = health.get().lastProblem();
                    return p == null ? Map.of() : Map.of(p.label(), 1);
                }, "transport", transport);
    }
}
