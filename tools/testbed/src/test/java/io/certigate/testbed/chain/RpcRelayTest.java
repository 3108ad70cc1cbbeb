package io.certigate.testbed.chain;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The dev chain's HTTP endpoint: bodies by length or chunked, keep-alive, 100-continue, closing. */
@Tag("component")
class RpcRelayTest {
    private final AtomicInteger calls = new AtomicInteger();

    private RpcRelay.Answer echo(byte[] body) {
        calls.incrementAndGet();
        return new RpcRelay.Answer(200, "application/json", ("{\"echo\":" + new String(body, StandardCharsets.UTF_8) + "}")
                .getBytes(StandardCharsets.UTF_8));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String exchange(Socket s, String request, int answers) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = s.getInputStream();
        StringBuilder got = new StringBuilder();
        int seen = 0;
        while (seen < answers) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            got.append((char) c);
            if (got.toString().endsWith("}")) {
                seen++;
            }
        }
        return got.toString();
    }

    @Test
    void keepAliveLengthAndChunkedBodiesAndContinue() throws Exception {
        int port = freePort();
        try (RpcRelay relay = new RpcRelay(port, this::echo);
                Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            String two = exchange(s, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\n[1]"
                    + "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n[2\r\n1\r\n]\r\n0\r\n\r\n", 2);
            assertThat(two).startsWith("HTTP/1.1 200 OK\r\n").contains("Content-Length: 12\r\n")
                    .contains("{\"echo\":[1]}").contains("{\"echo\":[2]}");
            String cont = exchange(s, "POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n[3]", 1);
            assertThat(cont).startsWith("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK").endsWith("{\"echo\":[3]}");
            assertThat(calls.get()).isEqualTo(3);
        }
    }

    @Test
    void aJdkClientIsAnsweredAndGetIsRefused() throws Exception {
        int port = freePort();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try (RpcRelay relay = new RpcRelay(port, this::echo)) {
            URI uri = URI.create("http://127.0.0.1:" + port + "/");
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString("[" + i + "]"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("{\"echo\":[" + i + "]}");
            }
            assertThat(http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                    .isEqualTo(405);
        }
    }

    @Test
    void closingEndsOpenConnections() throws Exception {
        int port = freePort();
        RpcRelay relay = new RpcRelay(port, this::echo);
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            assertThat(exchange(s, "POST / HTTP/1.1\r\nContent-Length: 1\r\n\r\n1", 1)).endsWith("{\"echo\":1}");
            relay.close();
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
    }
}
