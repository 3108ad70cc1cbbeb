package io.certigate.kura.coap;

import io.certigate.core.config.ConfigValues;
import io.certigate.core.model.TimeQuality;
import io.certigate.meter.coap.CoapIngestServer;
import io.certigate.meter.coap.CoapIngestSettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The CoAP ingest's options, validated once from a ConfigAdmin property map; equal configurations
 * give equal options. The sensors' keys are kept as their source ({@code file:PATH} or
 * {@code env:NAME}) and read when the server starts.
 */
public record CoapIngestOptions(String bind, int port, String path, String pskSource, int maxPayload, Duration commitTimeout,
        TimeQuality sensorClockQuality, TimeQuality gatewayClockQuality) {

    /**
     * Reads the keys of {@link CoapIngestSettings}; a former id ({@code coap.bind}, ...) is read when
     * its key is absent, with a warning naming the key.
     *
     * @throws IllegalArgumentException naming the key and the bad value
     */
    public static CoapIngestOptions from(Map<String, ?> p) {
        ConfigValues v = ConfigValues.withFormerKeys(CoapIngestComponent.PID, p, CoapIngestSettings.ALL);
        String bind = v.text(CoapIngestSettings.ADDRESS);
        int port = v.wholeInt(CoapIngestSettings.PORT);
        String path = v.text(CoapIngestSettings.PATH);
        if (!path.matches("[a-z0-9_-]+(/[a-z0-9_-]+)*")) {
            throw v.bad(CoapIngestSettings.PATH.key(), path, "must be a simple path (lower-case letters, digits, '_', '-', '/')");
        }
        String psk = v.secretSource(CoapIngestSettings.PSK_SOURCE.key(), true);
        int maxPayload = v.wholeInt(CoapIngestSettings.MAX_PAYLOAD_BYTES);
        return new CoapIngestOptions(bind, port, path, psk, maxPayload,
                Duration.ofMillis(v.whole(CoapIngestSettings.COMMIT_TIMEOUT_MS)),
                v.timeQuality(CoapIngestSettings.SENSOR_CLOCK_QUALITY.key(), CoapIngestSettings.SENSOR_CLOCK_QUALITY.defaultValue()),
                v.timeQuality(CoapIngestSettings.TIME_QUALITY.key(), CoapIngestSettings.TIME_QUALITY.defaultValue()));
    }

    /** The server's options, with the keys read from their source. */
    public CoapIngestServer.Options server() throws IOException {
        return new CoapIngestServer.Options(new InetSocketAddress(bind, port), path, sensorKeys(pskSource, System::getenv),
                maxPayload, commitTimeout, sensorClockQuality, gatewayClockQuality);
    }

    /**
     * Reads {@code sensor-id = hex key} lines (blank lines and {@code #} comments ignored) from
     * {@code file:PATH}, or from the variable of {@code env:NAME} (lines or {@code ;}-separated).
     *
     * @throws IOException naming the source and the line, never a key
     */
    static Map<String, byte[]> sensorKeys(String source, Function<String, String> env) throws IOException {
        String text;
        if (source.startsWith("file:")) {
            Path file = Path.of(source.substring(5));
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IOException(CoapIngestComponent.PID + ": coap.ingest.psk-source: cannot read " + file + ": " + e.getMessage(), e);
            }
        } else {
            String name = source.substring(4);
            text = env.apply(name);
            if (text == null) {
                throw new IOException(CoapIngestComponent.PID + ": coap.ingest.psk-source: environment variable " + name + " is not set");
            }
            text = text.replace(';', '\n');
        }
        Map<String, byte[]> keys = new LinkedHashMap<>();
        String[] lines = text.split("\r?\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            String id = eq < 0 ? "" : line.substring(0, eq).strip();
            String hex = eq < 0 ? "" : line.substring(eq + 1).strip();
            byte[] key;
            try {
                key = HexFormat.of().parseHex(hex);
            } catch (IllegalArgumentException e) {
                key = new byte[0];
            }
            if (id.isEmpty() || key.length == 0) {
                throw new IOException(CoapIngestComponent.PID + ": coap.ingest.psk-source " + source + " line " + (i + 1)
                        + " is not 'sensor-id = key in hex'");
            }
            if (keys.put(id, key) != null) {
                throw new IOException(CoapIngestComponent.PID + ": coap.ingest.psk-source " + source + " line " + (i + 1)
                        + ": sensor '" + id + "' is listed twice");
            }
        }
        if (keys.isEmpty()) {
            throw new IOException(CoapIngestComponent.PID + ": coap.ingest.psk-source " + source + " lists no sensor");
        }
        return keys;
    }
}
