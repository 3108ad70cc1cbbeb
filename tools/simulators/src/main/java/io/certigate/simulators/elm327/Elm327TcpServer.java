package io.certigate.simulators.elm327;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The simulated adapter as a Wi-Fi ELM327 on a loopback TCP port: every connection gets a fresh
 * adapter ({@link Elm327Engine}) talking to the same {@link SimulatedVehicle}.
 */
public final class Elm327TcpServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Elm327TcpServer.class.getName());

    private final SimulatedVehicle vehicle;
    private final ServerSocket server;
    private final Set<Socket> clients = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean closed;

    private Elm327TcpServer(SimulatedVehicle vehicle, ServerSocket server) {
        this.vehicle = vehicle;
        this.server = server;
        this.acceptor = new Thread(this::acceptLoop, "elm327-sim-accept-" + server.getLocalPort());
        this.acceptor.setDaemon(true);
    }

    /** Listens on 127.0.0.1 at {@code port} (0: any free port). */
    public static Elm327TcpServer start(SimulatedVehicle vehicle, int port) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        Elm327TcpServer server = new Elm327TcpServer(vehicle, s);
        server.acceptor.start();
        return server;
    }

    public int port() {
        return server.getLocalPort();
    }

    /** The address a reader connects to. */
    public String address() {
        return "tcp://127.0.0.1:" + port();
    }

    public SimulatedVehicle vehicle() {
        return vehicle;
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket c = server.accept();
                c.setTcpNoDelay(true);
                clients.add(c);
                if (closed) {
                    c.close(); // accepted while closing: not served
                    continue;
                }
                Thread t = new Thread(() -> serve(c), "elm327-sim-conn-" + c.getPort());
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                if (!closed) {
                    LOG.log(System.Logger.Level.WARNING, "simulator accept failed: {0}", e.getMessage());
                }
            }
        }
    }

    private void serve(Socket c) {
        Elm327Engine engine = new Elm327Engine(vehicle);
        try (c; InputStream in = c.getInputStream(); OutputStream out = c.getOutputStream()) {
            StringBuilder line = new StringBuilder();
            int b;
            while ((b = in.read()) >= 0) {
                if (b == '\r') {
                    String reply = engine.respond(line.toString());
                    line.setLength(0);
                    out.write(reply.getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    if (engine.disconnectRequested()) {
                        return;
                    }
                } else if (b != '\n' && line.length() < 256) {
                    line.append((char) b);
                }
            }
        } catch (IOException e) {
            // the reader went away: that connection is over
        } finally {
            clients.remove(c);
        }
    }

    /**
     * Stops listening and drops every connection. Returns once the accepting thread has ended, so
     * no connection is served after this returns and a new one is refused.
     */
    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        try {
            acceptor.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Socket c : clients) {
            c.close();
        }
    }
}
