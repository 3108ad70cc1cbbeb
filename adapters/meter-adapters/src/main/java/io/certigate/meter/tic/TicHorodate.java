package io.certigate.meter.tic;

import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A standard-mode horodate {@code SAAMMJJhhmmss} (Enedis-NOI-CPT_54E, standard mode, "horodate"):
 * S is the season, {@code E} summer (UTC+2), {@code H} winter (UTC+1), a space when the meter
 * does not know the season; a lower-case {@code e} or {@code h} means the meter's clock is in
 * degraded mode and its time must not be trusted.
 *
 * @param local         the meter's local date and time
 * @param season        {@code 'E'}, {@code 'H'} or {@code ' '} (always upper case here)
 * @param clockDegraded true when the season letter was lower case
 */
public record TicHorodate(LocalDateTime local, char season, boolean clockDegraded) {
    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");

    /** The instant the horodate names: the season gives the offset, or Paris rules without one. */
    public OffsetDateTime toOffsetDateTime() {
        if (season == 'E') {
            return local.atOffset(ZoneOffset.ofHours(2));
        }
        if (season == 'H') {
            return local.atOffset(ZoneOffset.ofHours(1));
        }
        return local.atZone(PARIS).toOffsetDateTime();
    }

    /**
     * Parses the 13 characters of a horodate.
     *
     * @throws IllegalArgumentException naming the text when it is not a horodate
     */
    public static TicHorodate parse(String text) {
        if (text.length() != 13) {
            throw new IllegalArgumentException("horodate '" + text + "' is not 13 characters");
        }
        char s = text.charAt(0);
        boolean degraded = s == 'e' || s == 'h';
        char season = Character.toUpperCase(s);
        if (season != 'E' && season != 'H' && season != ' ') {
            throw new IllegalArgumentException("horodate '" + text + "' has season letter '" + s + "'");
        }
        for (int i = 1; i < 13; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw new IllegalArgumentException("horodate '" + text + "' has a non-digit at " + i);
            }
        }
        try {
            LocalDateTime local = LocalDateTime.of(2000 + num(text, 1), num(text, 3), num(text, 5), num(text, 7),
                    num(text, 9), num(text, 11));
            return new TicHorodate(local, season, degraded);
        } catch (java.time.DateTimeException e) {
            throw new IllegalArgumentException("horodate '" + text + "' is not a valid date: " + e.getMessage(), e);
        }
    }

    private static int num(String t, int at) {
        return (t.charAt(at) - '0') * 10 + (t.charAt(at + 1) - '0');
    }

    /** The 13-character form, as the meter sends it. */
    public String format() {
        char s = clockDegraded ? Character.toLowerCase(season) : season;
        return String.format("%c%02d%02d%02d%02d%02d%02d", s, local.getYear() % 100, local.getMonthValue(),
                local.getDayOfMonth(), local.getHour(), local.getMinute(), local.getSecond());
    }
}
