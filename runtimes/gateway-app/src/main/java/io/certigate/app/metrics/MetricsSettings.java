package io.certigate.app.metrics;

import io.certigate.core.config.LoopbackHost;
import io.certigate.core.config.Setting;
import io.certigate.core.config.Setting.Scope;
import io.certigate.core.config.Setting.Type;
import java.util.List;
import java.util.Optional;

/** The metrics endpoint's settings ({@code metrics.*}) of {@code certigate run}. */
public final class MetricsSettings {
    private MetricsSettings() {}

    /** The metrics endpoint's TCP port; -1 (absent) for none, 0 for any free port. */
    public static final Setting PORT = Setting.whole("metrics.port", -1, -1, 65_535, "",
            "serve Prometheus metrics at /metrics on this TCP port (0: any free port; -1: no endpoint)")
            .only(Scope.STANDALONE);
    public static final Setting ADDRESS = Setting.of("metrics.address", Type.TEXT, "127.0.0.1",
            "address the metrics endpoint binds to (not loopback: a warning at start)").only(Scope.STANDALONE);

    public static final List<Setting> ALL = List.of(PORT, ADDRESS);

    private static final System.Logger LOG = System.getLogger(MetricsSettings.class.getName());

    /**
     * Issue #20: the warning for a {@code metrics.address} that is not loopback ({@code 0.0.0.0},
     * {@code ::}, a LAN address, a name other than {@code localhost}), empty for a loopback one. The
     * endpoint has no authentication and its figures describe the device and its traffic.
     */
    public static Optional<String> bindWarning(String address) {
        if (LoopbackHost.is(address)) {
            return Optional.empty();
        }
        return Optional.of(ADDRESS.key() + " = " + address + " serves /metrics without authentication to every network"
                + " that can reach this address, not only to this machine: keep " + ADDRESS.defaultValue()
                + " and scrape through a local agent or a tunnel, or restrict the port with a firewall");
    }

    /** Logs {@link #bindWarning} as a warning, if any; called once, when the endpoint starts. */
    public static void warnOnWideBind(String address) {
        bindWarning(address).ifPresent(w -> LOG.log(System.Logger.Level.WARNING, w));
    }
}
