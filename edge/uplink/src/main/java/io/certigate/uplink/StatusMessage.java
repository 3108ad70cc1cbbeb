package io.certigate.uplink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The retained status of a device on {@code certigate/v1/<device>/status}: JSON
 *
 * <pre>
 * {"format": "certigate-status/1", "device": "...", "state": "online" | "offline" | "lost",
 *  "headSeq": 1234, "t": epoch-ms, "certificateChain": ["base64url DER", ...]}
 * </pre>
 *
 * {@code online} is the birth message sent on every connect, {@code lost} the last will the
 * broker publishes when the gateway vanishes, {@code offline} a clean shutdown. Every one carries
 * the device certificate chain (leaf first), so a collector can learn the device key from the
 * retained message; whether it trusts that key is the collector's policy.
 */
public record StatusMessage(String device, State state, long headSeq, long timeMs, List<X509Certificate> certificateChain) {
    public static final String FORMAT = "certigate-status/1";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    public enum State {
        ONLINE, OFFLINE, LOST;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public StatusMessage {
        certificateChain = List.copyOf(certificateChain);
    }

    public byte[] encode() {
        ObjectNode o = JSON.createObjectNode();
        o.put("format", FORMAT);
        o.put("device", device);
        o.put("state", state.wire());
        o.put("headSeq", headSeq);
        o.put("t", timeMs);
        ArrayNode chain = o.putArray("certificateChain");
        for (X509Certificate c : certificateChain) {
            try {
                chain.add(B64.encodeToString(c.getEncoded()));
            } catch (java.security.cert.CertificateEncodingException e) {
                throw new IllegalArgumentException("cannot encode certificate " + c.getSubjectX500Principal(), e);
            }
        }
        try {
            return JSON.writeValueAsBytes(o);
        } catch (IOException e) {
            throw new IllegalStateException("JSON encoding failed", e);
        }
    }

    /** Parses a status payload; the message says what is wrong with it. */
    public static StatusMessage decode(byte[] payload) throws UplinkException {
        JsonNode o;
        try {
            o = JSON.readTree(payload);
        } catch (IOException e) {
            throw new UplinkException("status is not JSON: " + e.getMessage(), e);
        }
        if (o == null || !FORMAT.equals(o.path("format").asText())) {
            throw new UplinkException("status format is not " + FORMAT);
        }
        String device = o.path("device").asText("");
        State state;
        try {
            state = State.valueOf(o.path("state").asText("").toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UplinkException("status state '" + o.path("state").asText() + "' is unknown");
        }
        List<X509Certificate> chain = new ArrayList<>();
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            for (JsonNode c : o.path("certificateChain")) {
                chain.add((X509Certificate) cf.generateCertificate(
                        new ByteArrayInputStream(Base64.getUrlDecoder().decode(c.asText()))));
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new UplinkException("status certificateChain is invalid: " + e.getMessage(), e);
        }
        if (device.isEmpty()) {
            throw new UplinkException("status has no device");
        }
        return new StatusMessage(device, state, o.path("headSeq").asLong(0), o.path("t").asLong(0), chain);
    }
}
