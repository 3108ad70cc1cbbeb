package io.certigate.testbed.mqtt;

import io.moquette.broker.Server;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Properties;

/**
 * An in-process MQTT broker (Moquette 0.17) on a loopback port, so that {@code certigate demo}
 * runs with nothing installed (and tests that need no Mosquitto). In memory only (no persistence), anonymous, Moquette's telemetry
 * disabled. Not for production: use Mosquitto or another broker with persistent sessions.
 */
public final class EmbeddedBroker implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(EmbeddedBroker.class.getName());
    /**
     * Moquette logs every MQTT packet at INFO (its MQTTMessageLogger handler is always installed);
     * where SLF4J is bound to java.util.logging, the demo would drown in them. Unless a level is
     * configured for {@code io.moquette}, it is lowered to WARNING. Kept here so the logger (and
     * its level) is not garbage-collected.
     */
    private static final java.util.logging.Logger MOQUETTE_LOG = java.util.logging.Logger.getLogger("io.moquette");

    static {
        if (MOQUETTE_LOG.getLevel() == null) {
            MOQUETTE_LOG.setLevel(java.util.logging.Level.WARNING);
        }
    }

    private final Server server;
    private final String host;
    private final int port;

    private EmbeddedBroker(Server server, String host, int port) {
        this.server = server;
        this.host = host;
        this.port = port;
    }

    /**
     * Starts the broker on {@code 127.0.0.1:port} (0 picks a free port).
     *
     * @param maxMessageBytes largest MQTT message the broker accepts
     */
    public static EmbeddedBroker start(int port, int maxMessageBytes) throws IOException {
        String host = "127.0.0.1";
        try {
            int p = port == 0 ? freePort() : port;
            Properties props = new Properties();
            props.setProperty("host", host);
            props.setProperty("port", Integer.toString(p));
            props.setProperty("websocket_port", "disabled");
            props.setProperty("persistence_enabled", "false");
            props.setProperty("allow_anonymous", "true");
            props.setProperty("telemetry_enabled", "false");
            props.setProperty("netty.mqtt.message_size", Integer.toString(maxMessageBytes));
            Server server = new Server();
            server.startServer(props);
            LOG.log(System.Logger.Level.INFO, "embedded MQTT broker listening on {0}:{1}", host, Integer.toString(p));
            return new EmbeddedBroker(server, host, p);
        } catch (IOException | RuntimeException e) {
            throw new IOException("cannot start the embedded MQTT broker: " + e.getMessage(), e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    public int port() {
        return port;
    }

    /** {@code tcp://127.0.0.1:port}. */
    public String url() {
        return "tcp://" + host + ":" + port;
    }

    @Override
    public void close() {
        server.stopServer();
    }
}
