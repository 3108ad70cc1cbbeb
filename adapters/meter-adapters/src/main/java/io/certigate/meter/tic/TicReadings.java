package io.certigate.meter.tic;

import io.certigate.core.model.Reading;
import io.certigate.core.model.ReadingValue;
import io.certigate.core.model.TimeQuality;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns TIC frames into readings, at a configured pace rather than every frame. Energy indexes
 * (Wh) once per index period: the standard-mode total EAST as {@code meter.energy.import}, each
 * tariff register as {@code meter.energy.import.<label>} (e.g. {@code .hchp}, {@code .easf02},
 * {@code .bbrhpjr}; registers still at zero skipped), EAIT as {@code meter.energy.export}. Apparent
 * power ({@code meter.power.apparent}, VA) and current ({@code meter.current}, or
 * {@code meter.current.l1}..{@code l3} for a numbered phase, A) once per instant period. The
 * register goes into the kind, not into flags: flags mark anomalies such as
 * {@code rollback-suspected} (an index lower than the last one of that register), which a verifier
 * reports. The subject is the meter id (ADCO or ADSC); a frame whose id group was bad is not
 * attributable and yields nothing.
 *
 * <p>Time: a standard-mode frame's {@code DATE} horodate gives {@code t} with {@code tq=rtc}, or
 * {@code tq=none} when the meter flags its clock as degraded (lower-case season letter); without a
 * usable DATE (historic mode) {@code t} is the gateway's clock with the configured quality.
 * Periods are aligned on the gateway clock (a 15-minute period emits on the first frame after each
 * quarter hour) and used up only by a frame that carries what they are due for. Pure apart from
 * that state; not thread-safe.
 */
public final class TicReadings {
    public static final String IMPORT = "meter.energy.import";
    public static final String EXPORT = "meter.energy.export";
    public static final String APPARENT_POWER = "meter.power.apparent";
    public static final String CURRENT = "meter.current";
    public static final String ROLLBACK = "rollback-suspected";

    /**
     * @param source              reading source id, normally {@code tic}
     * @param indexPeriod         at most one set of index readings per period
     * @param instantPeriod       at most one set of power/current readings per period; zero for every frame
     * @param gatewayClockQuality time quality of the gateway clock, used when the meter gives no time
     */
    public record Options(String source, Duration indexPeriod, Duration instantPeriod, TimeQuality gatewayClockQuality) {
        public static Options defaults() {
            return new Options("tic", Duration.ofMinutes(15), Duration.ofMinutes(1), TimeQuality.RTC);
        }

        public Options {
            if (indexPeriod.isNegative() || instantPeriod.isNegative()) {
                throw new IllegalArgumentException("periods must not be negative");
            }
        }
    }

    private final Options options;
    private final Map<String, Long> lastIndex = new HashMap<>();
    private long indexSlot = Long.MIN_VALUE;
    private long instantSlot = Long.MIN_VALUE;
    private long unattributable;

    public TicReadings(Options options) {
        this.options = options;
    }

    /** The readings due for this frame, received at {@code now} by the gateway clock. */
    public List<Reading> map(TicFrame frame, Instant now) {
        String meter = frame.meterId().orElse(null);
        if (meter == null) {
            unattributable++;
            return List.of();
        }
        // a period is used up only by a frame that carries what it is due for
        boolean indexDue = has(frame, TicLabel.Role.IMPORT_INDEX) && due(now, options.indexPeriod(), true);
        boolean instantDue = (has(frame, TicLabel.Role.APPARENT_POWER) || has(frame, TicLabel.Role.CURRENT))
                && due(now, options.instantPeriod(), false);
        if (!indexDue && !instantDue) {
            return List.of();
        }
        long t = now.toEpochMilli();
        TimeQuality tq = options.gatewayClockQuality();
        TicGroup date = frame.group(TicLabel.DATE).orElse(null);
        if (date != null && date.horodate() != null) {
            t = date.horodate().toOffsetDateTime().toInstant().toEpochMilli();
            tq = date.horodate().clockDegraded() ? TimeQuality.NONE : TimeQuality.RTC;
        }
        List<Reading> out = new ArrayList<>();
        for (TicGroup g : frame.groups()) {
            TicLabel l = g.known();
            if (l == null || g.number().isEmpty()) {
                continue;
            }
            long v = g.number().getAsLong();
            switch (l.role()) {
                case IMPORT_INDEX:
                case EXPORT_INDEX:
                    if (indexDue) {
                        index(out, meter, l, v, t, tq);
                    }
                    break;
                case APPARENT_POWER:
                    if (instantDue) {
                        out.add(new Reading(t, tq, options.source(), APPARENT_POWER, meter, ReadingValue.of(v), "VA"));
                    }
                    break;
                case CURRENT:
                    if (instantDue) {
                        out.add(new Reading(t, tq, options.source(), CURRENT + phase(l), meter, ReadingValue.of(v), "A"));
                    }
                    break;
                default:
                    break;
            }
        }
        return out;
    }

    private void index(List<Reading> out, String meter, TicLabel l, long v, long t, TimeQuality tq) {
        String key = meter + '/' + l.wire();
        Long before = lastIndex.get(key);
        // distributor and supplier registers a contract does not use stay at zero: not worth a record
        if (v == 0 && (before == null || before == 0) && l != TicLabel.EAST && l != TicLabel.BASE) {
            return;
        }
        List<String> flags = before != null && v < before ? List.of(ROLLBACK) : List.of();
        lastIndex.put(key, v);
        String kind = l.role() == TicLabel.Role.EXPORT_INDEX ? EXPORT
                : l == TicLabel.EAST ? IMPORT : IMPORT + '.' + l.wire().toLowerCase(Locale.ROOT);
        out.add(new Reading(t, tq, options.source(), kind, meter, ReadingValue.of(v), "Wh", flags));
    }

    private static boolean has(TicFrame frame, TicLabel.Role role) {
        for (TicGroup g : frame.groups()) {
            if (g.known() != null && g.known().role() == role) {
                return true;
            }
        }
        return false;
    }

    private static String phase(TicLabel l) {
        char last = l.wire().charAt(l.wire().length() - 1);
        return last >= '1' && last <= '3' ? ".l" + last : "";
    }

    private boolean due(Instant now, Duration period, boolean index) {
        if (period.isZero()) {
            return true;
        }
        long slot = Math.floorDiv(now.toEpochMilli(), period.toMillis());
        if (index) {
            if (slot == indexSlot) {
                return false;
            }
            indexSlot = slot;
        } else {
            if (slot == instantSlot) {
                return false;
            }
            instantSlot = slot;
        }
        return true;
    }

    /** Frames dropped because their meter id group was missing or bad. */
    public long unattributableFrames() {
        return unattributable;
    }
}
