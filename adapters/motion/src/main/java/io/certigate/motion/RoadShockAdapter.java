package io.certigate.motion;

import io.certigate.core.model.Position;
import io.certigate.core.model.Reading;
import io.certigate.core.model.TimeQuality;
import io.certigate.core.sequencer.ReadingSink;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The road-event adapter: accelerometer samples in, one signed {@code road.shock} reading per
 * event out ({@link RoadShocks}). The vehicle's position and speed are asked of the
 * {@link VehicleContext} when an event reaches a new peak, so the reading says where the hit was,
 * not where the car was once the event closed.
 */
public final class RoadShockAdapter implements Consumer<AccelSample> {
    private static final Logger LOG = Logger.getLogger(RoadShockAdapter.class.getName());

    private final ShockDetector detector;
    private final VehicleContext context;
    private final ReadingSink sink;
    private final String source;
    private final String subject;
    private final Supplier<TimeQuality> timeQuality;
    private final Consumer<Reading> watch;
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong located = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private Optional<Position> position = Optional.empty();
    private Optional<VehicleContext.Speed> speed = Optional.empty();

    /**
     * @param source      the readings' {@code src}: {@code motion:<device name>}
     * @param subject     the readings' {@code sub}
     * @param timeQuality the gateway clock's time quality at the moment of the event
     * @param watch       shown each reading as it is submitted (a demo's summary); {@code r -> {}} for none
     */
    public RoadShockAdapter(ShockDetector detector, VehicleContext context, ReadingSink sink, String source, String subject,
            Supplier<TimeQuality> timeQuality, Consumer<Reading> watch) {
        this.detector = detector;
        this.context = context;
        this.sink = sink;
        this.source = source;
        this.subject = subject;
        this.timeQuality = timeQuality;
        this.watch = watch;
    }

    /** The source id of the readings of an IIO device named {@code deviceName}. */
    public static String sourceId(String deviceName) {
        String cleaned = deviceName.replaceAll("[^A-Za-z0-9._/-]", "-");
        return "motion:" + (cleaned.isEmpty() ? "accel" : cleaned);
    }

    @Override
    public synchronized void accept(AccelSample sample) {
        Optional<Position> before = position;
        Optional<VehicleContext.Speed> speedBefore = speed;
        Optional<ShockEvent> closed = detector.accept(sample);
        closed.ifPresent(e -> submit(RoadShocks.reading(e, before, speedBefore, source, subject, timeQuality.get())));
        if (detector.peakChanged()) {
            position = context.position();
            speed = context.speed();
        }
    }

    private void submit(Reading r) {
        events.incrementAndGet();
        if (r.position() != null) {
            located.incrementAndGet();
        }
        watch.accept(r);
        try {
            sink.submit(r).exceptionally(t -> {
                refused.incrementAndGet();
                LOG.log(Level.WARNING, "motion: road.shock at " + r.observedAtMillis() + " refused by the buffer: " + t);
                return null;
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            refused.incrementAndGet();
        } catch (IllegalStateException e) {
            refused.incrementAndGet(); // the sequencer is closed: the gateway is stopping
        }
    }

    /** Events submitted. */
    public long events() {
        return events.get();
    }

    /** Events submitted with a position. */
    public long located() {
        return located.get();
    }

    /** Events the buffer refused or that could not be submitted. */
    public long refused() {
        return refused.get();
    }

    public ShockDetector detector() {
        return detector;
    }
}
