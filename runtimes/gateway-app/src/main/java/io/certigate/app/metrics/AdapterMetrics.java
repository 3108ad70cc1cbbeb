package io.certigate.app.metrics;

import io.certigate.core.metrics.AdapterHealth;
import io.certigate.core.metrics.Metrics;
import java.util.function.Supplier;

/** Registers a source adapter's health under {@code adapter="<source id>"}. See docs/metrics.md. */
public final class AdapterMetrics {
    private AdapterMetrics() {}

    public static void register(Metrics m, String adapter, Supplier<AdapterHealth> health) {
        m.gauge("certigate_adapter_connected", "1 while the adapter's link is up (port open, session polling, endpoint "
                + "serving), else 0.", () -> health.get().connected() ? 1 : 0, "adapter", adapter);
        m.counter("certigate_adapter_reconnects_total", "Attempts to get the adapter's link back after it failed or could "
                + "not be opened.", () -> health.get().reconnects(), "adapter", adapter);
        m.counter("certigate_adapter_malformed_total", "Frames or replies the adapter rejected (checksum, garbage, bad pack).",
                () -> health.get().malformed(), "adapter", adapter);
        m.counter("certigate_adapter_readings_total", "Readings the adapter handed to the sequencer.",
                () -> health.get().readings(), "adapter", adapter);
    }
}
