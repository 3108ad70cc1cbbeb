package io.certigate.core.model;

import java.util.List;
import java.util.Objects;

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
 * @param position         where it was measured, or null for a reading without position ({@code pos})
 */
public record Reading(long observedAtMillis, TimeQuality timeQuality, String source, String kind, String subject,
        ReadingValue value, String unit, List<String> flags, Position position) {

    private static final int MAX_TEXT = 256;

    public Reading {
        Objects.requireNonNull(timeQuality, "tq");
        Objects.requireNonNull(value, "val");
        checkSource(source);
        checkKind("kind", kind);
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
            checkKind("flag", f);
        }
    }

    public Reading(long observedAtMillis, TimeQuality timeQuality, String source, String kind, String subject,
            ReadingValue value, String unit, List<String> flags) {
        this(observedAtMillis, timeQuality, source, kind, subject, value, unit, flags, null);
    }

    public Reading(long observedAtMillis, TimeQuality timeQuality, String source, String kind, String subject,
            ReadingValue value, String unit) {
        this(observedAtMillis, timeQuality, source, kind, subject, value, unit, List.of(), null);
    }

    /** Dotted lower-case name: {@code [a-z][a-z0-9_-]*(\.[a-z0-9_-]+)*}. */
    private static void checkKind(String field, String v) {
        boolean ok = v != null && !v.isEmpty() && v.length() <= MAX_TEXT && lower(v.charAt(0));
        for (int i = 1; ok && i < v.length(); i++) {
            char c = v.charAt(i);
            ok = c == '.' ? i + 1 < v.length() && v.charAt(i + 1) != '.' : lower(c) || digit(c) || c == '_' || c == '-';
        }
        if (!ok) {
            throw new IllegalArgumentException("reading " + field + " '" + v
                    + "' is not a dotted lower-case name such as vehicle.odometer");
        }
    }

    /** {@code [a-z][a-z0-9]*} optionally followed by {@code :} and {@code [A-Za-z0-9._/-]+}. */
    private static void checkSource(String v) {
        boolean ok = v != null && !v.isEmpty() && v.length() <= MAX_TEXT && lower(v.charAt(0));
        int colon = ok ? v.indexOf(':') : -1;
        int end = colon < 0 ? (v == null ? 0 : v.length()) : colon;
        for (int i = 1; ok && i < end; i++) {
            ok = lower(v.charAt(i)) || digit(v.charAt(i));
        }
        if (ok && colon >= 0) {
            ok = colon + 1 < v.length();
            for (int i = colon + 1; ok && i < v.length(); i++) {
                char c = v.charAt(i);
                ok = lower(c) || digit(c) || (c >= 'A' && c <= 'Z') || c == '.' || c == '_' || c == '/' || c == '-';
            }
        }
        if (!ok) {
            throw new IllegalArgumentException("reading src '" + v + "' is not a source id such as obd, tic, rfid:ttyS1");
        }
    }

    private static boolean lower(char c) {
        return c >= 'a' && c <= 'z';
    }

    private static boolean digit(char c) {
        return c >= '0' && c <= '9';
    }

    /**
     * Alert flags mark a finding of the adapter (e.g. {@code rollback-suspected}); other flags are
     * qualifiers of the value (a tariff, a phase) and are not reported.
     */
    public static boolean isAlert(String flag) {
        return flag.endsWith("-suspected") || flag.endsWith("-detected");
    }

    public Reading withFlag(String flag) {
        java.util.ArrayList<String> f = new java.util.ArrayList<>(flags);
        f.add(flag);
        return new Reading(observedAtMillis, timeQuality, source, kind, subject, value, unit, f, position);
    }

    /** This reading with {@code position} attached (null removes it). */
    public Reading withPosition(Position position) {
        return new Reading(observedAtMillis, timeQuality, source, kind, subject, value, unit, flags, position);
    }

    /** This reading with another time and time quality (a source that learns a better clock). */
    public Reading withTime(long observedAtMillis, TimeQuality timeQuality) {
        return new Reading(observedAtMillis, timeQuality, source, kind, subject, value, unit, flags, position);
    }
}
