package io.certigate.simulators.coap;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.californium.core.CoapResponse;

/**
 * A fleet of road sensors posting shock events through a {@link LossyUdpRelay} to the hub. Each
 * sensor has its own PSK identity ({@code road-01} …) and key, derived from the seed; events carry a
 * peak acceleration of 2 to 60 m/s² and a position along a road near Lyon.
 */
public final class RoadSensorFleet implements AutoCloseable {
    private final List<RoadSensor> sensors = new ArrayList<>();
    private final LossyUdpRelay relay;
    private final Random random;
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    /**
     * @param server the hub's DTLS address
     * @param loss   datagram loss in each direction, 0..1
     */
    public RoadSensorFleet(int size, InetSocketAddress server, String path, double loss, long seed, ExecutorService relayThreads)
            throws java.net.SocketException {
        this.random = new Random(seed);
        this.relay = new LossyUdpRelay(server, loss, seed, relayThreads);
        for (Map.Entry<String, byte[]> e : keys(size, seed).entrySet()) {
            sensors.add(new RoadSensor(e.getKey(), e.getValue(), relay.address(), path, 1));
        }
    }

    /** The identities and keys of a fleet, for the hub's configuration. */
    public static Map<String, byte[]> keys(int size, long seed) {
        Map<String, byte[]> keys = new TreeMap<>();
        for (int i = 1; i <= size; i++) {
            String id = String.format("road-%02d", i);
            keys.put(id, ("psk-" + seed + "-" + id + "-0123456789abcdef").getBytes(StandardCharsets.US_ASCII));
        }
        return keys;
    }

    /** Every sensor posts {@code events} shock events, one after the other; returns the responses' codes. */
    public List<String> run(int events) throws Exception {
        List<String> codes = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            for (RoadSensor s : sensors) {
                double peak;
                double km;
                synchronized (random) {
                    peak = 2 + random.nextDouble() * 58;
                    km = random.nextDouble() * 20;
                }
                CoapResponse r = s.postShock(peak, 45.75 + km * 0.004, 4.85 + km * 0.006);
                if (r == null) {
                    failed.incrementAndGet();
                    codes.add("timeout");
                } else {
                    acknowledged.incrementAndGet();
                    codes.add(r.getCode().toString());
                }
            }
        }
        return codes;
    }

    public List<RoadSensor> sensors() {
        return List.copyOf(sensors);
    }

    public LossyUdpRelay relay() {
        return relay;
    }

    public long acknowledged() {
        return acknowledged.get();
    }

    public long failed() {
        return failed.get();
    }

    @Override
    public void close() {
        sensors.forEach(RoadSensor::close);
        relay.close();
    }
}
