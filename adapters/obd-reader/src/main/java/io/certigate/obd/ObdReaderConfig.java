package io.certigate.obd;

import io.certigate.core.config.ConfigValues;
import io.certigate.core.config.Setting;
import io.certigate.core.model.TimeQuality;
import io.certigate.core.sequencer.ReadingSink;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The OBD reader's options, read once from the {@code obd.*} keys of a properties configuration
 * (their definitions, defaults and ranges: {@link ObdSettings}) and validated in one place. Every
 * error names the key and the value; an unknown {@code obd.} key is an error (a typo must not fall
 * back to a default).
 */
public record ObdReaderConfig(String port, int baud, Elm327Session.Options session, PollSchedule schedule) {
    public static final String PREFIX = "obd.";
    /** The fixed keys of the section (besides {@code obd.poll.<PID>}). */
    public static final Set<String> KEYS = ObdSettings.ALL.stream().filter(s -> s.key().startsWith(PREFIX) && !s.isFamily())
            .map(Setting::key).collect(java.util.stream.Collectors.toUnmodifiableSet());

    /** Whether the configuration has an OBD section at all. */
    public static boolean present(Properties p) {
        return p.stringPropertyNames().stream().anyMatch(k -> k.startsWith(PREFIX));
    }

    /** @throws IllegalArgumentException naming the key and value that are wrong */
    public static ObdReaderConfig parse(Properties p, String origin) {
        for (String k : p.stringPropertyNames()) {
            if (k.startsWith(PREFIX) && !KEYS.contains(k) && !ObdSettings.POLL.matches(k)) {
                throw new IllegalArgumentException(origin + ": " + io.certigate.core.config.KeySuggestion.unknownKey(k, KEYS));
            }
        }
        ConfigValues v = ConfigValues.of(origin, p);
        String port = v.text(ObdSettings.PORT);
        if (port.isEmpty()) {
            throw new IllegalArgumentException(origin + ": obd.port is required (a serial path or tcp://host:port)");
        }
        int baud = v.wholeInt(ObdSettings.BAUD);
        if (baud != 0 && !Elm327Port.PROBE_RATES.contains(baud)) {
            throw new IllegalArgumentException(origin + ": obd.baud = " + baud + " is none of " + Elm327Port.PROBE_RATES
                    + " (or 0 to probe)");
        }
        Duration timeout = Duration.ofMillis(v.whole(ObdSettings.TIMEOUT_MS));
        Elm327Session.Options session = new Elm327Session.Options(v.bool(ObdSettings.HEADERS), v.bool(ObdSettings.SPACES),
                timeout, timeout.plusSeconds(2), timeout.plusSeconds(10));
        PollSchedule d = PollSchedule.defaults();
        Map<ObdPid, Duration> pids = new EnumMap<>(d.pids());
        for (String k : p.stringPropertyNames()) {
            if (ObdSettings.POLL.matches(k)) {
                ObdPid pid;
                try {
                    pid = ObdPid.parse(k.substring(ObdSettings.POLL.prefix().length()).replace('-', '_'));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(origin + ": " + k + ": " + e.getMessage());
                }
                if (pid == ObdPid.ODOMETER) {
                    throw new IllegalArgumentException(origin + ": " + k + ": the odometer follows obd.identity-every-ms");
                }
                long ms = v.text(k).isEmpty() ? 0 : v.whole(ObdSettings.POLL.withKey(k));
                if (ms == 0) {
                    pids.remove(pid);
                } else {
                    pids.put(pid, Duration.ofMillis(ms));
                }
            }
        }
        long min = v.whole(ObdSettings.BACKOFF_MIN_MS);
        long max = v.whole(ObdSettings.BACKOFF_MAX_MS);
        if (max < min) {
            throw v.bad(ObdSettings.BACKOFF_MAX_MS.key(), Long.toString(max), "must be at least obd.backoff-min-ms (" + min + ")");
        }
        PollSchedule schedule = new PollSchedule(pids, Duration.ofMillis(v.whole(ObdSettings.IDENTITY_EVERY_MS)),
                Duration.ofMillis(min), Duration.ofMillis(max), v.wholeInt(ObdSettings.QUIET_LIMIT));
        return new ObdReaderConfig(port, baud, session, schedule);
    }

    /** Builds and starts the poller this configuration describes. */
    public ObdPoller start(ReadingSink sink, OdometerStore store, ObdStats stats, Clock clock,
            java.util.concurrent.ScheduledExecutorService scheduler, TimeQuality timeQuality) {
        Elm327Port adapter = Elm327Port.forPort(port, baud, session.commandTimeout());
        return new ObdPoller(() -> new Elm327Session(adapter, session),
                sink, new MileageGuard(store, stats), stats, clock, scheduler, schedule, timeQuality).start();
    }
}
