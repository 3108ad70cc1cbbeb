package io.certigate.fleet.topics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Something the fleet tier found wrong or missing, as {@link FleetTopics#FINDINGS} carries it: JSON
 * (low volume, read by people and scripts) {@code {"device", "seq", "lastSeq", "type", "detail", "at"}}.
 *
 * @param device  the device id (from the MQTT topic the data came on)
 * @param seq     the first seq concerned, or 0 when the finding is about no record in particular
 *                (a payload that could not be split into records)
 * @param lastSeq the last seq concerned (a gap spans {@code seq..lastSeq}); equal to {@code seq} otherwise
 * @param type    what was found
 * @param detail  one sentence for a person, naming what was wrong
 * @param atMs    when it was found, epoch ms on the finder's clock
 */
public record Finding(String device, long seq, long lastSeq, FindingType type, String detail, long atMs) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public Finding {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(detail, "detail");
        if (seq < 0 || lastSeq < seq) {
            throw new IllegalArgumentException("finding seqs " + seq + ".." + lastSeq + " are not a range");
        }
    }

    /** A finding about one record (or none, {@code seq} 0). */
    public static Finding of(String device, long seq, FindingType type, String detail, long atMs) {
        return new Finding(device, seq, seq, type, detail, atMs);
    }

    public byte[] encode() {
        ObjectNode n = JSON.createObjectNode();
        n.put("device", device);
        n.put("seq", seq);
        n.put("lastSeq", lastSeq);
        n.put("type", type.code());
        n.put("detail", detail);
        n.put("at", atMs);
        try {
            return JSON.writeValueAsBytes(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Decodes {@link #encode()}'s bytes; a clear {@link IllegalArgumentException} for anything else. */
    public static Finding decode(byte[] json) {
        try {
            JsonNode n = JSON.readTree(json);
            if (n == null || !n.isObject()) {
                throw new IllegalArgumentException("a finding is a JSON object");
            }
            return new Finding(text(n, "device"), n.path("seq").asLong(0), n.path("lastSeq").asLong(0),
                    FindingType.ofCode(text(n, "type")), text(n, "detail"), n.path("at").asLong(0));
        } catch (IOException e) {
            throw new IllegalArgumentException("a finding is not JSON: " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("a finding lacks the text field \"" + field + "\"");
        }
        return v.asText();
    }

    @Override
    public String toString() {
        return new String(encode(), StandardCharsets.UTF_8);
    }
}
