package io.certigate.app.run;

import io.certigate.app.demo.DemoScenario;
import io.certigate.app.demo.SyntheticLoadScenario;
import io.certigate.core.spine.Spine;
import io.certigate.app.anchor.RunAnchoring;
import io.certigate.anchor.AnchorPipeline;
import io.certigate.app.metrics.AdapterMetrics;
import io.certigate.app.metrics.AnchorMetrics;
import io.certigate.app.metrics.BuildInfo;
import io.certigate.app.metrics.MetricsServer;
import io.certigate.app.metrics.UplinkMetrics;
import io.certigate.app.metrics.SpineMetrics;
import io.certigate.core.metrics.Metrics;
import io.certigate.uplink.UplinkConfig;
import io.certigate.uplink.coap.CoapUplink;
import io.certigate.uplink.mqtt.MqttUplink;
import java.util.SplittableRandom;
import io.certigate.core.model.TimeQuality;
import io.certigate.obd.BufferOdometerStore;
import io.certigate.obd.ObdPoller;
import io.certigate.obd.ObdReaderConfig;
import io.certigate.obd.ObdStats;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code certigate run --config FILE}: the standalone gateway. Starts the spine and the configured
 * sources, runs until SIGTERM or SIGINT, then stops the sources, commits what is queued and closes
 * the buffer. See docs/certigate.service for a systemd unit.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the gateway from one configuration file until stopped (SIGTERM flushes and closes).")
public final class RunCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, description = "Properties file (see docs/configuration.md).")
    Path config;

    @Override
    public Integer call() throws Exception {
        RunConfig cfg;
        ObdReaderConfig obd;
        MeterSources.Plan meters;
        UplinkConfig uplinkConfig;
        ProvisioningMode provisioning;
        try {
            cfg = RunConfig.load(config);
            provisioning = ProvisioningMode.parse(cfg, config.toString());
            obd = ObdReaderConfig.present(cfg.raw()) ? ObdReaderConfig.parse(cfg.raw(), config.toString()) : null;
            meters = MeterSources.parse(new RunConfig.Values(cfg.raw(), config.toString()), cfg.raw(), config.toString());
            uplinkConfig = UplinkConfig.present(cfg.raw()) ? UplinkConfig.parse(cfg.raw(), cfg.deviceId(), config.toString()) : null;
        } catch (RunConfig.ConfigException | IllegalArgumentException e) {
            System.err.println("run: " + e.getMessage());
            return 2;
        }
        ExecutorService writer = Executors.newSingleThreadExecutor(r -> new Thread(r, "sequencer"));
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(3);
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        boolean sourcesClosed = false;
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "certigate-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try (Spine spine = provisioning.openSpine(Clock.systemUTC(), writer, scheduler, stop, System.out)) {
            if (spine == null) {
                return 0; // stopped while waiting to be provisioned
            }
            System.out.println("certigate run: device " + cfg.deviceId() + ", " + spine.key().describe() + ", buffer "
                    + cfg.bufferFile() + " at seq " + spine.buffer().head().seq());
            List<AutoCloseable> sources = new ArrayList<>();
            try {
                RunConfig.Values values = new RunConfig.Values(cfg.raw(), config.toString());
                long metricsPort = values.whole(RunConfig.METRICS_PORT);
                Metrics metrics = new Metrics(); // components register as they start; served if metrics.port is set
                BuildInfo.register(metrics);
                SpineMetrics.register(metrics, spine, Clock.systemUTC());
                if (metricsPort >= 0) {
                    MetricsServer server = new MetricsServer(metrics, new InetSocketAddress(
                            values.get("metrics.address", "127.0.0.1"), (int) metricsPort));
                    sources.add(server);
                    System.out.println("certigate run: metrics on http://" + server.address().getHostString() + ":"
                            + server.address().getPort() + "/metrics");
                }
                DemoScenario.Context ctx = new DemoScenario.Context(spine, cfg.bufferFile().toAbsolutePath().getParent(),
                        Clock.systemUTC(), scheduler, System.out);
                if (obd != null) {
                    // the poller blocks on adapter I/O: it gets a thread of its own
                    ScheduledExecutorService obdThread = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "obd"));
                    sources.add(obdThread::shutdownNow);
                    ObdPoller poller = obd.start(spine.sequencer(), new BufferOdometerStore(spine.buffer()), new ObdStats(),
                            Clock.systemUTC(), obdThread, TimeQuality.NTP);
                    sources.add(poller);
                    AdapterMetrics.register(metrics, ObdPoller.SOURCE, poller::health);
                    System.out.println("certigate run: OBD reader on " + obd.port());
                }
                if (uplinkConfig != null && uplinkConfig.mqtt() != null) {
                    MqttUplink mqtt = new MqttUplink(spine.buffer(), spine.key().certificateChain(), uplinkConfig.mqtt(),
                            Clock.systemUTC(), scheduler, new SplittableRandom()).start();
                    spine.sequencer().addCommitListener(mqtt.commitListener());
                    sources.add(0, mqtt);
                    UplinkMetrics.register(metrics, "mqtt", mqtt::health);
                    System.out.println("certigate run: MQTT uplink to " + uplinkConfig.mqtt().serverUri());
                }
                if (uplinkConfig != null && uplinkConfig.coap() != null) {
                    CoapUplink coap = new CoapUplink(spine.buffer(), uplinkConfig.coap(), Clock.systemUTC(), scheduler,
                            new SplittableRandom()).start();
                    spine.sequencer().addCommitListener(coap.commitListener());
                    sources.add(0, coap);
                    UplinkMetrics.register(metrics, "coap", coap::health);
                    System.out.println("certigate run: CoAP uplink to " + uplinkConfig.coap().endpoint());
                }
                AnchorPipeline anchoring = RunAnchoring.start(values, spine, System.out);
                if (anchoring != null) {
                    sources.add(0, anchoring); // closed last: anchors what the sources produced until the end
                    AnchorMetrics.register(metrics, anchoring, spine);
                }
                sources.addAll(MeterSources.start(meters, spine, Clock.systemUTC(), TimeQuality.NTP, System.out, metrics));
                if (cfg.syntheticRate() > 0) {
                    sources.add(new SyntheticLoadScenario(cfg.syntheticRate()).start(ctx));
                }
            } catch (Exception e) {
                // a source that cannot start (a port in use, a missing serial device, a chain that does not
                // answer): say which, stop what did start, and let the spine close what is committed
                System.err.println("run: cannot start the gateway: " + describe(e));
                java.util.Collections.reverse(sources);
                for (AutoCloseable s : sources) {
                    try {
                        s.close();
                    } catch (Exception closing) {
                        e.addSuppressed(closing);
                    }
                }
                return 1;
            }
            stop.await();
            System.out.println("certigate run: stopping; committing queued readings");
            java.util.Collections.reverse(sources);
            for (AutoCloseable s : sources) {
                s.close();
            }
            sourcesClosed = true;
        } finally {
            scheduler.shutdownNow();
            writer.shutdownNow();
            if (sourcesClosed) { // after the spine (the resource) closed, unless its close throws
                System.out.println("certigate run: stopped cleanly");
            }
            stopped.countDown(); // lets the shutdown hook return, after which the JVM may halt at once
        }
        return 0;
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
