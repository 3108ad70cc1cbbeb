package io.certigate.obd;

import io.certigate.core.metrics.AdapterHealth;
import io.certigate.core.model.Reading;
import io.certigate.core.model.ReadingValue;
import io.certigate.core.model.TimeQuality;
import io.certigate.core.sequencer.ReadingSink;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The OBD source adapter: owns an {@link Elm327Session}, reads VIN and odometer at every
 * connection and periodically, polls the other PIDs on their schedule, and hands plain readings
 * ({@code src} = {@code obd}, {@code sub} = VIN) to a {@link ReadingSink}. A lost adapter, an
 * ignition switched off or a long run of NO DATA leads to a back-off and a fresh session; a
 * malformed reply is counted and logged once with its raw text. All work runs as tasks on the
 * given scheduler, one at a time.
 */
public final class ObdPoller implements AutoCloseable {
    public static final String SOURCE = "obd";
    public static final String ODOMETER_UNSUPPORTED = "odometer-unsupported";
    public static final String VIN_UNAVAILABLE = "vin-unavailable";
    public static final String CHECK_DIGIT_INVALID = "vin-check-digit-invalid";

    private static final System.Logger LOG = System.getLogger(ObdPoller.class.getName());
    private static final String NO_VIN_SUBJECT = "unknown-vin";
    private static final int VIN_ATTEMPTS = 6;

    /** What the poller is doing, for operators and tests. */
    public enum State { STOPPED, CONNECTING, POLLING, BACKING_OFF, CLOSED }

    private final Supplier<Elm327Session> sessions;
    private final ReadingSink sink;
    private final MileageGuard guard;
    private final ObdStats stats;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final PollSchedule schedule;
    private final TimeQuality timeQuality;

    private final Map<ObdPid, Long> due = new EnumMap<>(ObdPid.class);
    private long identityDue;
    private volatile Elm327Session session;
    private SupportedPids supported = SupportedPids.none();
    private Vin vin;
    private long backoffMs;
    private int quietRun;
    private volatile State state = State.STOPPED;
    private volatile ScheduledFuture<?> next;

    public ObdPoller(Supplier<Elm327Session> sessions, ReadingSink sink, MileageGuard guard, ObdStats stats, Clock clock,
            ScheduledExecutorService scheduler, PollSchedule schedule, TimeQuality timeQuality) {
        this.sessions = sessions;
        this.sink = sink;
        this.guard = guard;
        this.stats = stats;
        this.clock = clock;
        this.scheduler = scheduler;
        this.schedule = schedule;
        this.timeQuality = timeQuality;
        this.backoffMs = schedule.backoffMin().toMillis();
    }

    public synchronized ObdPoller start() {
        if (state == State.STOPPED) {
            state = State.CONNECTING;
            next = scheduler.schedule(this::connect, 0, TimeUnit.MILLISECONDS);
        }
        return this;
    }

    public State state() {
        return state;
    }

    /** The VIN of the connected vehicle, or null. */
    public Vin vin() {
        return vin;
    }

    public ObdStats stats() {
        return stats;
    }

    /** Connected while the session polls the vehicle; reconnects are back-offs (adapter lost, ignition off). */
    public AdapterHealth health() {
        ObdStats.Snapshot s = stats.snapshot();
        return new AdapterHealth(state == State.POLLING, s.reconnects(), s.malformedReplies(), s.readings());
    }

    private void connect() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CONNECTING;
        try {
            session = sessions.get();
            Elm327Session.AdapterInfo info = session.initialize();
            if (!info.vehicleAnswered()) {
                LOG.log(System.Logger.Level.INFO, "{0}: vehicle silent (ignition off?): {1}", info.port(),
                        ObdReplyException.quote(info.firstReply()));
                backOff();
                return;
            }
            supported = ObdDiscovery.supportedPids(session, this::malformed);
            LOG.log(System.Logger.Level.INFO, "{0}: {1}, {2}, supported PIDs {3}", info.port(), info.identity(),
                    info.protocol().description(), supported);
            quietRun = 0;
            backoffMs = schedule.backoffMin().toMillis();
            long now = clock.millis();
            identityDue = now;
            due.clear();
            for (ObdPid p : schedule.pids().keySet()) {
                if (supported.supports(p)) {
                    due.put(p, now);
                }
            }
            state = State.POLLING;
            tick();
        } catch (IOException | Elm327Exception e) {
            lost(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            state = State.CLOSED; // the scheduler is shutting down: this task closes the port itself
            closeSession();
        }
    }

    private void tick() {
        if (state != State.POLLING) {
            return;
        }
        try {
            long now = clock.millis();
            if (now >= identityDue) {
                readIdentity();
                identityDue = now + schedule.identityEvery().toMillis();
            }
            for (Map.Entry<ObdPid, Long> e : due.entrySet()) {
                if (state == State.POLLING && clock.millis() >= e.getValue()) {
                    e.setValue(clock.millis() + schedule.pids().get(e.getKey()).toMillis());
                    poll(e.getKey());
                }
            }
            if (state == State.POLLING) {
                long wake = identityDue;
                for (long d : due.values()) {
                    wake = Math.min(wake, d);
                }
                next = scheduler.schedule(this::tick, Math.max(0, wake - clock.millis()), TimeUnit.MILLISECONDS);
            }
        } catch (IOException | Elm327Exception e) {
            lost(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            state = State.CLOSED; // the scheduler is shutting down: this task closes the port itself
            closeSession();
        }
    }

    private void readIdentity() throws IOException, Elm327Exception, InterruptedException {
        // a garbled reply or a short NO DATA run must not leave the odometer without its VIN:
        // ask again a few times before certifying readings as vin-unavailable
        Vin read = null;
        for (int attempt = 0; attempt < VIN_ATTEMPTS && read == null; attempt++) {
            try {
                read = ObdDiscovery.vin(session);
            } catch (ObdReplyException e) {
                malformed(e);
            }
        }
        vin = read;
        List<String> flags = new ArrayList<>();
        boolean odometer = supported.supports(ObdPid.ODOMETER);
        if (!odometer) {
            flags.add(ODOMETER_UNSUPPORTED);
        }
        if (vin == null) {
            flags.add(VIN_UNAVAILABLE);
        } else {
            if (vin.checkDigit() == Vin.CheckDigit.INVALID) {
                flags.add(CHECK_DIGIT_INVALID);
            }
            submit(new Reading(clock.millis(), timeQuality, SOURCE, "vehicle.vin", vin.value(),
                    ReadingValue.of(vin.value()), null, flags));
        }
        if (odometer) {
            poll(ObdPid.ODOMETER);
        } else if (supported.supports(ObdPid.DISTANCE_SINCE_CLEARED) && !due.containsKey(ObdPid.DISTANCE_SINCE_CLEARED)) {
            poll(ObdPid.DISTANCE_SINCE_CLEARED);
        }
    }

    private void poll(ObdPid pid) throws IOException, Elm327Exception, InterruptedException {
        ObdReply reply;
        try {
            reply = session.query(pid.request());
        } catch (ObdReplyException e) {
            malformed(e);
            return;
        }
        if (reply instanceof ObdReply.Condition c) {
            stats.condition();
            quietRun++;
            if (c.condition().kind() == ElmCondition.Kind.ADAPTER || quietRun >= schedule.quietLimit()) {
                LOG.log(System.Logger.Level.INFO, "{0}: {1} after {2} quiet replies; backing off", session.port(),
                        c.condition().text(), quietRun);
                backOff();
            }
            return;
        }
        if (reply instanceof ObdReply.Negative n) {
            stats.condition();
            LOG.log(System.Logger.Level.DEBUG, "{0}: PID {1} refused with NRC {2}", session.port(), pid,
                    Elm327Replies.hex(n.responseCode()));
            return;
        }
        quietRun = 0;
        ObdReply.Data data = (ObdReply.Data) reply;
        ReadingValue value;
        try {
            value = pid.decode(data.primary(), data.toString());
        } catch (ObdReplyException e) {
            malformed(e);
            return;
        }
        String subject = vin == null ? NO_VIN_SUBJECT : vin.value();
        List<String> flags = new ArrayList<>();
        if (vin == null) {
            flags.add(VIN_UNAVAILABLE);
        }
        long t = clock.millis();
        if (pid == ObdPid.ODOMETER) {
            submitOdometer(subject, ((ReadingValue.Decimal) value).value(), flags, t);
            return;
        }
        if ((pid == ObdPid.DISTANCE_SINCE_CLEARED || pid == ObdPid.DISTANCE_WITH_MIL) && !supported.supports(ObdPid.ODOMETER)) {
            flags.add(ODOMETER_UNSUPPORTED);
        }
        submit(new Reading(t, timeQuality, SOURCE, pid.kind(), subject, value, pid.unit(), flags));
    }

    private void submitOdometer(String subject, BigDecimal km, List<String> flags, long t)
            throws IOException, InterruptedException {
        if (vin != null) {
            flags.addAll(guard.assess(vin.value(), km));
        }
        Reading r = new Reading(t, timeQuality, SOURCE, ObdPid.ODOMETER.kind(), subject, new ReadingValue.Decimal(km),
                ObdPid.ODOMETER.unit(), flags);
        boolean certifies = vin != null && !flags.contains(MileageGuard.ROLLBACK_SUSPECTED);
        String certifiedVin = subject;
        sink.submit(r).whenComplete((committed, error) -> {
            if (error != null) {
                LOG.log(System.Logger.Level.WARNING, "odometer reading of {0} not committed: {1}", subject, error.toString());
            } else if (certifies) {
                try {
                    guard.certified(certifiedVin, km, t);
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.ERROR, "certified odometer of {0} not stored: {1}", certifiedVin, e.getMessage());
                }
            }
        });
        stats.reading();
    }

    private void submit(Reading r) throws InterruptedException {
        sink.submit(r).whenComplete((committed, error) -> {
            if (error != null) {
                LOG.log(System.Logger.Level.WARNING, "{0} reading not committed: {1}", r.kind(), error.toString());
            }
        });
        stats.reading();
    }

    private void lost(Exception e) {
        if (state != State.CLOSED) {
            LOG.log(System.Logger.Level.WARNING, "adapter lost: {0}", e.getMessage());
            backOff();
        }
    }

    private void malformed(ObdReplyException e) {
        stats.malformed();
        LOG.log(System.Logger.Level.WARNING, "{0}: malformed reply dropped: {1}",
                session == null ? "adapter" : session.port(), e.getMessage());
    }

    private synchronized void backOff() {
        if (session != null) {
            session.close();
        }
        if (state == State.CLOSED) {
            return;
        }
        stats.reconnect();
        state = State.BACKING_OFF;
        long delay = backoffMs;
        backoffMs = Math.min(backoffMs * 2, schedule.backoffMax().toMillis());
        next = scheduler.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    /**
     * Stops polling and closes the adapter; safe to call twice. The session is closed on the
     * scheduler, after a poll in progress, so that a port is never closed under a running read.
     */
    @Override
    public void close() {
        synchronized (this) {
            state = State.CLOSED;
            ScheduledFuture<?> n = next;
            if (n != null) {
                n.cancel(false);
            }
        }
        try {
            scheduler.submit(this::closeSession).get(5, TimeUnit.SECONDS);
        } catch (java.util.concurrent.RejectedExecutionException | java.util.concurrent.ExecutionException
                | java.util.concurrent.TimeoutException e) {
            closeSession();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeSession();
        }
    }

    private void closeSession() {
        Elm327Session s = session;
        if (s != null) {
            s.close();
        }
    }
}
