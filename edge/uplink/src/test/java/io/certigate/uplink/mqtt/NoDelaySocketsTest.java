package io.certigate.uplink.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Every way Paho (or anyone) creates a socket through these factories gives one without Nagle. */
@Tag("component")
class NoDelaySocketsTest {

    @Test
    void plainSocketsHaveNagleOff() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            int port = server.getLocalPort();
            InetAddress lo = InetAddress.getLoopbackAddress();
            try (Socket unconnected = NoDelaySockets.plain().createSocket()) { // what Paho calls, then connect()
                unconnected.connect(new InetSocketAddress(lo, port), 2000);
                assertThat(unconnected.getTcpNoDelay()).isTrue();
            }
            try (Socket a = NoDelaySockets.plain().createSocket(lo, port);
                    Socket b = NoDelaySockets.plain().createSocket(lo.getHostAddress(), port)) {
                assertThat(a.getTcpNoDelay()).isTrue();
                assertThat(b.getTcpNoDelay()).isTrue();
            }
        }
    }

    @Test
    void tlsSocketsHaveNagleOffAndKeepTheDelegatesSuites() throws Exception {
        SSLSocketFactory delegate = SSLContext.getDefault().getSocketFactory();
        SSLSocketFactory f = NoDelaySockets.tls(delegate);
        assertThat(f.getDefaultCipherSuites()).containsExactly(delegate.getDefaultCipherSuites());
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            InetAddress lo = InetAddress.getLoopbackAddress();
            try (Socket unconnected = f.createSocket()) {
                unconnected.connect(new InetSocketAddress(lo, server.getLocalPort()), 2000);
                assertThat(unconnected.getTcpNoDelay()).isTrue();
            }
            try (Socket plain = new Socket(lo, server.getLocalPort());
                    Socket layered = f.createSocket(plain, "localhost", server.getLocalPort(), true)) {
                assertThat(layered.getTcpNoDelay()).isTrue();
            }
        }
    }
}
