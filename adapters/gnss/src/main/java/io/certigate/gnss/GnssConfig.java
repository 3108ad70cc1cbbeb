package io.certigate.gnss;

import io.certigate.core.config.KeySuggestion;
import io.certigate.core.config.Setting;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The {@code gnss.*} keys of the standalone configuration, checked once into an immutable object.
 * Exactly one of {@code gnss.port} and {@code gnss.gpsd} names the receiver.
 *
 * @param port             serial device, or null when gpsd is used
 * @param gpsd             gpsd address, or null when a serial receiver is used
 * @param baud             fixed baud rate, or 0 to detect it
 * @param maxFixAge        {@link GnssSettings#MAX_FIX_AGE_MS}
 * @param clockOffsetAlert {@link GnssSettings#CLOCK_OFFSET_ALERT_MS}
 * @param positionKinds    {@link GnssSettings#POSITION_KINDS}
 * @param positionDecimals {@link GnssSettings#POSITION_DECIMALS}
 */
public record GnssConfig(String port, GpsdAddress gpsd, int baud, Duration maxFixAge, Duration clockOffsetAlert,
        Set<String> positionKinds, java.util.Map<String, Integer> positionDecimals) {
    private static final Set<String> KEYS = GnssSettings.ALL.stream().map(Setting::key).collect(Collectors.toUnmodifiableSet());

    public GnssConfig {
        positionKinds = Set.copyOf(positionKinds);
        positionDecimals = java.util.Map.copyOf(positionDecimals);
    }

    /** Whether the file configures a receiver at all (any {@code gnss.} key). */
    public static boolean present(Properties p) {
        return p.stringPropertyNames().stream().anyMatch(k -> k.startsWith("gnss."));
    }

    /** @throws IllegalArgumentException naming the file, the key and the bad value */
    public static GnssConfig parse(Properties p, String origin) {
        for (String k : p.stringPropertyNames()) {
            if (k.startsWith("gnss.") && !KEYS.contains(k)) {
                throw new IllegalArgumentException(origin + ": " + KeySuggestion.unknownKey(k, KEYS));
            }
        }
        String port = text(p, GnssSettings.PORT);
        String gpsd = text(p, GnssSettings.GPSD);
        if ((port == null) == (gpsd == null)) {
            throw new IllegalArgumentException(origin + ": set one of gnss.port (a serial receiver) and gnss.gpsd (host:port)");
        }
        String baud = GnssSettings.BAUD.parseChoice(origin, p.getProperty(GnssSettings.BAUD.key()));
        if (gpsd != null && !"auto".equals(baud)) {
            throw new IllegalArgumentException(origin + ": gnss.baud applies to gnss.port only (gpsd sets its receiver's speed)");
        }
        return new GnssConfig(port, gpsd == null ? null : GpsdAddress.parse(gpsd, origin + ": gnss.gpsd"),
                "auto".equals(baud) ? 0 : Integer.parseInt(baud),
                Duration.ofMillis(GnssSettings.MAX_FIX_AGE_MS.parse(origin, p.getProperty(GnssSettings.MAX_FIX_AGE_MS.key()))),
                Duration.ofMillis(GnssSettings.CLOCK_OFFSET_ALERT_MS.parse(origin,
                        p.getProperty(GnssSettings.CLOCK_OFFSET_ALERT_MS.key()))),
                kinds(p.getProperty(GnssSettings.POSITION_KINDS.key(), GnssSettings.POSITION_KINDS.defaultValue()), origin),
                decimals(p, origin));
    }

    private static java.util.Map<String, Integer> decimals(Properties p, String origin) {
        String key = GnssSettings.POSITION_DECIMALS.key();
        Set<String> kinds = kinds(p.getProperty(GnssSettings.POSITION_KINDS.key(),
                GnssSettings.POSITION_KINDS.defaultValue()), origin);
        java.util.Map<String, Integer> out = new java.util.LinkedHashMap<>();
        for (String item : p.getProperty(key, "").split(",")) {
            String entry = item.trim();
            if (entry.isEmpty()) {
                continue;
            }
            int eq = entry.indexOf('=');
            String kind = eq < 0 ? entry : entry.substring(0, eq).trim();
            String n = eq < 0 ? "" : entry.substring(eq + 1).trim();
            if (eq < 0 || !n.matches("[0-9]")) {
                throw new IllegalArgumentException(origin + ": " + key + ": '" + entry + "' is not kind=decimals "
                        + "with decimals 0..9 (road.shock=3)");
            }
            if (!kinds.contains(kind)) {
                throw new IllegalArgumentException(origin + ": " + key + ": '" + kind + "' gets no position: it is not "
                        + "in gnss.position-kinds (" + String.join(", ", kinds) + ")");
            }
            if (out.put(kind, Integer.parseInt(n)) != null) {
                throw new IllegalArgumentException(origin + ": " + key + ": " + kind + " is given twice");
            }
        }
        return out;
    }

    private static String text(Properties p, Setting s) {
        String v = p.getProperty(s.key());
        return v == null || v.isBlank() ? null : v.trim();
    }

    private static Set<String> kinds(String list, String origin) {
        Set<String> out = new LinkedHashSet<>();
        for (String k : list.split(",")) {
            String kind = k.trim();
            if (kind.isEmpty()) {
                continue;
            }
            if (!kind.matches("[a-z][a-z0-9_-]*(\\.[a-z0-9_-]+)*")) {
                throw new IllegalArgumentException(origin + ": gnss.position-kinds: '" + kind
                        + "' is not a reading kind such as road.shock");
            }
            out.add(kind);
        }
        return out;
    }

    /** The service options for a device. */
    public GnssService.Options serviceOptions(String deviceId) {
        return new GnssService.Options(maxFixAge, clockOffsetAlert, Duration.ofSeconds(10), positionKinds, deviceId,
                positionDecimals);
    }

    /** Baud rates tried in turn when {@link #baud} is 0. */
    public static final List<Integer> BAUD_RATES = List.of(4800, 9600, 38400);
}
