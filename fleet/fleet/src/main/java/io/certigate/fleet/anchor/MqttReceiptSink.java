package io.certigate.fleet.anchor;

import io.certigate.uplink.UplinkTopics;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;

/**
 * Hands receipts to gateways over MQTT: {@code certigate/v1/<device>/receipts}, QoS 1, not retained,
 * a JSON object {@code {"statement": base64url SHA-256 of the statement's COSE bytes, "receipt":
 * base64url RFC 9942 receipt}} (see {@link #payload}). {@link MqttClient#publish} returns once the
 * broker acknowledged it (PUBACK); a gateway that is offline gets it from its persistent session.
 */
public final class MqttReceiptSink implements ReceiptSink {
    private final MqttClient client;

    public MqttReceiptSink(MqttClient connected) {
        this.client = connected;
    }

    /** The JSON payload of one receipt message. */
    public static byte[] payload(byte[] statementHash, byte[] receipt) {
        Base64.Encoder b = Base64.getUrlEncoder().withoutPadding();
        return ("{\"statement\":\"" + b.encodeToString(statementHash) + "\",\"receipt\":\"" + b.encodeToString(receipt)
                + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void deliver(String device, byte[] statementHash, byte[] receipt) throws MqttException {
        MqttMessage m = new MqttMessage(payload(statementHash, receipt));
        m.setQos(1);
        m.setRetained(false);
        client.publish(UplinkTopics.RECEIPTS.topic(device), m);
    }
}
