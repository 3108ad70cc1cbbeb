package io.certigate.simulators.elm327;

import io.certigate.testbed.pty.Socat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The simulated adapter as a serial device: socat (started by the testbed's {@link Socat}) creates a pseudo-terminal at {@code link}
 * (raw, no echo) and joins it to an {@link Elm327TcpServer}. When the connection ends (the reader
 * closed the port, or the disconnect switch fired) socat exits and the device vanishes as an
 * unplugged USB adapter would; it is re-created after {@code replugDelay}.
 */
public final class Elm327PtyServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Elm327PtyServer.class.getName());

    private final Elm327TcpServer tcp;
    private final Path link;
    private final Duration replugDelay;
    private final Thread supervisor;
    private volatile Process socat;
    private volatile boolean closed;

    private Elm327PtyServer(Elm327TcpServer tcp, Path link, Duration replugDelay) {
        this.tcp = tcp;
        this.link = link;
        this.replugDelay = replugDelay;
        this.supervisor = new Thread(this::supervise, "elm327-sim-pty");
        this.supervisor.setDaemon(true);
    }

    /**
     * Starts the device at {@code link} and waits until it exists.
     *
     * @throws IOException when socat is missing or does not create the device
     */
    public static Elm327PtyServer start(SimulatedVehicle vehicle, Path link, Duration replugDelay)
            throws IOException, InterruptedException {
        Elm327TcpServer tcp = Elm327TcpServer.start(vehicle, 0);
        Elm327PtyServer pty = new Elm327PtyServer(tcp, link, replugDelay);
        try {
            pty.launch();
        } catch (IOException | InterruptedException e) {
            tcp.close();
            throw e;
        }
        pty.supervisor.start();
        return pty;
    }

    /** The device path a reader opens. */
    public Path path() {
        return link;
    }

    public SimulatedVehicle vehicle() {
        return tcp.vehicle();
    }

    private void launch() throws IOException, InterruptedException {
        Files.deleteIfExists(link);
        socat = Socat.start(List.of(link), Socat.pty(link), Socat.loopbackTcp(tcp.port()));
    }

    private void supervise() {
        while (!closed) {
            try {
                socat.waitFor();
                if (closed) {
                    return;
                }
                LOG.log(System.Logger.Level.DEBUG, "simulated adapter at {0} unplugged", link);
                Thread.sleep(replugDelay.toMillis());
                if (!closed) {
                    launch();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot re-create {0}: {1}", link, e.getMessage());
                return;
            }
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        closed = true;
        supervisor.interrupt();
        supervisor.join(5000);
        Process p = socat;
        if (p != null) {
            p.destroy();
            p.waitFor();
        }
        tcp.close();
        Files.deleteIfExists(link);
    }
}
