package io.certigate.app.metrics;

import io.certigate.core.metrics.Metrics;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version this build was made from (filtered into {@code build.properties} by Maven) and the Java runtime. */
public final class BuildInfo {
    private static final String RESOURCE = "/io/certigate/app/build.properties";

    private BuildInfo() {}

    /** The project version, or {@code unknown} when the resource is missing (a build outside Maven). */
    public static String version() {
        try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "").strip();
            return v.isEmpty() || v.startsWith("${") ? "unknown" : v;
        } catch (IOException e) {
            return "unknown";
        }
    }

    public static void register(Metrics m) {
        m.gauge("certigate_build_info", "Build of the running gateway (value 1): version and Java runtime.", () -> 1,
                "version", version(), "java", Runtime.version().toString());
    }
}
