package io.certigate.app.report;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Axis ticks a reader expects: "nice numbers" (1, 2 or 5 × 10ⁿ) for values, calendar steps for dates (UTC). */
final class Ticks {
    private Ticks() {}

    /** A value axis: from {@code lo} to {@code hi} in steps of {@code step}. */
    record Values(double lo, double hi, double step) {
        List<Double> ticks() {
            List<Double> l = new ArrayList<>();
            for (int i = 0; lo + i * step <= hi + step * 1e-9; i++) {
                l.add(lo + i * step);
            }
            return l;
        }

        /** A tick's label with as many decimals as the step needs, thousands grouped. */
        String label(double v) {
            int decimals = step >= 1 ? 0 : (int) Math.ceil(-Math.log10(step) - 1e-9);
            return String.format(Locale.ROOT, "%,." + decimals + "f", v);
        }
    }

    /** A date axis: tick instants and how to label them. */
    record Dates(List<Long> ticks, String pattern, String unit) {
        String label(long t) {
            return DateTimeFormatter.ofPattern(pattern, Locale.ROOT).withZone(ZoneOffset.UTC).format(Instant.ofEpochMilli(t));
        }
    }

    /** Heckbert's nice number: 1, 2, 5 or 10 × 10ⁿ near {@code x}, rounded or the next above. */
    static double nice(double x, boolean round) {
        double exp = Math.floor(Math.log10(x));
        double f = x / Math.pow(10, exp);
        double n;
        if (round) {
            n = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
        } else {
            n = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
        }
        return n * Math.pow(10, exp);
    }

    /** About {@code count} nice ticks covering [min, max]. */
    static Values values(double min, double max, int count) {
        if (!(max > min)) {
            double pad = min == 0 ? 1 : nice(Math.abs(min) / 10, true);
            min -= pad;
            max += pad;
        }
        double range = nice(max - min, false);
        double step = nice(range / (count - 1), true);
        return new Values(Math.floor(min / step) * step, Math.ceil(max / step) * step, step);
    }

    private record Step(long amount, ChronoUnit unit, String pattern, String name) {}

    private static final Step[] STEPS = {
        new Step(1, ChronoUnit.SECONDS, "HH:mm:ss", "seconds"), new Step(2, ChronoUnit.SECONDS, "HH:mm:ss", "seconds"),
        new Step(5, ChronoUnit.SECONDS, "HH:mm:ss", "seconds"), new Step(10, ChronoUnit.SECONDS, "HH:mm:ss", "seconds"),
        new Step(15, ChronoUnit.SECONDS, "HH:mm:ss", "seconds"), new Step(30, ChronoUnit.SECONDS, "HH:mm:ss", "seconds"),
        new Step(1, ChronoUnit.MINUTES, "HH:mm", "minutes"), new Step(2, ChronoUnit.MINUTES, "HH:mm", "minutes"),
        new Step(5, ChronoUnit.MINUTES, "HH:mm", "minutes"), new Step(10, ChronoUnit.MINUTES, "HH:mm", "minutes"),
        new Step(15, ChronoUnit.MINUTES, "HH:mm", "minutes"), new Step(30, ChronoUnit.MINUTES, "HH:mm", "minutes"),
        new Step(1, ChronoUnit.HOURS, "MM-dd HH:mm", "hours"), new Step(2, ChronoUnit.HOURS, "MM-dd HH:mm", "hours"),
        new Step(3, ChronoUnit.HOURS, "MM-dd HH:mm", "hours"), new Step(6, ChronoUnit.HOURS, "MM-dd HH:mm", "hours"),
        new Step(12, ChronoUnit.HOURS, "MM-dd HH:mm", "hours"), new Step(1, ChronoUnit.DAYS, "yyyy-MM-dd", "days"),
        new Step(2, ChronoUnit.DAYS, "yyyy-MM-dd", "days"), new Step(7, ChronoUnit.DAYS, "yyyy-MM-dd", "weeks"),
        new Step(14, ChronoUnit.DAYS, "yyyy-MM-dd", "weeks"), new Step(1, ChronoUnit.MONTHS, "yyyy-MM", "months"),
        new Step(3, ChronoUnit.MONTHS, "yyyy-MM", "months"), new Step(6, ChronoUnit.MONTHS, "yyyy-MM", "months"),
        new Step(1, ChronoUnit.YEARS, "yyyy", "years"), new Step(2, ChronoUnit.YEARS, "yyyy", "years"),
        new Step(5, ChronoUnit.YEARS, "yyyy", "years"), new Step(10, ChronoUnit.YEARS, "yyyy", "years")};

    /** At most {@code max} ticks on calendar boundaries (UTC) within [from, to]. */
    static Dates dates(long from, long to, int max) {
        for (Step s : STEPS) {
            List<Long> t = dateTicks(from, to, s);
            if (t.size() <= max) {
                return new Dates(t, s.pattern(), s.name());
            }
        }
        Step s = STEPS[STEPS.length - 1];
        return new Dates(dateTicks(from, to, s), s.pattern(), s.name());
    }

    private static List<Long> dateTicks(long from, long to, Step s) {
        LocalDateTime start = LocalDateTime.ofInstant(Instant.ofEpochMilli(from), ZoneOffset.UTC);
        LocalDateTime t = switch (s.unit()) {
            case SECONDS -> start.truncatedTo(ChronoUnit.MINUTES);
            case MINUTES -> start.truncatedTo(ChronoUnit.HOURS);
            case HOURS, DAYS -> start.truncatedTo(ChronoUnit.DAYS);
            case MONTHS -> start.truncatedTo(ChronoUnit.DAYS).withDayOfMonth(1).withMonth(1);
            default -> LocalDateTime.of(start.getYear() - Math.floorMod(start.getYear(), (int) s.amount()), 1, 1, 0, 0);
        };
        if (s.unit() == ChronoUnit.DAYS && s.amount() == 7) {
            t = t.minusDays(t.getDayOfWeek().getValue() - 1); // weeks start on Monday
        }
        List<Long> l = new ArrayList<>();
        for (int guard = 0; guard < 10_000; guard++) {
            long ms = t.toInstant(ZoneOffset.UTC).toEpochMilli();
            if (ms > to) {
                break;
            }
            if (ms >= from) {
                l.add(ms);
                if (l.size() > 60) {
                    break;
                }
            }
            t = t.plus(s.amount(), s.unit());
        }
        return l;
    }
}
