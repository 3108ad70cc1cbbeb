package io.certigate.app.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certigate.uplink.UplinkTopics;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * The receiving side of simulated gateways in aggregated anchoring: one MQTT connection per gateway,
 * client id = device id, persistent session (a receipt sent while it is away waits in the broker),
 * subscribed at QoS 1 to {@code certigate/v1/<device>/receipts}. Each message is the fleet's JSON
 * {@code {"statement": base64url SHA-256 of the statement, "receipt": base64url RFC 9942 receipt}}
 * ({@code io.certigate.fleet.anchor.MqttReceiptSink}); the receipts are kept by gateway and statement
 * hash, a later copy of the same one replacing the earlier.
 */
public final class GatewayReceipts implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<MqttClient> clients = new ArrayList<>();
    private final Map<String, Map<ByteBuffer, byte[]>> receipts = new ConcurrentHashMap<>();
    private final AtomicLong unreadable = new AtomicLong();

    private GatewayReceipts() {}

    /** Connects each of {@code devices} to {@code brokerUrl} and subscribes it to its receipts. */
    public static GatewayReceipts subscribe(String brokerUrl, List<String> devices) throws MqttException {
        GatewayReceipts r = new GatewayReceipts();
        try {
            for (String device : devices) {
                r.connect(brokerUrl, device);
            }
            return r;
        } catch (MqttException | RuntimeException e) {
            r.close();
            throw e;
        }
    }

    private void connect(String brokerUrl, String device) throws MqttException {
        Map<ByteBuffer, byte[]> mine = receipts.computeIfAbsent(device, d -> new ConcurrentHashMap<>());
        MqttClient c = new MqttClient(brokerUrl, device, new MemoryPersistence());
        clients.add(c);
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(false);
        o.setAutomaticReconnect(true);
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        c.connect(o);
        c.subscribe(UplinkTopics.RECEIPTS.topic(device), 1, (topic, m) -> {
            try {
                JsonNode j = JSON.readTree(m.getPayload());
                Base64.Decoder b64 = Base64.getUrlDecoder();
                mine.put(ByteBuffer.wrap(b64.decode(j.path("statement").asText())),
                        b64.decode(j.path("receipt").asText()));
            } catch (java.io.IOException | IllegalArgumentException e) {
                unreadable.incrementAndGet();
            }
        });
    }

    /** The receipt {@code device} holds for the statement of hash {@code statementHash}. */
    public Optional<byte[]> receipt(String device, byte[] statementHash) {
        return Optional.ofNullable(receipts.getOrDefault(device, Map.of()).get(ByteBuffer.wrap(statementHash)));
    }

    /** Receipts held by {@code device} (one per statement). */
    public int count(String device) {
        return receipts.getOrDefault(device, Map.of()).size();
    }

    /** Messages on a receipts topic that were not a receipt message. */
    public long unreadable() {
        return unreadable.get();
    }

    @Override
    public void close() {
        for (MqttClient c : clients) {
            try {
                if (c.isConnected()) {
                    c.disconnect(1_000);
                }
                c.close();
            } catch (MqttException e) {
                System.getLogger(GatewayReceipts.class.getName()).log(System.Logger.Level.DEBUG, "closing: " + e);
            }
        }
        clients.clear();
    }
}
