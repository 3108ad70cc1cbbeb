package io.certigate.app.run;

import io.certigate.app.demo.DemoScenario;
import io.certigate.app.demo.SyntheticLoadScenario;
import io.certigate.core.spine.Spine;
import io.certigate.anchor.AnchorPipeline;
import io.certigate.app.anchor.RunAnchoring;
import io.certigate.anchor.AnchorPipeline;
import io.certigate.app.metrics.AdapterMetrics;
import io.certigate.app.metrics.AnchorMetrics;
import io.certigate.app.metrics.BuildInfo;
import io.certigate.app.metrics.MetricsServer;
import io.certigate.app.metrics.MetricsSettings;
import io.certigate.app.metrics.UplinkMetrics;
import io.certigate.app.metrics.SpineMetrics;
import io.certigate.core.buffer.BufferException;
import io.certigate.core.metrics.Metrics;
import io.certigate.uplink.RouteConfig;
import io.certigate.uplink.RouteCursor;
import io.certigate.uplink.UplinkConfig;
import io.certigate.uplink.coap.CoapUplink;
import io.certigate.uplink.mqtt.MqttUplink;
import java.util.SplittableRandom;
import io.certigate.core.model.TimeQuality;
import io.certigate.obd.BufferOdometerStore;
import io.certigate.obd.ObdPoller;
import io.certigate.obd.ObdReaderConfig;
import io.certigate.obd.ObdStats;
import io.certigate.motion.MotionConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.function.LongConsumer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code certigate run --config FILE}: the standalone gateway. Starts the spine and the configured
 * sources, runs until SIGTERM or SIGINT, then stops the sources, commits what is queued, closes the
 * buffer and says what is left for the next start ({@link Backlog}). A stop requested while the
 * gateway starts ends the start-up between two steps ({@link StopSignal#checkpoint}) and stops the
 * same way. A requested stop exits 0 (see {@link StopSignal}); docs/certigate.service for a
 * systemd unit.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the gateway from one configuration file until stopped (SIGTERM flushes and closes).")
public final class RunCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, description = "Properties file (see docs/configuration.md).")
    Path config;

    @Override
    public Integer call() throws Exception {
        StopSignal signal = StopSignal.forThisJvm();
        if (!signal.install()) {
            return 0; // the JVM is already stopping (a signal during its start): nothing was opened
        }
        int status = 1;
        try {
            status = run(signal);
            return status;
        } finally {
            signal.finish(status); // lets a running shutdown hook halt the JVM with this status
            signal.uninstall(); // a run that ended by itself leaves no hook behind
        }
    }

    private int run(StopSignal signal) throws Exception {
        RunConfig cfg;
        ObdReaderConfig obd;
        MeterSources.Plan meters;
        UplinkConfig uplinkConfig;
        RouteConfig routes;
        ProvisioningMode provisioning;
        io.certigate.gnss.GnssConfig gnss;
        MotionConfig motion;
        try {
            cfg = RunConfig.load(config);
            provisioning = ProvisioningMode.parse(cfg, config.toString());
            obd = ObdReaderConfig.present(cfg.raw()) ? ObdReaderConfig.parse(cfg.raw(), config.toString()) : null;
            meters = MeterSources.parse(new RunConfig.Values(cfg.raw(), config.toString()), cfg.raw(), config.toString());
            uplinkConfig = UplinkConfig.present(cfg.raw()) ? UplinkConfig.parse(cfg.raw(), cfg.deviceId(), config.toString()) : null;
            routes = RouteConfig.parse(cfg.raw(), cfg.deviceId(), uplinkConfig != null && uplinkConfig.mqtt() != null,
                    uplinkConfig != null && uplinkConfig.coap() != null, config.toString());
            gnss = io.certigate.gnss.GnssConfig.present(cfg.raw())
                    ? io.certigate.gnss.GnssConfig.parse(cfg.raw(), config.toString()) : null;
            motion = MotionConfig.present(cfg.raw()) ? MotionConfig.parse(cfg.raw(), config.toString()) : null;
        } catch (RunConfig.ConfigException | IllegalArgumentException e) {
            System.err.println("run: " + e.getMessage());
            return 2;
        }
        ExecutorService writer = Executors.newSingleThreadExecutor(r -> new Thread(r, "sequencer"));
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(3);
        Backlog backlog;
        List<String> routeBacklog = new ArrayList<>();
        try {
            Spine opened;
            try {
                signal.checkpoint("opening the device key and the buffer");
                opened = provisioning.openSpine(Clock.systemUTC(), writer, scheduler, signal.latch(), System.out);
            } catch (StopSignal.StopRequested e) {
                System.out.println("certigate run: stopped before the device key and the buffer were opened;"
                        + " nothing was committed in this run");
                return 0;
            } catch (Exception | LinkageError e) {
                if (!signal.isRequested()) {
                    throw e;
                }
                // a stop while opening: the failure is the stop's (a class initialised after the
                // JVM began shutting down cannot register its own hooks), not a fault to report
                System.out.println("certigate run: stopped while opening the device key and the buffer ("
                        + describe(e) + "); nothing was committed in this run");
                return 0;
            }
            try (Spine spine = opened) {
                if (spine == null) {
                    return 0; // stopped while waiting to be provisioned
                }
                Duration keyLoad = provisioning.keyLoad();
                System.out.println("certigate run: device " + cfg.deviceId() + ", " + spine.key().describe() + ", buffer "
                        + cfg.bufferFile() + " at seq " + spine.buffer().head().seq()
                        + (keyLoad == null ? "" : " (key loaded in " + keyLoad.toMillis() + " ms)"));
                reportFirstCommit(spine);
                List<AutoCloseable> sources = new ArrayList<>(); // closed in reverse order at the stop
                try {
                    start(signal, cfg, spine, obd, meters, uplinkConfig, routes, gnss, motion, scheduler, sources);
                } catch (StopSignal.StopRequested e) {
                    System.out.println("certigate run: stop requested during start-up, before " + e.next());
                } catch (Exception | LinkageError e) {
                    if (!signal.isRequested()) {
                        if (e instanceof LinkageError) {
                            throw e;
                        }
                        // a source that cannot start (a port in use, a missing serial device, a chain that
                        // does not answer): say which, stop what did start, and let the spine close what is committed
                        System.err.println("run: cannot start the gateway: " + describe(e));
                        closeAll(sources, e);
                        return 1;
                    }
                    System.out.println("certigate run: stop requested during start-up; the step under way did not"
                            + " complete (" + describe(e) + ")");
                }
                signal.await();
                System.out.println("certigate run: stopping; committing queued readings");
                closeAll(sources, null);
                spine.sequencer().close(); // commits what is queued, so that the backlog counts it
                if (!routes.routes().isEmpty()) {
                    long head = spine.buffer().head().seq();
                    Map<String, Long> cursors = RouteCursor.stored(spine.buffer());
                    for (RouteConfig.Route r : routes.routes()) {
                        long left = head - cursors.getOrDefault(r.name(), 0L);
                        routeBacklog.add("route " + r.name() + ": " + (left == 0 ? "everything delivered"
                                : left + " record(s) not yet delivered to " + r.destination() + " (sent after the next start)"));
                    }
                }
                backlog = Backlog.of(spine.buffer(), uplinkConfig != null,
                        RunAnchoring.configured(new RunConfig.Values(cfg.raw(), config.toString()))
                                || io.certigate.app.anchor.RunAggregatedAnchoring.configured(
                                        new RunConfig.Values(cfg.raw(), config.toString())));
            }
        } finally {
            scheduler.shutdownNow();
            writer.shutdownNow();
        }
        System.out.println("certigate run: stopped cleanly; " + backlog.describe());
        routeBacklog.forEach(line -> System.out.println("certigate run: " + line));
        return 0;
    }

    /** Starts the configured components in order, checking for a stop request before each. */
    private void start(StopSignal signal, RunConfig cfg, Spine spine, ObdReaderConfig obd, MeterSources.Plan meters,
            UplinkConfig uplinkConfig, RouteConfig routes, io.certigate.gnss.GnssConfig gnss, MotionConfig motion,
            ScheduledExecutorService scheduler, List<AutoCloseable> sources) throws Exception {
        RunConfig.Values values = new RunConfig.Values(cfg.raw(), config.toString());
        long metricsPort = values.whole(MetricsSettings.PORT);
        Metrics metrics = new Metrics(); // components register as they start; served if metrics.port is set
        BuildInfo.register(metrics);
        SpineMetrics.register(metrics, spine, Clock.systemUTC());
        if (metricsPort >= 0) {
            signal.checkpoint("starting the metrics endpoint");
            String metricsAddress = values.get(MetricsSettings.ADDRESS.key(), MetricsSettings.ADDRESS.defaultValue());
            MetricsSettings.warnOnWideBind(metricsAddress);
            MetricsServer server = new MetricsServer(metrics, new InetSocketAddress(metricsAddress, (int) metricsPort));
            sources.add(server);
            System.out.println("certigate run: metrics on http://" + server.address().getHostString() + ":"
                    + server.address().getPort() + "/metrics");
        }
        DemoScenario.Context ctx = new DemoScenario.Context(spine, cfg.bufferFile().toAbsolutePath().getParent(),
                Clock.systemUTC(), scheduler, System.out);
        io.certigate.gnss.GnssService fix = null; // the road events' position and fallback speed
        if (gnss != null) {
            signal.checkpoint("starting the GNSS receiver");
            GnssRun.Running receiver = GnssRun.start(gnss, spine.sequencer(), cfg.deviceId(), metrics, System.out);
            sources.add(receiver); // before the sources it stamps
            fix = receiver.service();
        }
        // the road events' speed: the OBD reader's latest, seen on its way to the sequencer
        MotionSource.LatestObdSpeed obdSpeed = motion != null && obd != null
                ? new MotionSource.LatestObdSpeed(spine.sequencer(), Clock.systemUTC()) : null;
        if (obd != null) {
            signal.checkpoint("starting the OBD reader");
            // the poller blocks on adapter I/O: it gets a thread of its own
            ScheduledExecutorService obdThread = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "obd"));
            sources.add(obdThread::shutdownNow);
            ObdPoller poller = obd.start(obdSpeed != null ? obdSpeed : spine.sequencer(), new BufferOdometerStore(spine.buffer()), new ObdStats(),
                    Clock.systemUTC(), obdThread, TimeQuality.NTP);
            sources.add(poller);
            AdapterMetrics.register(metrics, ObdPoller.SOURCE, poller::health);
            System.out.println("certigate run: OBD reader on " + obd.port());
        }
        if (motion != null) {
            signal.checkpoint("starting the road-event detector");
            sources.add(MotionSource.start(motion, spine.sequencer(), obdSpeed, fix, Clock.systemUTC(), scheduler,
                    TimeQuality.NTP, System.out, metrics));
        }
        boolean aggregated = io.certigate.app.anchor.RunAggregatedAnchoring.configured(values);
        io.certigate.app.anchor.RunAggregatedAnchoring aggregation = null;
        if (aggregated && (uplinkConfig == null || uplinkConfig.mqtt() == null)) {
            io.certigate.app.anchor.RunAggregatedAnchoring.prepare(values, spine.buffer(), spine.key(), null,
                    Clock.systemUTC()); // throws: names the uplink's keys
        }
        if (uplinkConfig != null && uplinkConfig.mqtt() != null) {
            signal.checkpoint("starting the MQTT uplink");
            MqttUplink mqtt = new MqttUplink(spine.buffer(), spine.key().certificateChain(), uplinkConfig.mqtt(),
                    Clock.systemUTC(), scheduler, new SplittableRandom());
            startRoutes(routes.routes().stream().filter(r -> r.mqttTopic() != null).toList(), spine, metrics, sources,
                    (r, cursor) -> mqtt.route(r.mqttTopic(), cursor, r.filter()), r -> "MQTT topic " + r.mqttTopic());
            if (aggregated) {
                aggregation = io.certigate.app.anchor.RunAggregatedAnchoring.prepare(values, spine.buffer(), spine.key(),
                        mqtt, Clock.systemUTC());
            }
            mqtt.start();
            spine.sequencer().addCommitListener(mqtt.commitListener());
            sources.add(0, mqtt);
            UplinkMetrics.register(metrics, "mqtt", mqtt::health);
            System.out.println("certigate run: MQTT uplink to " + uplinkConfig.mqtt().serverUri());
        }
        if (uplinkConfig != null && uplinkConfig.coap() != null) {
            signal.checkpoint("starting the CoAP uplink");
            CoapUplink coap = new CoapUplink(spine.buffer(), uplinkConfig.coap(), Clock.systemUTC(), scheduler,
                    new SplittableRandom());
            if (!uplinkConfig.coapMain()) {
                coap.routesOnly();
            }
            startRoutes(routes.routes().stream().filter(r -> r.coapPath() != null).toList(), spine, metrics, sources,
                    (r, cursor) -> coap.route(r.coapPath(), cursor, r.filter()), r -> "CoAP path /" + r.coapPath());
            coap.start();
            spine.sequencer().addCommitListener(coap.commitListener());
            sources.add(0, coap);
            if (uplinkConfig.coapMain()) {
                UplinkMetrics.register(metrics, "coap", coap::health);
                System.out.println("certigate run: CoAP uplink to " + uplinkConfig.coap().endpoint());
            } else {
                System.out.println("certigate run: CoAP connection to " + uplinkConfig.coap().endpoint()
                        + " for the routes only (the main stream goes over MQTT; uplink.coap.main)");
            }
        }
        if (aggregation != null) {
            signal.checkpoint("starting the aggregated anchoring");
            sources.add(0, aggregation.start(scheduler, System.out));
        }
        signal.checkpoint("starting the anchoring");
        AnchorPipeline anchoring = RunAnchoring.start(values, spine, System.out);
        if (anchoring != null) {
            sources.add(0, anchoring); // closed last: anchors what the sources produced until the end
            AnchorMetrics.register(metrics, anchoring, spine);
        }
        signal.checkpoint("starting the meter sources");
        sources.addAll(MeterSources.start(meters, spine, Clock.systemUTC(), TimeQuality.NTP, System.out, metrics));
        if (cfg.syntheticRate() > 0) {
            signal.checkpoint("starting the synthetic source");
            sources.add(new SyntheticLoadScenario(cfg.syntheticRate()).start(ctx));
        }
    }

    /**
     * Opens each route's cursor (closed with the sources, which releases its hold on the purge),
     * hands it to its uplink, registers its backlog gauge and prints one line for it.
     */
    private static void startRoutes(List<RouteConfig.Route> routes, Spine spine, Metrics metrics,
            List<AutoCloseable> sources, java.util.function.BiConsumer<RouteConfig.Route, RouteCursor> uplink,
            java.util.function.Function<RouteConfig.Route, String> destination) throws BufferException {
        for (RouteConfig.Route r : routes) {
            RouteCursor cursor = RouteCursor.open(spine.buffer(), r.name());
            sources.add(0, cursor);
            uplink.accept(r, cursor);
            registerRoute(metrics, spine, r, cursor);
            System.out.println("certigate run: route " + r.name() + " (" + r.purpose() + "): " + r.filter() + " to "
                    + destination.apply(r) + ", from seq " + (cursor.deliveredThrough() + 1));
        }
    }

    /** A route's backlog for operators (docs/metrics.md): what its destination has not acknowledged yet. */
    private static void registerRoute(Metrics metrics, Spine spine, RouteConfig.Route r, RouteCursor cursor) {
        metrics.gauge("certigate_route_undelivered", "Records a forwarding route's destination has not acknowledged "
                + "(head seq - the route's cursor); they also hold the buffer's purge back.",
                () -> Math.max(0, spine.buffer().head().seq() - cursor.deliveredThrough()), "route", r.name());
    }

    /** Prints one line when the first reading of this run is committed, with the time since launch. */
    private static void reportFirstCommit(Spine spine) {
        long launched = ManagementFactory.getRuntimeMXBean().getStartTime();
        java.util.concurrent.atomic.AtomicBoolean reported = new java.util.concurrent.atomic.AtomicBoolean();
        LongConsumer[] self = new LongConsumer[1];
        self[0] = seq -> {
            if (reported.compareAndSet(false, true)) {
                spine.sequencer().removeCommitListener(self[0]);
                System.out.println("certigate run: first reading of this run committed (seq " + seq + ") "
                        + (System.currentTimeMillis() - launched) + " ms after launch");
            }
        };
        spine.sequencer().addCommitListener(self[0]);
    }

    /** Closes in reverse order of start; failures are added to {@code failure} when given, else thrown. */
    private static void closeAll(List<AutoCloseable> sources, Throwable failure) throws Exception {
        List<AutoCloseable> reversed = new ArrayList<>(sources);
        java.util.Collections.reverse(reversed);
        for (AutoCloseable s : reversed) {
            try {
                s.close();
            } catch (Exception closing) {
                if (failure == null) {
                    throw closing;
                }
                failure.addSuppressed(closing);
            }
        }
    }

    private static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage();
            if (m != null && !m.isBlank() && sb.indexOf(m) < 0) {
                sb.append(sb.length() == 0 ? "" : ": ").append(m);
            }
        }
        return sb.length() == 0 ? e.getClass().getSimpleName() : sb.toString();
    }
}
