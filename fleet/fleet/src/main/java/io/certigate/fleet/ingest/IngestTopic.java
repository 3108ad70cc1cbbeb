package io.certigate.fleet.ingest;

import io.certigate.fleet.topics.FleetTopics;
import io.certigate.uplink.UplinkTopics;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What the MQTT topic of an arriving message says: its kind ({@link FleetTopics#KIND_READINGS} or
 * {@link FleetTopics#KIND_STATUS}, from uplink's {@link UplinkTopics}) and the device id, or why the
 * device id is refused. The id is chosen by whoever publishes; the fleet accepts a non-empty one of
 * at most {@link FleetTopics#MAX_DEVICE_ID_BYTES} UTF-8 bytes without control characters. Pure.
 *
 * @param kind    the record kind, or null when the topic is not a readings or status topic
 * @param device  the device id as the topic carries it (possibly refused), or null when there is none
 * @param problem why the message cannot be forwarded under its device, or null when it can
 */
record IngestTopic(String kind, String device, String problem) {

    /** The shared subscriptions of {@code group}: every device's readings, status and batch statements. */
    static List<String> filters(String group) {
        return List.of("$share/" + group + "/" + UplinkTopics.READINGS.allDevices(),
                "$share/" + group + "/" + UplinkTopics.STATUS.allDevices(),
                "$share/" + group + "/" + UplinkTopics.STATEMENTS.allDevices());
    }

    static IngestTopic of(String topic) {
        for (UplinkTopics t : List.of(UplinkTopics.READINGS, UplinkTopics.STATUS, UplinkTopics.STATEMENTS)) {
            String suffix = "/" + t.leaf();
            if (topic.startsWith(UplinkTopics.PREFIX) && topic.endsWith(suffix)
                    && topic.length() >= UplinkTopics.PREFIX.length() + suffix.length()) {
                String kind = t == UplinkTopics.READINGS ? FleetTopics.KIND_READINGS
                        : t == UplinkTopics.STATEMENTS ? FleetTopics.KIND_STATEMENT : FleetTopics.KIND_STATUS;
                String device = topic.substring(UplinkTopics.PREFIX.length(), topic.length() - suffix.length());
                return new IngestTopic(kind, device, problem(device));
            }
        }
        return new IngestTopic(null, null, "is not a certigate readings or status topic");
    }

    boolean valid() {
        return problem == null;
    }

    private static String problem(String device) {
        if (device.isEmpty()) {
            return "has an empty device id";
        }
        if (device.indexOf('/') >= 0) {
            return "has a device id with '/'";
        }
        if (device.codePoints().anyMatch(Character::isISOControl)) {
            return "has a device id with control characters";
        }
        int bytes = device.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > FleetTopics.MAX_DEVICE_ID_BYTES) {
            return "has a device id of " + bytes + " bytes (at most " + FleetTopics.MAX_DEVICE_ID_BYTES + ")";
        }
        return null;
    }
}
