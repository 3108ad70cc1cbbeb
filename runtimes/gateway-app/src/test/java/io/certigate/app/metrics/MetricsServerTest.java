package io.certigate.app.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.core.metrics.Metrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The metrics endpoint against slow, oversized and non-GET clients, on loopback sockets. */
@Tag("component")
class MetricsServerTest {
    /** A client waits this long for an answer before the test fails: far above a prompt answer. */
    private static final int CLIENT_TIMEOUT_MS = 5_000;

    private static Metrics metrics() {
        Metrics m = new Metrics();
        m.gauge("certigate_test_value", "A value for the test.", () -> 42);
        return m;
    }

    private static InetSocketAddress loopback() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }

    /** Sends the request and reads the whole response (the server closes every connection). */
    private static String exchange(InetSocketAddress at, String request) throws IOException {
        try (Socket s = new Socket(at.getAddress(), at.getPort())) {
            s.setSoTimeout(CLIENT_TIMEOUT_MS); // a frozen endpoint fails here with SocketTimeoutException
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            return readAll(s.getInputStream());
        }
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aClientSendingHalfAHeaderDoesNotHoldMetricsFromOthers() throws Exception {
        // a long request timeout: the slow clients keep their connections for the whole test
        try (MetricsServer server = new MetricsServer(metrics(), loopback(), Duration.ofMinutes(5))) {
            InetSocketAddress at = server.address();
            List<Socket> slow = new ArrayList<>();
            try {
                for (int i = 0; i < MetricsServer.WORKERS - 1; i++) {
                    Socket s = new Socket(at.getAddress(), at.getPort());
                    s.getOutputStream().write("GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                    slow.add(s);
                }
                String reply = exchange(at, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
                assertThat(reply).startsWith("HTTP/1.1 200 ").contains("certigate_test_value 42");
            } finally {
                for (Socket s : slow) {
                    s.close();
                }
            }
        }
    }

    @Test
    void aHeaderNotCompleteWithinTheRequestTimeoutIsAnsweredWith408AndClosed() throws Exception {
        try (MetricsServer server = new MetricsServer(metrics(), loopback(), Duration.ofMillis(300))) {
            InetSocketAddress at = server.address();
            try (Socket s = new Socket(at.getAddress(), at.getPort())) {
                s.setSoTimeout(CLIENT_TIMEOUT_MS);
                s.getOutputStream().write("GET /metrics HTTP/1.1\r\nHost:".getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                assertThat(readAll(s.getInputStream())).startsWith("HTTP/1.1 408 ");
            }
        }
    }

    @Test
    void aTricklingClientGetsNoMoreThanTheRequestTimeout() throws Exception {
        try (MetricsServer server = new MetricsServer(metrics(), loopback(), Duration.ofMillis(500))) {
            InetSocketAddress at = server.address();
            try (Socket s = new Socket(at.getAddress(), at.getPort())) {
                s.setSoTimeout(100); // paces the trickle: one header byte per 100 ms, each well inside the timeout
                InputStream in = s.getInputStream();
                s.getOutputStream().write("GET /metrics HTTP/1.1\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
                ByteArrayOutputStream reply = new ByteArrayOutputStream();
                long start = System.nanoTime();
                for (int i = 0; i < 100 && reply.size() == 0; i++) { // 100 x 100 ms: far beyond the 500 ms timeout
                    s.getOutputStream().write('a');
                    s.getOutputStream().flush();
                    try {
                        int b = in.read();
                        if (b < 0) {
                            break;
                        }
                        reply.write(b);
                    } catch (SocketTimeoutException stillWaiting) {
                        // the server is still reading: send the next byte
                    }
                }
                s.setSoTimeout(CLIENT_TIMEOUT_MS);
                in.transferTo(reply);
                assertThat(reply.toString(StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 408 ");
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(9)); // the trickle alone lasts 10 s: the server cut it off
            }
        }
    }

    @Test
    void anOversizedHeaderGets431() throws Exception {
        try (MetricsServer server = new MetricsServer(metrics(), loopback())) {
            String big = "GET /metrics HTTP/1.1\r\nX-Big: " + "a".repeat(MetricsServer.MAX_HEADER_BYTES) + "\r\n\r\n";
            assertThat(exchange(server.address(), big)).startsWith("HTTP/1.1 431 ");
        }
    }

    @Test
    void onlyGetAndHeadOnMetricsAreServed() throws Exception {
        try (MetricsServer server = new MetricsServer(metrics(), loopback())) {
            InetSocketAddress at = server.address();
            assertThat(exchange(at, "POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n"))
                    .startsWith("HTTP/1.1 405 ").contains("Allow: GET, HEAD");
            assertThat(exchange(at, "GET /other HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 404 ");
            assertThat(exchange(at, "GET /metrics?x=1 HTTP/1.0\r\n\r\n")).startsWith("HTTP/1.1 200 ");
            String head = exchange(at, "HEAD /metrics HTTP/1.1\r\n\r\n");
            assertThat(head).startsWith("HTTP/1.1 200 ").contains("Content-Length: ").endsWith("\r\n\r\n");
            assertThat(exchange(at, "garbage\r\n\r\n")).startsWith("HTTP/1.1 400 ");
        }
    }
}
