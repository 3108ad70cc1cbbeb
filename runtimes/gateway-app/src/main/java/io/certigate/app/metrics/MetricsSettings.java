package io.certigate.app.metrics;

import io.certigate.core.config.Setting;
import io.certigate.core.config.Setting.Scope;
import io.certigate.core.config.Setting.Type;
import java.util.List;

/** The metrics endpoint's settings ({@code metrics.*}) of {@code certigate run}. */
public final class MetricsSettings {
    private MetricsSettings() {}

    /** The metrics endpoint's TCP port; -1 (absent) for none, 0 for any free port. */
    public static final Setting PORT = Setting.whole("metrics.port", -1, -1, 65_535, "",
            "serve Prometheus metrics at /metrics on this TCP port (0: any free port; -1: no endpoint)")
            .only(Scope.STANDALONE);
    public static final Setting ADDRESS = Setting.of("metrics.address", Type.TEXT, "127.0.0.1",
            "address the metrics endpoint binds to").only(Scope.STANDALONE);

    public static final List<Setting> ALL = List.of(PORT, ADDRESS);
}
