package io.certigate.obd;

import io.certigate.core.port.SerialLink;
import io.certigate.core.port.SerialSettings;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * A Wi-Fi ELM327 adapter reached over TCP ({@code tcp://192.168.0.10:35000}): the same
 * {@link SerialLink} as a serial port, without line settings.
 */
public final class TcpLink implements SerialLink {
    public static final int DEFAULT_PORT = 35000;

    private final String name;
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final byte[] chunk = new byte[512];

    private TcpLink(String name, Socket socket) throws IOException {
        this.name = name;
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /**
     * An opener for {@code tcp://host[:port]}; the port defaults to 35000, the usual Wi-Fi adapter
     * port. The line settings it is given do not apply to a socket.
     *
     * @throws IllegalArgumentException when {@code spec} is not such an address
     */
    public static SerialLink.Opener opener(String spec, Duration connectTimeout) {
        URI uri;
        try {
            uri = URI.create(spec);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a tcp://host:port address: " + spec, e);
        }
        if (!"tcp".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("not a tcp://host:port address: " + spec);
        }
        String host = uri.getHost();
        int port = uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort();
        return settings -> connect(host, port, connectTimeout);
    }

    /** @throws IOException naming the address when the adapter does not accept the connection */
    public static TcpLink connect(String host, int port, Duration connectTimeout) throws IOException {
        String name = "tcp://" + host + ":" + port;
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(host, port), (int) connectTimeout.toMillis());
            return new TcpLink(name, s);
        } catch (IOException e) {
            s.close();
            throw new IOException(name + ": cannot connect: " + e.getMessage(), e);
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int read(ByteBuffer dst, Duration timeout) throws IOException {
        requireOpen();
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis())));
        try {
            int n = in.read(chunk, 0, Math.min(chunk.length, dst.remaining()));
            if (n < 0) {
                throw new EOFException(name + ": adapter closed the connection");
            }
            dst.put(chunk, 0, n);
            return n;
        } catch (SocketTimeoutException e) {
            return 0;
        }
    }

    @Override
    public void write(byte[] data) throws IOException {
        requireOpen();
        out.write(data);
        out.flush();
    }

    /** A socket has no line settings: nothing to change. */
    @Override
    public void configure(SerialSettings settings) {
        // the serial side of a Wi-Fi adapter is set on the adapter itself
    }

    private void requireOpen() throws IOException {
        if (socket.isClosed()) {
            throw new IOException(name + ": connection is closed");
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing: nothing left to do with the socket
        }
    }
}
