package io.certigate.simulators.coap;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedSinglePskStore;

/**
 * One simulated road sensor: a Californium CoAP client over DTLS-PSK that posts shock events as
 * SenML JSON packs ({@code seq}, {@code shock} in m/s2, {@code lat}/{@code lon}) with confirmable
 * requests, so lost datagrams are retransmitted. Its sequence number survives only as long as the
 * object; a real sensor keeps it in flash.
 */
public final class RoadSensor implements AutoCloseable {
    private final String identity;
    private final CoapEndpoint endpoint;
    private final CoapClient client;
    private long seq;

    public RoadSensor(String identity, byte[] key, InetSocketAddress server, String path, long firstSeq) {
        this.identity = identity;
        this.seq = firstSeq;
        Configuration config = clientConfiguration();
        DtlsConnectorConfig dtls = DtlsConnectorConfig.builder(config)
                .set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.CLIENT_ONLY)
                .setAdvancedPskStore(new AdvancedSinglePskStore(identity, key))
                .build();
        this.endpoint = new CoapEndpoint.Builder().setConfiguration(config).setConnector(new DTLSConnector(dtls)).build();
        this.client = new CoapClient("coaps://" + server.getHostString() + ":" + server.getPort() + "/" + path);
        client.setEndpoint(endpoint);
        client.setTimeout(30_000L);
    }

    /** Short retransmission timers: a loopback test should not wait RFC 7252's 2 s defaults. */
    static Configuration clientConfiguration() {
        CoapConfig.register();
        UdpConfig.register();
        DtlsConfig.register();
        Configuration c = Configuration.createStandardWithoutFile();
        c.set(CoapConfig.ACK_TIMEOUT, 300, TimeUnit.MILLISECONDS);
        c.set(CoapConfig.MAX_RETRANSMIT, 8);
        c.set(DtlsConfig.DTLS_RETRANSMISSION_TIMEOUT, 300, TimeUnit.MILLISECONDS);
        c.set(DtlsConfig.DTLS_MAX_RETRANSMISSIONS, 8);
        return c;
    }

    /** The SenML JSON of a shock event. */
    public static String shockPack(String identity, long seq, double peak, double lat, double lon) {
        return String.format(Locale.ROOT, "[{\"bn\":\"urn:dev:road:%s:\",\"n\":\"seq\",\"v\":%d},"
                + "{\"n\":\"shock\",\"u\":\"m/s2\",\"v\":%.2f},{\"n\":\"lat\",\"u\":\"lat\",\"v\":%.6f},"
                + "{\"n\":\"lon\",\"u\":\"lon\",\"v\":%.6f}]", identity, seq, peak, lat, lon);
    }

    /** Posts the next shock event; returns the response, or null when every retransmission was lost. */
    public synchronized CoapResponse postShock(double peak, double lat, double lon) throws Exception {
        long s = seq++;
        return post(shockPack(identity, s, peak, lat, lon).getBytes(StandardCharsets.UTF_8), MediaTypeRegistry.APPLICATION_SENML_JSON);
    }

    /** Posts any payload with a content format (for malformed-input checks). */
    public CoapResponse post(byte[] payload, int contentFormat) throws Exception {
        return client.post(payload, contentFormat);
    }

    /** How long a request waits for its response, retransmissions included. */
    public RoadSensor timeout(java.time.Duration d) {
        client.setTimeout(d.toMillis());
        return this;
    }

    public String identity() {
        return identity;
    }

    public synchronized long nextSeq() {
        return seq;
    }

    @Override
    public void close() {
        client.shutdown();
        endpoint.destroy();
    }
}
