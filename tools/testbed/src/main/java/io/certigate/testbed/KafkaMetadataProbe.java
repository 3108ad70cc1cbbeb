package io.certigate.testbed;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;

/**
 * Asks one Kafka broker which brokers it knows as alive, with a Metadata request (Kafka protocol
 * API key 3, version 4, no topics) written by hand: testbed must not depend on Kafka's client jars.
 *
 * <p>A KRaft broker answers requests only once it has caught up with the metadata log and the
 * controller quorum has unfenced it, and it lists only registered, unfenced brokers. So "every
 * broker lists every broker" means: the quorum has a leader, and every broker is up and serving.
 */
final class KafkaMetadataProbe {
    private static final short METADATA = 3;
    private static final short VERSION = 4;

    private KafkaMetadataProbe() {
    }

    /**
     * The node ids of the alive brokers the broker at {@code 127.0.0.1:port} reports; empty when it
     * does not answer (not listening yet, still starting, or gone).
     */
    static Set<Integer> aliveBrokers(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            s.setSoTimeout(2_000);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            byte[] request = request(7);
            out.writeInt(request.length);
            out.write(request);
            out.flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            int size = in.readInt();
            if (size < 12 || size > 1 << 20) {
                return Set.of();
            }
            byte[] body = in.readNBytes(size);
            if (body.length != size) {
                return Set.of();
            }
            return brokers(body, 7);
        } catch (IOException notServing) {
            return Set.of();
        }
    }

    /** Request header v1 (api key, version, correlation id, client id) and a v4 Metadata body. */
    static byte[] request(int correlationId) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeShort(METADATA);
        out.writeShort(VERSION);
        out.writeInt(correlationId);
        byte[] clientId = "certigate-testbed-probe".getBytes(StandardCharsets.UTF_8);
        out.writeShort(clientId.length);
        out.write(clientId);
        out.writeInt(0); // topics: none (an empty array; null would mean all of them)
        out.writeBoolean(false); // allow_auto_topic_creation
        out.flush();
        return bytes.toByteArray();
    }

    /**
     * The broker ids of a v4 Metadata response (header v0: correlation id; then throttle time and
     * the broker array of node id, host, port, nullable rack). Nothing after the brokers is read.
     */
    static Set<Integer> brokers(byte[] response, int correlationId) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(response));
        if (in.readInt() != correlationId) {
            return Set.of();
        }
        in.readInt(); // throttle_time_ms
        int count = in.readInt();
        if (count < 0 || count > 10_000) {
            return Set.of();
        }
        Set<Integer> ids = new TreeSet<>();
        for (int i = 0; i < count; i++) {
            ids.add(in.readInt());
            skipString(in); // host
            in.readInt(); // port
            skipString(in); // rack, nullable
        }
        return ids;
    }

    private static void skipString(DataInputStream in) throws IOException {
        short length = in.readShort();
        if (length > 0 && in.skipBytes(length) != length) {
            throw new EOFException("short string");
        }
    }
}
