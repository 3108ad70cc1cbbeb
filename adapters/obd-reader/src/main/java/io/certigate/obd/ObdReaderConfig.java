package io.certigate.obd;

import io.certigate.core.model.TimeQuality;
import io.certigate.core.sequencer.ReadingSink;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The OBD reader's settings, read once from the {@code obd.*} keys of a properties
 * configuration and validated in one place. Every error names the key and the value; an unknown
 * {@code obd.} key is an error (a typo must not fall back to a default).
 *
 * <pre>
 * obd.port              serial path or tcp://host:port (required)
 * obd.baud              serial baud rate, 0 = probe                                    (0)
 * obd.headers           ATH1, to tell ECUs apart                                       (true)
 * obd.spaces            keep spaces in replies (ATS1)                                  (false)
 * obd.timeout-ms        wait for a reply                                               (2000)
 * obd.identity-every-ms VIN and odometer period                                        (300000)
 * obd.backoff-min-ms / obd.backoff-max-ms  reconnect back-off bounds                   (1000 / 120000)
 * obd.quiet-limit       NO DATA replies in a row that count as ignition off            (10)
 * obd.poll.&lt;PID&gt;        period in ms of a PID, by hex (0D) or name (speed); 0 = off  (see PollSchedule.defaults)
 * </pre>
 */
public record ObdReaderConfig(String port, int baud, Elm327Session.Options session, PollSchedule schedule) {
    public static final String PREFIX = "obd.";
    /** The fixed keys of the section (besides {@code obd.poll.<PID>}). */
    public static final Set<String> KEYS = Set.of("obd.port", "obd.baud", "obd.headers", "obd.spaces", "obd.timeout-ms",
            "obd.identity-every-ms", "obd.backoff-min-ms", "obd.backoff-max-ms", "obd.quiet-limit");

    /** Whether the configuration has an OBD section at all. */
    public static boolean present(Properties p) {
        return p.stringPropertyNames().stream().anyMatch(k -> k.startsWith(PREFIX));
    }

    /** @throws IllegalArgumentException naming the key and value that are wrong */
    public static ObdReaderConfig parse(Properties p, String origin) {
        for (String k : p.stringPropertyNames()) {
            if (k.startsWith(PREFIX) && !KEYS.contains(k) && !k.startsWith("obd.poll.")) {
                throw new IllegalArgumentException(origin + ": " + io.certigate.core.config.KeySuggestion.unknownKey(k, KEYS));
            }
        }
        String port = p.getProperty("obd.port", "").trim();
        if (port.isEmpty()) {
            throw new IllegalArgumentException(origin + ": obd.port is required (a serial path or tcp://host:port)");
        }
        int baud = (int) number(p, origin, "obd.baud", 0, 0, 4_000_000);
        if (baud != 0 && !Elm327Port.PROBE_RATES.contains(baud)) {
            throw new IllegalArgumentException(origin + ": obd.baud = " + baud + " is none of " + Elm327Port.PROBE_RATES
                    + " (or 0 to probe)");
        }
        Duration timeout = Duration.ofMillis(number(p, origin, "obd.timeout-ms", 2000, 100, 60_000));
        Elm327Session.Options session = new Elm327Session.Options(bool(p, origin, "obd.headers", true),
                bool(p, origin, "obd.spaces", false), timeout, timeout.plusSeconds(2), timeout.plusSeconds(10));
        PollSchedule d = PollSchedule.defaults();
        Map<ObdPid, Duration> pids = new EnumMap<>(d.pids());
        for (String k : p.stringPropertyNames()) {
            if (k.startsWith("obd.poll.")) {
                ObdPid pid;
                try {
                    pid = ObdPid.parse(k.substring("obd.poll.".length()).replace('-', '_'));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(origin + ": " + k + ": " + e.getMessage());
                }
                if (pid == ObdPid.ODOMETER) {
                    throw new IllegalArgumentException(origin + ": " + k + ": the odometer follows obd.identity-every-ms");
                }
                long ms = number(p, origin, k, 0, 0, 86_400_000);
                if (ms == 0) {
                    pids.remove(pid);
                } else {
                    pids.put(pid, Duration.ofMillis(ms));
                }
            }
        }
        long min = number(p, origin, "obd.backoff-min-ms", d.backoffMin().toMillis(), 10, 3_600_000);
        long max = number(p, origin, "obd.backoff-max-ms", d.backoffMax().toMillis(), min, 3_600_000);
        PollSchedule schedule = new PollSchedule(pids,
                Duration.ofMillis(number(p, origin, "obd.identity-every-ms", d.identityEvery().toMillis(), 1000, 86_400_000)),
                Duration.ofMillis(min), Duration.ofMillis(max), (int) number(p, origin, "obd.quiet-limit", d.quietLimit(), 1, 1000));
        return new ObdReaderConfig(port, baud, session, schedule);
    }

    /** Builds and starts the poller this configuration describes. */
    public ObdPoller start(ReadingSink sink, OdometerStore store, ObdStats stats, Clock clock,
            java.util.concurrent.ScheduledExecutorService scheduler, TimeQuality timeQuality) {
        Elm327Port adapter = Elm327Port.forPort(port, baud, session.commandTimeout());
        return new ObdPoller(() -> new Elm327Session(adapter, session),
                sink, new MileageGuard(store, stats), stats, clock, scheduler, schedule, timeQuality).start();
    }

    private static long number(Properties p, String origin, String key, long dflt, long min, long max) {
        String s = p.getProperty(key);
        if (s == null || s.isBlank()) {
            return dflt;
        }
        try {
            long n = Long.parseLong(s.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(origin + ": " + key + " = '" + s + "' must be a whole number in " + min + ".." + max);
    }

    private static boolean bool(Properties p, String origin, String key, boolean dflt) {
        String s = p.getProperty(key);
        if (s == null || s.isBlank()) {
            return dflt;
        }
        switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "true":
                return true;
            case "false":
                return false;
            default:
                throw new IllegalArgumentException(origin + ": " + key + " = '" + s + "' must be true or false");
        }
    }
}
