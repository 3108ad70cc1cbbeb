package io.certigate.uplink;

/**
 * The MQTT topic layout of certigate, version 1, in one place:
 *
 * <pre>
 * certigate/v1/&lt;device&gt;/readings   batches of signed records (CBOR array), QoS 1, not retained
 * certigate/v1/&lt;device&gt;/proofs     proof bundles (JSON) once a batch is anchored, QoS 1, not retained
 * certigate/v1/&lt;device&gt;/status     birth, last will and clean-shutdown status (JSON), QoS 1, retained
 * certigate/v1/&lt;device&gt;/statements batch statements (COSE_Sign1) in aggregated anchoring mode, QoS 1, not retained
 * certigate/v1/&lt;device&gt;/receipts   the fleet's receipts of them (JSON: statement hash + RFC 9942 receipt), QoS 1
 * </pre>
 *
 * A device id used in a topic must not contain the topic separator or wildcards.
 */
public enum UplinkTopics {
    READINGS("readings"),
    PROOFS("proofs"),
    STATUS("status"),
    /** Aggregated anchoring: a gateway's batch statements, to the fleet tier. */
    STATEMENTS("statements"),
    /** Aggregated anchoring: the fleet tier's receipts of a gateway's statements, to the gateway. */
    RECEIPTS("receipts");

    public static final String PREFIX = "certigate/v1/";

    private final String leaf;

    UplinkTopics(String leaf) {
        this.leaf = leaf;
    }

    public String leaf() {
        return leaf;
    }

    /** The topic of this kind for {@code device}. */
    public String topic(String device) {
        checkDevice(device);
        return PREFIX + device + "/" + leaf;
    }

    /** The subscription filter matching this kind for every device. */
    public String allDevices() {
        return PREFIX + "+/" + leaf;
    }

    /** Device id of a topic of this kind, or null when the topic is not one. */
    public String deviceOf(String topic) {
        String suffix = "/" + leaf;
        if (!topic.startsWith(PREFIX) || !topic.endsWith(suffix)) {
            return null;
        }
        String device = topic.substring(PREFIX.length(), topic.length() - suffix.length());
        return device.isEmpty() || device.indexOf('/') >= 0 ? null : device;
    }

    public static void checkDevice(String device) {
        if (device == null || device.isEmpty() || device.length() > 128
                || device.chars().anyMatch(c -> c == '/' || c == '+' || c == '#' || c < 0x20)) {
            throw new IllegalArgumentException("device id '" + device
                    + "' cannot be used in an MQTT topic (1..128 characters, no '/', '+', '#' or control characters)");
        }
    }
}
