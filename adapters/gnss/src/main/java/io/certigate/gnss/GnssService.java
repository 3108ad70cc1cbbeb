package io.certigate.gnss;

import io.certigate.core.model.Position;
import io.certigate.core.model.Reading;
import io.certigate.core.model.ReadingValue;
import io.certigate.core.model.TimeQuality;
import io.certigate.core.sequencer.ReadingSink;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;

/**
 * The gateway's view of its GNSS receiver. Sources ({@link SerialGnssSource}, {@link GpsdSource})
 * hand it each fix; it answers whether GNSS time may be used (a valid fix, not older than
 * {@link Options#maxFixAge}), the offset between the gateway clock and GNSS time, and the position
 * for a reading. A periodic check (on the given scheduler, no sleeping) submits one
 * {@code gnss.clock.offset} reading flagged {@value #CLOCK_OFFSET_FLAG} when the offset goes beyond
 * {@link Options#clockOffsetAlert}, and again only after it came back within half that bound.
 *
 * <p>{@link #stamp()} is the reading step of the sequencer: readings stamped by the gateway clock
 * ({@code ntp}, {@code rtc}) get GNSS time ({@code t} corrected by the offset, {@code tq = gnss})
 * while GNSS time is usable, and readings of the configured kinds get the position. Otherwise a
 * reading keeps its own time and quality, and gets no position.
 */
public final class GnssService implements FixSource, AutoCloseable {
    public static final String SOURCE = "gnss";
    public static final String OFFSET_KIND = "gnss.clock.offset";
    public static final String CLOCK_OFFSET_FLAG = "clock-offset-detected";

    /**
     * @param maxFixAge        a fix older than this gives no GNSS time nor position
     * @param clockOffsetAlert |gateway clock - GNSS time| beyond this raises the alert reading
     * @param checkPeriod      how often the offset is checked for the alert
     * @param positionKinds    reading kinds that get the position attached (personal data: keep it short)
     * @param subject          the {@code sub} of the alert reading (the device id)
     * @param positionDecimals for some of the position kinds, the decimals of degrees their position
     *                         is rounded to before signing (3: about 110 m); the others get the fix's
     *                         own precision
     */
    public record Options(Duration maxFixAge, Duration clockOffsetAlert, Duration checkPeriod, Set<String> positionKinds,
            String subject, java.util.Map<String, Integer> positionDecimals) {
        public Options {
            Objects.requireNonNull(subject, "subject");
            positionKinds = Set.copyOf(positionKinds);
            positionDecimals = java.util.Map.copyOf(positionDecimals);
            for (var e : positionDecimals.entrySet()) {
                if (e.getValue() < 0 || e.getValue() > Position.MAX_SCALE) {
                    throw new IllegalArgumentException("position decimals of " + e.getKey() + " must be 0.."
                            + Position.MAX_SCALE + ", got " + e.getValue());
                }
            }
            if (maxFixAge.isNegative() || maxFixAge.isZero() || clockOffsetAlert.isNegative() || clockOffsetAlert.isZero()
                    || checkPeriod.isNegative() || checkPeriod.isZero()) {
                throw new IllegalArgumentException("GNSS durations must be > 0");
            }
        }

        /** Every position kind at the fix's own precision. */
        public Options(Duration maxFixAge, Duration clockOffsetAlert, Duration checkPeriod, Set<String> positionKinds,
                String subject) {
            this(maxFixAge, clockOffsetAlert, checkPeriod, positionKinds, subject, java.util.Map.of());
        }
    }

    private final Clock clock;
    private final LongSupplier nanos;
    private final ScheduledExecutorService scheduler;
    private final Options options;
    private final ReadingSink alerts;
    private volatile GnssFix latest;
    private volatile boolean alerting;
    private volatile long alertsRaised;
    private ScheduledFuture<?> check;

    /**
     * @param nanos  the monotonic clock fix ages are measured on ({@code System::nanoTime}, a test's ManualClock)
     * @param alerts where the clock-offset alert reading goes (the sequencer)
     */
    public GnssService(Clock clock, LongSupplier nanos, ScheduledExecutorService scheduler, Options options,
            ReadingSink alerts) {
        this.clock = clock;
        this.nanos = nanos;
        this.scheduler = scheduler;
        this.options = options;
        this.alerts = alerts;
    }

    /** Starts the periodic clock-offset check. */
    public synchronized GnssService start() {
        if (check == null) {
            long period = options.checkPeriod().toMillis();
            check = scheduler.scheduleAtFixedRate(this::checkOffset, period, period, TimeUnit.MILLISECONDS);
        }
        return this;
    }

    /**
     * What a source calls with each updated fix. The source stamps fixes with the same clocks as
     * this service (the gateway clock and the monotonic one), or ages and offsets mean nothing.
     */
    public void update(GnssFix fix) {
        latest = fix;
    }

    @Override
    public Optional<GnssFix> latest() {
        return Optional.ofNullable(latest);
    }

    /** The fix if GNSS time may be used now: valid, with a time, not older than the maximum age. */
    public Optional<GnssFix> usable() {
        GnssFix f = latest;
        if (f == null || !f.valid() || f.utc() == null || f.ageMillis(nanos.getAsLong()) > options.maxFixAge().toMillis()) {
            return Optional.empty();
        }
        return Optional.of(f);
    }

    /** Gateway clock minus GNSS time in ms, while GNSS time is usable. */
    public OptionalLong clockOffsetMillis() {
        return usable().map(f -> OptionalLong.of(f.clockOffsetMillis().orElseThrow())).orElse(OptionalLong.empty());
    }

    /** The position to attach now, while the fix is usable and has one. */
    public Optional<Position> position() {
        return usable().flatMap(f -> f.position(nanos.getAsLong()));
    }

    /** How many clock-offset alerts were raised. */
    public long alertsRaised() {
        return alertsRaised;
    }

    /** The sequencer's reading step: GNSS time and, for the configured kinds, the position. */
    public UnaryOperator<Reading> stamp() {
        return this::stamp;
    }

    Reading stamp(Reading r) {
        Optional<GnssFix> fix = usable();
        if (fix.isEmpty()) {
            return r;
        }
        Reading out = r;
        if (r.timeQuality() == TimeQuality.NTP || r.timeQuality() == TimeQuality.RTC) {
            long offset = fix.get().clockOffsetMillis().orElseThrow();
            out = out.withTime(Math.max(0, r.observedAtMillis() - offset), TimeQuality.GNSS);
        }
        if (out.position() == null && options.positionKinds().contains(r.kind())) {
            Optional<Position> p = fix.get().position(nanos.getAsLong());
            if (p.isPresent()) {
                Integer decimals = options.positionDecimals().get(r.kind());
                out = out.withPosition(decimals == null ? p.get() : p.get().coarsened(decimals)); // rounded before signing
            }
        }
        return out;
    }

    /** One offset check: raises the alert reading on the way out of bounds. Runs on the scheduler. */
    void checkOffset() {
        Optional<GnssFix> fix = usable();
        if (fix.isEmpty()) {
            return;
        }
        long offset = fix.get().clockOffsetMillis().orElseThrow();
        long bound = options.clockOffsetAlert().toMillis();
        if (!alerting && Math.abs(offset) > bound) {
            alerting = true;
            alertsRaised++;
            long gnssNow = Math.max(0, clock.millis() - offset);
            Reading alert = new Reading(gnssNow, TimeQuality.GNSS, SOURCE, OFFSET_KIND, options.subject(),
                    ReadingValue.of(offset), "ms", List.of(CLOCK_OFFSET_FLAG));
            System.getLogger(GnssService.class.getName()).log(System.Logger.Level.WARNING,
                    "gateway clock is " + offset + " ms off GNSS time (bound " + bound + " ms): alert reading submitted");
            try {
                alerts.submit(alert);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IllegalStateException closed) {
                // the sequencer is closing with the gateway: nothing left to alert
            }
        } else if (alerting && Math.abs(offset) <= bound / 2) {
            alerting = false;
        }
    }

    @Override
    public synchronized void close() {
        if (check != null) {
            check.cancel(false);
            check = null;
        }
    }
}
