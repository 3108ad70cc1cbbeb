package io.certigate.app.demo;

import io.certigate.core.buffer.BufferException;
import io.certigate.core.buffer.RecordBuffer;
import io.certigate.core.sequencer.Sequencer;
import io.certigate.fleet.collector.Collector;
import io.certigate.fleet.collector.CollectorReport;
import io.certigate.fleet.collector.DeviceKeys;
import io.certigate.fleet.mqtt.BrokerOptions;
import io.certigate.signing.DeviceKey;
import io.certigate.testbed.mqtt.EmbeddedBroker;
import io.certigate.uplink.ForwardingPump;
import io.certigate.uplink.UplinkException;
import io.certigate.uplink.mqtt.MqttUplink;
import io.certigate.uplink.mqtt.MqttUplinkOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What {@code certigate demo} needs of the uplink, in one call: an MQTT broker (the embedded
 * Moquette one, or an external one given by URL), one {@link MqttUplink} per attached device, and a
 * reference {@link Collector} (database in the work directory) that verifies and deduplicates what
 * arrives, with the attached devices' public keys configured.
 *
 * <pre>
 * try (DemoUplink up = DemoUplink.start(mqttUrlOrNull, workDir, clock, scheduler)) {
 *     up.attach(buffer, sequencer, deviceKey);   // before the scenario produces readings
 *     ... run the scenarios ...
 *     up.awaitDrained(Duration.ofSeconds(30));
 *     up.summary().forEach(out::println);        // last line: received=… unique=… …
 * }
 * </pre>
 */
public final class DemoUplink implements AutoCloseable {
    private final EmbeddedBroker embedded;
    private final String url;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final DeviceKeys keys;
    private final Collector collector;
    private final List<MqttUplink> uplinks = new ArrayList<>();
    private final List<RecordBuffer> buffers = new ArrayList<>();

    private DemoUplink(EmbeddedBroker embedded, String url, Clock clock, ScheduledExecutorService scheduler,
            DeviceKeys keys, Collector collector) {
        this.embedded = embedded;
        this.url = url;
        this.clock = clock;
        this.scheduler = scheduler;
        this.keys = keys;
        this.collector = collector;
    }

    /**
     * Starts the broker (embedded when {@code mqttUrl} is null) and the collector, and waits up to
     * 10 s for the collector's subscription so that nothing published afterwards is missed.
     */
    public static DemoUplink start(String mqttUrl, Path workDir, Clock clock, ScheduledExecutorService scheduler)
            throws UplinkException, InterruptedException {
        EmbeddedBroker broker;
        try {
            broker = mqttUrl == null ? EmbeddedBroker.start(0, MqttUplinkOptions.MQTT_MAX_PACKET) : null;
        } catch (IOException e) {
            throw new UplinkException(e.getMessage(), e);
        }
        String url = broker != null ? broker.url() : mqttUrl;
        DeviceKeys keys = new DeviceKeys(List.of(), false);
        Collector collector;
        try {
            collector = Collector.start(workDir.resolve("collector.db"), keys,
                    BrokerOptions.defaults(url).withClientId("certigate-demo-collector"), clock, scheduler);
        } catch (UplinkException | RuntimeException e) {
            if (broker != null) {
                broker.close();
            }
            throw e;
        }
        DemoUplink d = new DemoUplink(broker, url, clock, scheduler, keys, collector);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!collector.subscribed()) {
            if (System.nanoTime() > deadline) {
                d.close();
                throw new UplinkException("the demo collector could not subscribe at " + url + " within 10 s");
            }
            Thread.sleep(20);
        }
        return d;
    }

    /** The broker's URL. */
    public String brokerUrl() {
        return url;
    }

    public boolean embedded() {
        return embedded != null;
    }

    /** Forwards a device's buffer from now on; its public key is configured in the collector. */
    public MqttUplink attach(RecordBuffer buffer, Sequencer sequencer, DeviceKey key) throws UplinkException {
        keys.add(buffer.deviceId(), key.publicKey());
        MqttUplink u = new MqttUplink(buffer, key.certificateChain(), MqttUplinkOptions.defaults(url, buffer.deviceId()),
                clock, scheduler, new SplittableRandom());
        sequencer.addCommitListener(u.commitListener());
        uplinks.add(u);
        buffers.add(buffer);
        return u.start();
    }

    /** Waits until every attached buffer has no undelivered record; false on timeout. */
    public boolean awaitDrained(Duration timeout) throws InterruptedException, BufferException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            boolean drained = true;
            for (RecordBuffer b : buffers) {
                drained &= b.stats().undelivered() == 0;
            }
            if (drained) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(50);
        }
    }

    public CollectorReport report() throws SQLException {
        return collector.report();
    }

    /** Summary lines; the last one is the collector's {@code key=value} line. */
    public List<String> summary() throws SQLException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < uplinks.size(); i++) {
            ForwardingPump.Stats s = uplinks.get(i).stats();
            lines.add("uplink " + buffers.get(i).deviceId() + " -> " + url + (embedded() ? " (embedded broker)" : "")
                    + ": " + s.recordsSent() + " records sent in " + s.batchesSent() + " batches, " + s.recordsDelivered()
                    + " marked delivered");
        }
        lines.add(collector.report().line());
        return lines;
    }

    @Override
    public void close() {
        for (MqttUplink u : uplinks) {
            u.close();
        }
        try {
            collector.close();
        } catch (SQLException e) {
            System.getLogger(DemoUplink.class.getName()).log(System.Logger.Level.WARNING,
                    "closing the demo collector: {0}", e.getMessage());
        }
        if (embedded != null) {
            embedded.close();
        }
    }
}
