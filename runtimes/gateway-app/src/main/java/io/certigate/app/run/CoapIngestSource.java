package io.certigate.app.run;

import io.certigate.app.metrics.AdapterMetrics;
import io.certigate.core.buffer.BufferException;
import io.certigate.core.metrics.Metrics;
import io.certigate.core.model.TimeQuality;
import io.certigate.core.spine.Spine;
import io.certigate.meter.coap.CoapIngestServer;
import io.certigate.meter.coap.CoapIngestSettings;
import io.certigate.meter.coap.SensorSequences;
import io.certigate.signing.Passphrase;
import io.certigate.signing.SigningException;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * The road-sensor hub's CoAP/SenML ingest over DTLS-PSK ({@link CoapIngestServer}, see
 * meter-adapters/README.md) in {@code certigate run}, from the {@code coap.ingest.*} keys. Any such
 * key enables it; everything is checked, and every sensor's secret read, before anything starts.
 *
 * The keys, defaults and ranges: {@link CoapIngestSettings}.
 *
 * <p>The marks that recognise a retried pack live by default in the record buffer's own file (their
 * own table, written through the buffer's writer), so that the buffer and its marks are backed up,
 * moved and erased together; {@code coap.ingest.sequences-file} keeps them apart instead.
 *
 * @param options       the server's options, sensor keys resolved
 * @param sequencesFile the marks' own file, or null for the buffer's file
 */
public record CoapIngestSource(CoapIngestServer.Options options, Path sequencesFile) {
    public static final String PREFIX = "coap.ingest.";
    private static final String PSK = PREFIX + "psk.";
    static final Set<String> KEYS = CoapIngestSettings.ALL.stream().filter(s -> s.scope().standalone() && !s.isFamily())
            .map(io.certigate.core.config.Setting::key).collect(java.util.stream.Collectors.toUnmodifiableSet());

    /** Whether the configuration asks for the ingest. */
    public static boolean present(Properties raw) {
        return raw.stringPropertyNames().stream().anyMatch(k -> k.startsWith(PREFIX));
    }

    /**
     * @param gatewayClockQuality time quality given to relative SenML times (resolved on this clock)
     * @throws RunConfig.ConfigException naming the key and the bad value
     */
    public static CoapIngestSource parse(Properties raw, String origin, TimeQuality gatewayClockQuality)
            throws RunConfig.ConfigException {
        RunConfig.Values v = new RunConfig.Values(raw, origin);
        Map<String, byte[]> keys = new TreeMap<>();
        for (String k : new java.util.TreeSet<>(raw.stringPropertyNames())) {
            if (k.startsWith("coap.") && !k.startsWith(PREFIX)) {
                throw new RunConfig.ConfigException(origin + ": unknown key " + k + " (the CoAP ingest's keys start with "
                        + PREFIX + ")");
            }
            if (k.startsWith(PSK)) {
                keys.put(k.substring(PSK.length()), secret(k, v.required(k), origin));
            } else if (k.startsWith(PREFIX) && !KEYS.contains(k)) {
                throw new RunConfig.ConfigException(origin + ": " + io.certigate.core.config.KeySuggestion.unknownKey(k, KEYS));
            }
        }
        if (keys.isEmpty()) {
            throw new RunConfig.ConfigException(origin + ": the CoAP ingest needs at least one sensor key, "
                    + PSK + "<sensor id> = file:PATH or env:NAME");
        }
        String address = v.get(CoapIngestSettings.ADDRESS.key(), CoapIngestSettings.ADDRESS.defaultValue());
        InetAddress bind;
        try {
            bind = InetAddress.getByName(address);
        } catch (UnknownHostException e) {
            throw new RunConfig.ConfigException(origin + ": " + PREFIX + "address = '" + address + "' is not an address");
        }
        int port = v.wholeInt(CoapIngestSettings.PORT);
        String path = v.get(CoapIngestSettings.PATH.key(), CoapIngestSettings.PATH.defaultValue());
        int maxPayload = v.wholeInt(CoapIngestSettings.MAX_PAYLOAD_BYTES);
        Duration commitTimeout = Duration.ofMillis(v.whole(CoapIngestSettings.COMMIT_TIMEOUT_MS));
        String quality = v.get(CoapIngestSettings.SENSOR_CLOCK_QUALITY.key(), CoapIngestSettings.SENSOR_CLOCK_QUALITY.defaultValue());
        TimeQuality sensorClock;
        try {
            sensorClock = TimeQuality.valueOf(quality.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new RunConfig.ConfigException(origin + ": " + PREFIX + "sensor-clock-quality = '" + quality
                    + "' is not gnss, ntp, rtc or none");
        }
        String sequences = v.get(PREFIX + "sequences-file", null);
        CoapIngestServer.Options options;
        try {
            options = new CoapIngestServer.Options(new InetSocketAddress(bind, port), path, keys, maxPayload,
                    commitTimeout, sensorClock, gatewayClockQuality);
        } catch (IllegalArgumentException e) {
            // a sensor identity that cannot be a PSK identity, or the path; the message names the value
            String key = e.getMessage().startsWith("resource path") ? PREFIX + "path" : PSK + "<sensor>";
            throw new RunConfig.ConfigException(origin + ": " + key + ": " + e.getMessage());
        }
        return new CoapIngestSource(options, sequences == null ? null : Path.of(sequences));
    }

    private static byte[] secret(String key, String source, String origin) throws RunConfig.ConfigException {
        if (!source.startsWith("file:") && !source.startsWith("env:")) {
            // perhaps the key itself: not repeated in the error, which may end up in a log
            throw new RunConfig.ConfigException(origin + ": " + key + " is neither file:PATH nor env:NAME (value not shown:"
                    + " a sensor key is never written in the configuration)");
        }
        char[] text;
        try {
            text = Passphrase.resolve(source);
        } catch (SigningException e) {
            throw new RunConfig.ConfigException(origin + ": " + key + " = '" + source + "': " + e.getMessage());
        }
        try {
            byte[] b = HexFormat.of().parseHex(new String(text).strip());
            if (b.length < 16) {
                throw new RunConfig.ConfigException(origin + ": " + key + " = '" + source + "': the key is " + b.length
                        + " bytes, at least 16 are needed");
            }
            return b;
        } catch (IllegalArgumentException e) {
            throw new RunConfig.ConfigException(origin + ": " + key + " = '" + source + "' does not hold a hex key: "
                    + e.getMessage());
        } finally {
            Arrays.fill(text, '\0');
        }
    }

    /** Starts the server on the spine's sequencer and registers its health; the handle closes it and its marks. */
    public AutoCloseable start(Spine spine, Clock clock, PrintStream out, Metrics metrics) throws IOException, BufferException {
        SensorSequences sequences = sequencesFile == null ? SensorSequences.inBuffer(spine.buffer(), clock)
                : SensorSequences.inFile(sequencesFile, clock);
        CoapIngestServer server;
        try {
            server = new CoapIngestServer(options, spine.sequencer(), sequences, clock).start();
        } catch (IOException | RuntimeException e) {
            sequences.close();
            throw e;
        }
        AdapterMetrics.register(metrics, "coap", server::health);
        out.println("certigate run: CoAP ingest on coaps://" + server.address().getHostString() + ":"
                + server.address().getPort() + "/" + options.path() + " (DTLS-PSK, " + options.sensorKeys().size()
                + " sensor" + (options.sensorKeys().size() == 1 ? "" : "s") + ", sequence marks in "
                + (sequencesFile == null ? "the buffer" : sequencesFile.toString()) + ")");
        return () -> {
            try {
                server.close();
            } finally {
                sequences.close();
            }
        };
    }
}
