package io.certigate.meter.coap;

import io.certigate.core.metrics.AdapterHealth;
import io.certigate.core.model.TimeQuality;
import io.certigate.core.sequencer.ReadingSink;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;

/**
 * The road-sensor hub's CoAP ingest: a Californium server with one DTLS endpoint (Scandium) that
 * accepts only the sensors configured with a pre-shared key each (a handshake with an unknown
 * identity fails), serving {@link SenmlIngestResource} at {@code coaps://<host>:<port>/<path>}
 * (default path {@code senml}). No configuration file is read or written.
 */
public final class CoapIngestServer implements AutoCloseable {
    private static final Pattern SENSOR_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    /**
     * @param bind                address and port (port 0: any free port)
     * @param path                resource path
     * @param sensorKeys          PSK identity (the sensor id) to its secret key
     * @param maxPayload          largest pack accepted, bytes
     * @param commitTimeout       how long a request waits for its readings to be committed
     * @param sensorClockQuality  time quality of absolute SenML times
     * @param gatewayClockQuality time quality of relative SenML times
     */
    public record Options(InetSocketAddress bind, String path, Map<String, byte[]> sensorKeys, int maxPayload,
            Duration commitTimeout, TimeQuality sensorClockQuality, TimeQuality gatewayClockQuality) {
        public Options {
            sensorKeys = Map.copyOf(sensorKeys);
            for (Map.Entry<String, byte[]> e : sensorKeys.entrySet()) {
                if (!SENSOR_ID.matcher(e.getKey()).matches()) {
                    throw new IllegalArgumentException("sensor identity '" + e.getKey() + "' must match " + SENSOR_ID);
                }
                if (e.getValue().length < 16) {
                    throw new IllegalArgumentException("pre-shared key of sensor '" + e.getKey() + "' is shorter than 16 bytes");
                }
            }
            if (!path.matches("[a-z0-9_-]+(/[a-z0-9_-]+)*")) {
                throw new IllegalArgumentException("resource path '" + path + "' is not a simple path");
            }
        }

        public static Options of(InetSocketAddress bind, Map<String, byte[]> sensorKeys) {
            return new Options(bind, "senml", sensorKeys, 4096, Duration.ofSeconds(5), TimeQuality.RTC, TimeQuality.NTP);
        }
    }

    private final CoapServer server;
    private final CoapEndpoint endpoint;
    private final SenmlIngestResource resource;
    private final SensorPskStore psk;

    public CoapIngestServer(Options options, ReadingSink sink, SensorSequences sequences, Clock clock) {
        Configuration config = configuration();
        this.psk = new SensorPskStore(options.sensorKeys());
        DtlsConnectorConfig dtls = DtlsConnectorConfig.builder(config)
                .setAddress(options.bind())
                .set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.SERVER_ONLY)
                .setAdvancedPskStore(psk)
                .build();
        this.endpoint = new CoapEndpoint.Builder().setConfiguration(config).setConnector(new DTLSConnector(dtls)).build();
        this.server = new CoapServer(config);
        server.addEndpoint(endpoint);
        String[] segments = options.path().split("/");
        this.resource = new SenmlIngestResource(segments[segments.length - 1], sink, sequences, clock, options.maxPayload(),
                options.commitTimeout(), options.sensorClockQuality(), options.gatewayClockQuality());
        org.eclipse.californium.core.server.resources.Resource parent = server.getRoot();
        for (int i = 0; i < segments.length - 1; i++) {
            org.eclipse.californium.core.CoapResource child = new org.eclipse.californium.core.CoapResource(segments[i]);
            parent.add(child);
            parent = child;
        }
        parent.add(resource);
    }

    /** A Californium configuration built in memory (never the Californium3.properties file). */
    static Configuration configuration() {
        CoapConfig.register();
        UdpConfig.register();
        DtlsConfig.register();
        return Configuration.createStandardWithoutFile();
    }

    /** Binds and starts; a port that cannot be bound (e.g. already in use) is an IOException naming it. */
    public CoapIngestServer start() throws IOException {
        try {
            server.start();
        } catch (IllegalStateException e) { // Californium: "None of the server endpoints could be started"
            throw new IOException("the CoAP ingest cannot listen on udp " + bindText() + " (port in use or address "
                    + "not local?): " + e.getMessage(), e);
        }
        if (!endpoint.isStarted()) {
            throw new IOException("the CoAP ingest cannot listen on udp " + bindText() + " (port in use or address "
                    + "not local?)");
        }
        return this;
    }

    private String bindText() {
        InetSocketAddress b = endpoint.getAddress();
        return b.getAddress() == null ? b.getHostString() + ":" + b.getPort() : b.getAddress().getHostAddress() + ":" + b.getPort();
    }

    /** The bound address (with the actual port when 0 was asked). */
    public InetSocketAddress address() {
        return endpoint.getAddress();
    }

    /** Handshakes refused because they named an identity that is not configured. */
    public long unknownIdentities() {
        return psk.unknownIdentities();
    }

    public SenmlIngestResource.Stats stats() {
        return resource.stats();
    }

    /**
     * Connected while the endpoint serves; a server has no reconnects (always 0); malformed are the
     * packs refused (bad SenML, unknown unit, too large) and the handshakes of unknown identities.
     */
    public AdapterHealth health() {
        SenmlIngestResource.Stats s = resource.stats();
        return new AdapterHealth(endpoint.isStarted(), 0, s.rejected() + psk.unknownIdentities(), s.readings());
    }

    @Override
    public void close() {
        server.stop();
        server.destroy();
    }
}
