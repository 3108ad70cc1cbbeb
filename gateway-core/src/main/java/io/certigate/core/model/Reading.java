package io.certigate.core.model;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A plain reading as a source adapter produces it, before the sequencer gives it a place in the
 * device's chain. Immutable.
 *
 * @param observedAtMillis observation time, epoch milliseconds UTC ({@code t})
 * @param timeQuality      how that time was obtained ({@code tq})
 * @param source           source id: {@code obd}, {@code tic}, {@code rfid:<port>}, {@code coap:<sensor>} ({@code src})
 * @param kind             dotted kind such as {@code vehicle.odometer} ({@code kind})
 * @param subject          what was measured: a VIN, a meter id, a tag id ({@code sub})
 * @param value            the value ({@code val})
 * @param unit             UCUM unit code, or null for unitless values ({@code unit})
 * @param flags            qualifiers such as {@code rollback-suspected}; empty for most readings ({@code flags})
 */
public record Reading(long observedAtMillis, TimeQuality timeQuality, String source, String kind, String subject,
        ReadingValue value, String unit, List<String> flags) {

    private static final Pattern KIND = Pattern.compile("[a-z][a-z0-9_-]*(\\.[a-z0-9_-]+)*");
    private static final Pattern SOURCE = Pattern.compile("[a-z][a-z0-9]*(:[A-Za-z0-9._/-]+)?");
    private static final int MAX_TEXT = 256;

    public Reading {
        Objects.requireNonNull(timeQuality, "tq");
        Objects.requireNonNull(value, "val");
        check("src", source, SOURCE);
        check("kind", kind, KIND);
        if (subject == null || subject.isEmpty() || subject.length() > MAX_TEXT) {
            throw new IllegalArgumentException("reading sub must be 1.." + MAX_TEXT + " characters, got "
                    + (subject == null ? "null" : subject.length() + " characters"));
        }
        if (unit != null && (unit.isEmpty() || unit.length() > 32 || unit.chars().anyMatch(c -> c <= ' ' || c > '~'))) {
            throw new IllegalArgumentException("reading unit '" + unit + "' is not a UCUM code");
        }
        if (observedAtMillis < 0) {
            throw new IllegalArgumentException("reading t must be epoch milliseconds >= 0, got " + observedAtMillis);
        }
        flags = List.copyOf(flags == null ? List.of() : flags);
        for (String f : flags) {
            check("flag", f, KIND);
        }
    }

    public Reading(long observedAtMillis, TimeQuality timeQuality, String source, String kind, String subject,
            ReadingValue value, String unit) {
        this(observedAtMillis, timeQuality, source, kind, subject, value, unit, List.of());
    }

    private static void check(String field, String v, Pattern p) {
        if (v == null || v.length() > MAX_TEXT || !p.matcher(v).matches()) {
            throw new IllegalArgumentException("reading " + field + " '" + v + "' is not valid (pattern " + p + ")");
        }
    }

    public Reading withFlag(String flag) {
        java.util.ArrayList<String> f = new java.util.ArrayList<>(flags);
        f.add(flag);
        return new Reading(observedAtMillis, timeQuality, source, kind, subject, value, unit, f);
    }
}
