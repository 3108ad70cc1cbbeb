package io.certigate.uplink.mqtt;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.SocketFactory;
import javax.net.ssl.SSLSocketFactory;

/**
 * Socket factories for Paho that switch Nagle's algorithm off ({@code TCP_NODELAY}) on every
 * socket they create. An MQTT client waits for each QoS 1 PUBACK, so a PUBLISH whose last segment
 * Nagle holds back until the broker's delayed ACK (40 ms on Linux) stalls the window for that long;
 * with no delay the segment leaves at once. Paho itself leaves the option at the OS default.
 */
public final class NoDelaySockets {
    private NoDelaySockets() {}

    /** Plain TCP sockets ({@code tcp://}) with {@code TCP_NODELAY}. */
    public static SocketFactory plain() {
        return new Plain(SocketFactory.getDefault());
    }

    /** {@code delegate}'s TLS sockets ({@code ssl://}) with {@code TCP_NODELAY}. */
    public static SSLSocketFactory tls(SSLSocketFactory delegate) {
        return new Tls(delegate);
    }

    private static <S extends Socket> S noDelay(S s) throws IOException {
        s.setTcpNoDelay(true);
        return s;
    }

    private static final class Plain extends SocketFactory {
        private final SocketFactory d;

        Plain(SocketFactory d) {
            this.d = d;
        }

        @Override
        public Socket createSocket() throws IOException {
            return noDelay(d.createSocket());
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return noDelay(d.createSocket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress local, int localPort) throws IOException {
            return noDelay(d.createSocket(host, port, local, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return noDelay(d.createSocket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress host, int port, InetAddress local, int localPort) throws IOException {
            return noDelay(d.createSocket(host, port, local, localPort));
        }
    }

    private static final class Tls extends SSLSocketFactory {
        private final SSLSocketFactory d;

        Tls(SSLSocketFactory d) {
            this.d = d;
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return d.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return d.getSupportedCipherSuites();
        }

        @Override
        public Socket createSocket() throws IOException {
            return noDelay(d.createSocket());
        }

        @Override
        public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
            return noDelay(d.createSocket(s, host, port, autoClose));
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return noDelay(d.createSocket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress local, int localPort) throws IOException {
            return noDelay(d.createSocket(host, port, local, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return noDelay(d.createSocket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress host, int port, InetAddress local, int localPort) throws IOException {
            return noDelay(d.createSocket(host, port, local, localPort));
        }
    }
}
