package io.certigate.app.fleet;

import io.certigate.uplink.UplinkTopics;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * Publishes {@link SimulatedGateways} to an MQTT broker as the gateways would: each gateway's status
 * (carrying its certificate chain), then its batches at QoS 1, in seq order per gateway, gateways
 * interleaved, at a fixed offered rate of records per second (0: as fast as the broker
 * acknowledges). At most {@code window} publishes are in flight. Records the wall-clock time each
 * batch was handed to the broker, for end-to-end latency.
 */
public final class GatewayLoad implements AutoCloseable {
    private final MqttAsyncClient client;
    private final int window;
    private final Semaphore inflight;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final IMqttActionListener done = new IMqttActionListener() {
        @Override
        public void onSuccess(IMqttToken token) {
            inflight.release();
        }

        @Override
        public void onFailure(IMqttToken token, Throwable e) {
            failure.compareAndSet(null, e);
            inflight.release();
        }
    };

    public GatewayLoad(String brokerUrl, String clientId, int window) throws MqttException {
        this.window = window;
        this.inflight = new Semaphore(window);
        client = new MqttAsyncClient(brokerUrl, clientId, new MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(true);
        o.setMaxInflight(Math.max(10, window));
        o.setAutomaticReconnect(false);
        client.connect(o).waitForCompletion(30_000);
    }

    /** What was published. {@code sentAtMs[g][i]} is when batch i of gateway g was handed to the broker. */
    public record Published(long batches, long records, long elapsedNanos, long[][] sentAtMs) {
        public double recordsPerSecond() {
            return records * 1e9 / Math.max(1, elapsedNanos);
        }
    }

    /**
     * Publishes every gateway's status, then all batches, and waits for the broker's acknowledgements.
     *
     * @param ratePerSecond records per second offered, 0 for as fast as acknowledged
     */
    public Published publish(List<SimulatedGateways.Gateway> gateways, int ratePerSecond) throws MqttException,
            InterruptedException {
        statuses(gateways);
        int most = gateways.stream().mapToInt(g -> g.batches().size()).max().orElse(0);
        return batches(gateways, 0, most, ratePerSecond);
    }

    /** Publishes each gateway's status (its certificate chain), and waits for the broker's acknowledgements. */
    public void statuses(List<SimulatedGateways.Gateway> gateways) throws MqttException, InterruptedException {
        long now = System.currentTimeMillis();
        for (SimulatedGateways.Gateway g : gateways) {
            send(UplinkTopics.STATUS.topic(g.id()), g.status(now));
        }
        drain();
    }

    /**
     * Publishes batches {@code from} (inclusive) to {@code to} (exclusive) of every gateway, gateways
     * interleaved, and waits for the broker's acknowledgements.
     *
     * @param ratePerSecond records per second offered, 0 for as fast as acknowledged
     */
    public Published batches(List<SimulatedGateways.Gateway> gateways, int from, int to, int ratePerSecond)
            throws MqttException, InterruptedException {
        long[][] sent = new long[gateways.size()][];
        for (int g = 0; g < gateways.size(); g++) {
            sent[g] = new long[gateways.get(g).batches().size()];
        }
        long records = 0;
        long batches = 0;
        long t0 = System.nanoTime();
        for (int i = from; i < to; i++) {
            for (int g = 0; g < gateways.size(); g++) {
                SimulatedGateways.Gateway gw = gateways.get(g);
                if (i >= gw.batches().size()) {
                    continue;
                }
                if (ratePerSecond > 0) {
                    long due = t0 + records * 1_000_000_000L / ratePerSecond;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                }
                sent[g][i] = System.currentTimeMillis();
                send(UplinkTopics.READINGS.topic(gw.id()), gw.batches().get(i));
                records += gw.size(i);
                batches++;
            }
        }
        drain();
        return new Published(batches, records, System.nanoTime() - t0, sent);
    }

    /**
     * Publishes the batch statements of each gateway (aggregated anchoring) on its statements topic
     * at QoS 1, in order per gateway, gateways interleaved, and waits for the broker's
     * acknowledgements; {@code statements.get(g)} are those of {@code gateways.get(g)}. Returns how
     * many were published.
     */
    public long statements(List<SimulatedGateways.Gateway> gateways, List<List<byte[]>> statements)
            throws MqttException, InterruptedException {
        int most = statements.stream().mapToInt(List::size).max().orElse(0);
        long sent = 0;
        for (int i = 0; i < most; i++) {
            for (int g = 0; g < gateways.size(); g++) {
                if (i < statements.get(g).size()) {
                    send(UplinkTopics.STATEMENTS.topic(gateways.get(g).id()), statements.get(g).get(i));
                    sent++;
                }
            }
        }
        drain();
        return sent;
    }

    /** Publishes {@code payload} on {@code topic} at QoS 1 and waits for the broker's acknowledgement. */
    public void raw(String topic, byte[] payload) throws MqttException, InterruptedException {
        send(topic, payload);
        drain();
    }

    private void send(String topic, byte[] payload) throws MqttException, InterruptedException {
        inflight.acquire();
        if (failure.get() != null) {
            inflight.release();
            throw new MqttException(failure.get());
        }
        client.publish(topic, payload, 1, false, null, done);
    }

    private void drain() throws MqttException, InterruptedException {
        inflight.acquire(window);
        inflight.release(window);
        Throwable f = failure.getAndSet(null);
        if (f != null) {
            throw new MqttException(f);
        }
    }

    @Override
    public void close() throws MqttException {
        if (client.isConnected()) {
            client.disconnect().waitForCompletion(10_000);
        }
        client.close();
    }
}
