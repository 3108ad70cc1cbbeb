package io.certigate.app.run;

import io.certigate.app.metrics.AdapterMetrics;
import io.certigate.core.buffer.BufferException;
import io.certigate.core.config.KeySuggestion;
import io.certigate.core.config.Setting;
import io.certigate.core.metrics.AdapterHealth;
import io.certigate.core.metrics.Metrics;
import io.certigate.core.model.TimeQuality;
import io.certigate.core.spine.Spine;
import io.certigate.core.sequencer.ReadingSink;
import io.certigate.meter.rfid.RfidEvent;
import io.certigate.meter.rfid.RfidReaderAdapter;
import io.certigate.meter.rfid.RfidSettings;
import io.certigate.serial.jsc.JSerialCommLink;
import io.certigate.meter.tic.TicMeterAdapter;
import io.certigate.meter.tic.TicMode;
import io.certigate.meter.tic.TicPortReader;
import io.certigate.meter.tic.TicReadings;
import io.certigate.meter.tic.TicSettings;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Collectors;

/**
 * The Linky TIC and RFID readers and the road-sensor hub's CoAP ingest of {@code certigate run},
 * from the {@code tic.*}, {@code rfid.*} and {@code coap.ingest.*} keys ({@link CoapIngestSource}).
 * Parsed (and refused with the key and value named) before anything starts.
 *
 * The keys, defaults and ranges: {@link TicSettings}, {@link RfidSettings}.
 */
public final class MeterSources {
    private static final Set<String> TIC_KEYS = standaloneKeys(TicSettings.ALL);
    private static final Set<String> RFID_KEYS = standaloneKeys(RfidSettings.ALL);
    /** The keys of both readers. */
    static final Set<String> KEYS = union(TIC_KEYS, RFID_KEYS);

    private static Set<String> standaloneKeys(List<Setting> settings) {
        return settings.stream().filter(s -> s.scope().standalone()).map(Setting::key).collect(Collectors.toUnmodifiableSet());
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new java.util.HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }

    /** What was configured; start it with {@link #start}. */
    public record Plan(String ticPort, TicMode ticMode, Duration indexPeriod, Duration instantPeriod, String rfidPort,
            RfidEvent.Format rfidFormat, Duration debounce, CoapIngestSource coapIngest) {}

    private MeterSources() {}

    public static Plan parse(RunConfig.Values v, java.util.Properties raw, String origin) throws RunConfig.ConfigException {
        for (String k : raw.stringPropertyNames()) {
            if (k.startsWith("tic.") && !TIC_KEYS.contains(k) || k.startsWith("rfid.") && !RFID_KEYS.contains(k)) {
                throw new RunConfig.ConfigException(origin + ": " + KeySuggestion.unknownKey(k, KEYS));
            }
        }
        String tic = v.get("tic.port", null);
        boolean anyTic = raw.stringPropertyNames().stream().anyMatch(k -> k.startsWith("tic."));
        if (anyTic && tic == null) {
            throw new RunConfig.ConfigException(origin + ": tic.port is required for a TIC meter");
        }
        TicMode ticMode = TicSettings.mode(choice(v, TicSettings.MODE));
        String rfid = v.get("rfid.port", null);
        boolean anyRfid = raw.stringPropertyNames().stream().anyMatch(k -> k.startsWith("rfid."));
        if (anyRfid && rfid == null) {
            throw new RunConfig.ConfigException(origin + ": rfid.port is required for an RFID reader");
        }
        RfidEvent.Format rfidFormat = RfidSettings.format(choice(v, RfidSettings.FORMAT));
        CoapIngestSource coap = raw.stringPropertyNames().stream().anyMatch(k -> k.startsWith("coap."))
                ? CoapIngestSource.parse(raw, origin, TimeQuality.NTP) : null;
        return new Plan(tic, ticMode, Duration.ofSeconds(v.whole(TicSettings.INDEX_PERIOD_S)),
                Duration.ofSeconds(v.whole(TicSettings.INSTANT_PERIOD_S)), rfid, rfidFormat,
                Duration.ofMillis(v.whole(RfidSettings.DEBOUNCE_MS)), coap);
    }

    private static String choice(RunConfig.Values v, Setting setting) throws RunConfig.ConfigException {
        try {
            return setting.parseChoice(v.origin(), v.get(setting.key(), null));
        } catch (IllegalArgumentException e) {
            throw new RunConfig.ConfigException(e.getMessage());
        }
    }

    /**
     * Starts what the plan configures on the spine's sequencer and registers each adapter's health
     * in {@code metrics}; the handles close the readers, the ingest server and their threads.
     */
    public static List<AutoCloseable> start(Plan plan, Spine spine, Clock clock, TimeQuality clockQuality,
            java.io.PrintStream out, Metrics metrics) throws IOException, BufferException {
        ReadingSink sink = spine.sequencer();
        List<AutoCloseable> handles = new ArrayList<>();
        if (plan.ticPort() != null) {
            ScheduledExecutorService t = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "tic"));
            TicMeterAdapter adapter = new TicMeterAdapter(new TicReadings.Options("tic", plan.indexPeriod(),
                    plan.instantPeriod(), clockQuality), sink, clock);
            TicPortReader reader = new TicPortReader(JSerialCommLink.at(plan.ticPort()), TicPortReader.Options.of(plan.ticMode()),
                    adapter, clock, t);
            reader.start();
            handles.add(t::shutdownNow);
            handles.add(reader::close);
            AdapterMetrics.register(metrics, "tic", () -> new AdapterHealth(reader.connected(), reader.ioErrors(),
                    adapter.badGroups(), adapter.submitted()));
            out.println("certigate run: TIC meter on " + plan.ticPort() + " ("
                    + (plan.ticMode() == null ? "mode detected" : plan.ticMode().name().toLowerCase(Locale.ROOT)) + ")");
        }
        if (plan.rfidPort() != null) {
            ScheduledExecutorService t = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "rfid"));
            RfidReaderAdapter.Options o = RfidReaderAdapter.Options.rdm6300().withDebounce(plan.debounce());
            o = new RfidReaderAdapter.Options(plan.rfidFormat(), o.baudRate(), o.debounce(), clockQuality, o.readTimeout(),
                    o.reconnectDelay());
            RfidReaderAdapter adapter = new RfidReaderAdapter(JSerialCommLink.at(plan.rfidPort()), o, sink, e -> { }, clock, t);
            adapter.start();
            handles.add(t::shutdownNow);
            handles.add(adapter::close);
            AdapterMetrics.register(metrics, "rfid:" + portName(plan.rfidPort()), adapter::health);
            out.println("certigate run: RFID reader on " + plan.rfidPort() + " (" + plan.rfidFormat() + ")");
        }
        if (plan.coapIngest() != null) {
            try {
                handles.add(plan.coapIngest().start(spine, clock, out, metrics));
            } catch (IOException | BufferException | RuntimeException e) {
                for (AutoCloseable h : handles) {
                    try {
                        h.close();
                    } catch (Exception suppressed) {
                        e.addSuppressed(suppressed);
                    }
                }
                throw e;
            }
        }
        return handles;
    }

    /** The port's file name, as the RFID reader names its source ({@code rfid:<port>}). */
    private static String portName(String path) {
        java.nio.file.Path name = java.nio.file.Path.of(path).getFileName();
        return name == null ? path : name.toString();
    }
}
