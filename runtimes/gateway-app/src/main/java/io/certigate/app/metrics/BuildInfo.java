package io.certigate.app.metrics;

import io.certigate.app.CertigateVersion;
import io.certigate.core.metrics.Metrics;
import java.io.IOException;

/** The version this build was made from (filtered into {@code version.properties} by Maven) and the Java runtime. */
public final class BuildInfo {
    private BuildInfo() {}

    /** The project version ({@link CertigateVersion}), or {@code unknown} when the build did not filter it in. */
    public static String version() {
        try {
            return CertigateVersion.version();
        } catch (IOException e) {
            return "unknown";
        }
    }

    public static void register(Metrics m) {
        m.gauge("certigate_build_info", "Build of the running gateway (value 1): version and Java runtime.", () -> 1,
                "version", version(), "java", Runtime.version().toString());
    }
}
