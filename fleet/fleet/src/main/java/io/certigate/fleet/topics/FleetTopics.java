package io.certigate.fleet.topics;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The Kafka topics of the fleet tier and what their records hold. Every topic is keyed by the
 * device id (UTF-8), so that one device's records stay in order in one partition and every stage
 * that keeps per-device state is co-partitioned with its input.
 *
 * <ul>
 *   <li>{@link #RECORDS}: what the ingest received from the broker, one Kafka record per MQTT
 *       message, its payload unchanged: an uplink batch (header {@link #HEADER_KIND} =
 *       {@link #KIND_READINGS}) or a status message ({@link #KIND_STATUS}); the device id comes from
 *       the MQTT topic the message arrived on, and {@link #HEADER_RECEIVED} holds when the ingest
 *       received it (epoch ms, 8 bytes big-endian).</li>
 *   <li>{@link #VERIFIED}: one {@link VerifiedRecord} per (device, seq) the verification accepted,
 *       a signed record or a provable erasure of one.</li>
 *   <li>{@link #FINDINGS}: one {@link Finding} per thing found wrong or missing.</li>
 *   <li>{@link #PARKED}: the records that could not be verified yet because no trusted key of their
 *       device is known, each a single uplink item (COSE_Sign1 bytes); they are retried, never
 *       dropped.</li>
 *   <li>{@link #STATEMENTS}: aggregated anchoring: one Kafka record per batch statement a gateway
 *       published (its COSE_Sign1 bytes unchanged, header {@link #HEADER_KIND} = {@link #KIND_STATEMENT}),
 *       keyed by the device of the MQTT topic, and a copy of every status message ({@link #KIND_STATUS}),
 *       so that the aggregator ({@code io.certigate.fleet.anchor}), which checks every device's
 *       statements, learns every device's key whichever instance verifies its records.</li>
 * </ul>
 */
public final class FleetTopics {
    public static final String RECORDS = "certigate.records";
    public static final String VERIFIED = "certigate.verified";
    public static final String FINDINGS = "certigate.findings";
    public static final String PARKED = "certigate.parked";
    /** Aggregated anchoring: batch statements by device (added after the first four; additive). */
    public static final String STATEMENTS = "certigate.statements";

    /** All topics the fleet tier creates, in the order of the flow. */
    public static final List<String> ALL = List.of(RECORDS, VERIFIED, FINDINGS, PARKED, STATEMENTS);

    /** Header naming what a {@link #RECORDS} record holds. */
    public static final String HEADER_KIND = "certigate-kind";
    public static final String KIND_READINGS = "readings";
    public static final String KIND_STATUS = "status";
    /** The ingest's kind of a batch statement (routed to {@link #STATEMENTS}, not {@link #RECORDS}). */
    public static final String KIND_STATEMENT = "statement";
    /** Header: when the ingest received the MQTT message, epoch ms as 8 bytes big-endian. */
    public static final String HEADER_RECEIVED = "certigate-received-ms";

    /** Longest device id the fleet tier accepts (in UTF-8 bytes); longer ids are refused at ingest. */
    public static final int MAX_DEVICE_ID_BYTES = 128;

    private FleetTopics() {
    }

    /** The Kafka key of a device's records. */
    public static byte[] key(String device) {
        return device.getBytes(StandardCharsets.UTF_8);
    }

    /** The device a Kafka key names. */
    public static String device(byte[] key) {
        return new String(key, StandardCharsets.UTF_8);
    }

    /** 8 bytes big-endian, for {@link #HEADER_RECEIVED}. */
    public static byte[] epochMs(long ms) {
        byte[] b = new byte[8];
        for (int i = 7; i >= 0; i--) {
            b[i] = (byte) ms;
            ms >>>= 8;
        }
        return b;
    }

    /** Reads {@link #epochMs(long)}'s encoding back; -1 when {@code b} is not 8 bytes long. */
    public static long epochMs(byte[] b) {
        if (b == null || b.length != 8) {
            return -1;
        }
        long v = 0;
        for (byte x : b) {
            v = (v << 8) | (x & 0xff);
        }
        return v;
    }
}
