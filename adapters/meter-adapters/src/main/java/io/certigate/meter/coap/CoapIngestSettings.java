package io.certigate.meter.coap;

import io.certigate.core.config.Setting;
import io.certigate.core.config.Setting.Scope;
import io.certigate.core.config.Setting.Type;
import java.util.List;

/**
 * The CoAP/SenML ingest's settings ({@code coap.ingest.*}), defined once for both runtimes. The
 * standalone file names each sensor's key ({@code coap.ingest.psk.<sensor>}); a Kura component,
 * whose form has fixed fields, names one source listing them all ({@code coap.ingest.psk-source}).
 * The Kura ids before the keys were shared ({@code coap.bind}, {@code coap.port}, ...) are read as
 * former keys.
 */
public final class CoapIngestSettings {
    private CoapIngestSettings() {}

    public static final String PREFIX = "coap.ingest.";

    public static final Setting ADDRESS = Setting.of("coap.ingest.address", Type.TEXT, "0.0.0.0",
            "address the DTLS endpoint binds to").formerly("coap.bind");
    /** UDP port of the DTLS endpoint (0: any free port). */
    public static final Setting PORT = Setting.whole("coap.ingest.port", 5684, 0, 65_535, "",
            "UDP port of the DTLS endpoint (0: any free port)").formerly("coap.port");
    public static final Setting PATH = Setting.of("coap.ingest.path", Type.TEXT, "senml",
            "resource path: coaps://<gateway>:<port>/<path>").formerly("coap.path");
    public static final Setting PSK = Setting.of("coap.ingest.psk.<sensor>", Type.SECRET_SOURCE, null,
            "the sensor's pre-shared key (hex, 16 bytes at least); the PSK identity is <sensor>").only(Scope.STANDALONE);
    public static final Setting PSK_SOURCE = Setting.of("coap.ingest.psk-source", Type.SECRET_SOURCE, null,
            "where the sensors' keys are read from, one 'sensor-id = key in hex' per line; required")
            .only(Scope.KURA).formerly("coap.psk-source");
    /** Largest SenML pack accepted (4.13 above). */
    public static final Setting MAX_PAYLOAD_BYTES = Setting.whole("coap.ingest.max-payload-bytes", 4096, 64, 1 << 20, "bytes",
            "largest SenML pack accepted (4.13 above)").formerly("coap.max-payload");
    /** How long a request waits for its readings' commit before 5.03. */
    public static final Setting COMMIT_TIMEOUT_MS = Setting.whole("coap.ingest.commit-timeout-ms", 5000, 1, 600_000, "ms",
            "how long a request waits for its readings' commit, then answers 5.03").formerly("coap.commit-timeout-ms");
    public static final Setting SENSOR_CLOCK_QUALITY = Setting.choice("coap.ingest.sensor-clock-quality", "rtc",
            List.of("gnss", "ntp", "rtc", "none"), "time quality of absolute SenML times (the sensor's clock)")
            .formerly("coap.sensor-time-quality");
    public static final Setting SEQUENCES_FILE = Setting.of("coap.ingest.sequences-file", Type.PATH, null,
            "SQLite file of the (sensor, seq) marks that recognise a retried pack; absent: a table in buffer.file")
            .only(Scope.STANDALONE);
    public static final Setting TIME_QUALITY = Setting.choice("time.quality", "ntp", List.of("gnss", "ntp", "rtc", "none"),
            "time quality of the gateway clock that resolves relative SenML times").only(Scope.KURA);

    public static final List<Setting> ALL = List.of(ADDRESS, PORT, PATH, PSK, PSK_SOURCE, MAX_PAYLOAD_BYTES, COMMIT_TIMEOUT_MS,
            SENSOR_CLOCK_QUALITY, SEQUENCES_FILE, TIME_QUALITY);
}
