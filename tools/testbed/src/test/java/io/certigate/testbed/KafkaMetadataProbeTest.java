package io.certigate.testbed;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The hand-written Metadata request and response (Kafka protocol, MetadataRequest/Response v4 as
 * described by the message definitions shipped in kafka-clients, common/message/Metadata*.json).
 */
@Tag("unit")
class KafkaMetadataProbeTest {
    @Test
    void theRequestIsAVersion4MetadataRequestForNoTopics() throws IOException {
        byte[] expected = concat(new byte[] {
                0x00, 0x03, // request_api_key: Metadata
                0x00, 0x04, // request_api_version
                0x00, 0x00, 0x00, 0x07, // correlation_id
                0x00, 0x17, // client_id length (23)
        }, "certigate-testbed-probe".getBytes(java.nio.charset.StandardCharsets.US_ASCII), new byte[] {
                0x00, 0x00, 0x00, 0x00, // topics: an empty array, not null (null asks for every topic)
                0x00, // allow_auto_topic_creation: false
        });
        assertThat(KafkaMetadataProbe.request(7)).isEqualTo(expected);
    }

    @Test
    void theResponseGivesTheBrokerIds() throws IOException {
        byte[] response = concat(new byte[] {
                0x00, 0x00, 0x00, 0x07, // correlation_id
                0x00, 0x00, 0x00, 0x00, // throttle_time_ms
                0x00, 0x00, 0x00, 0x02, // brokers: 2
                0x00, 0x00, 0x00, 0x02, // node_id 2
                0x00, 0x09, '1', '2', '7', '.', '0', '.', '0', '.', '1', // host
                0x00, 0x00, 0x23, (byte) 0x84, // port 9092
                (byte) 0xff, (byte) 0xff, // rack: null
                0x00, 0x00, 0x00, 0x00, // node_id 0
                0x00, 0x09, '1', '2', '7', '.', '0', '.', '0', '.', '1',
                0x00, 0x00, 0x23, (byte) 0x85,
                0x00, 0x02, 'r', '1', // rack "r1"
                0x00, 0x00, 0x00, 0x00, // cluster_id etc. follow: not read
        });
        assertThat(KafkaMetadataProbe.brokers(response, 7)).containsExactly(0, 2);
    }

    @Test
    void anAnswerToAnotherRequestIsNoAnswer() throws IOException {
        byte[] response = {0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
        assertThat(KafkaMetadataProbe.brokers(response, 7)).isEmpty();
    }

    @Test
    void aPortWhereNothingListensGivesNoBrokers() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        assertThat(KafkaMetadataProbe.aliveBrokers(port)).isEmpty();
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
