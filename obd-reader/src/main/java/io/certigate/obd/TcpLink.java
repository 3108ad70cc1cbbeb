package io.certigate.obd;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;

/** A Wi-Fi ELM327 adapter reached over TCP ({@code tcp://192.168.0.10:35000}). */
public final class TcpLink implements SerialLink {
    public static final int DEFAULT_PORT = 35000;

    private final String host;
    private final int port;
    private final Duration connectTimeout;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    public TcpLink(String host, int port, Duration connectTimeout) {
        this.host = host;
        this.port = port;
        this.connectTimeout = connectTimeout;
    }

    /** Parses {@code tcp://host[:port]}; the port defaults to 35000, the usual Wi-Fi adapter port. */
    public static TcpLink parse(String spec, Duration connectTimeout) {
        URI uri = URI.create(spec);
        if (!"tcp".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("not a tcp://host:port address: " + spec);
        }
        return new TcpLink(uri.getHost(), uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort(), connectTimeout);
    }

    @Override
    public String name() {
        return "tcp://" + host + ":" + port;
    }

    @Override
    public void open() throws IOException {
        close();
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(host, port), (int) connectTimeout.toMillis());
            in = s.getInputStream();
            out = s.getOutputStream();
            socket = s;
        } catch (IOException e) {
            s.close();
            throw new IOException(name() + ": cannot connect: " + e.getMessage(), e);
        }
    }

    @Override
    public int read(byte[] buffer, Duration timeout) throws IOException {
        Socket s = requireOpen();
        s.setSoTimeout((int) Math.max(1, timeout.toMillis()));
        try {
            int n = in.read(buffer);
            if (n < 0) {
                throw new EOFException(name() + ": adapter closed the connection");
            }
            return n;
        } catch (SocketTimeoutException e) {
            return 0;
        }
    }

    @Override
    public void write(byte[] bytes) throws IOException {
        requireOpen();
        out.write(bytes);
        out.flush();
    }

    private Socket requireOpen() throws IOException {
        if (socket == null) {
            throw new IOException(name() + ": not open");
        }
        return socket;
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing: nothing left to do with the socket
            }
            socket = null;
        }
    }
}
