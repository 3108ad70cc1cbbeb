package io.certigate.uplink.coap;

import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.CertificateType;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedMultiPskStore;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedSinglePskStore;
import org.eclipse.californium.scandium.dtls.x509.SingleCertificateProvider;
import org.eclipse.californium.scandium.dtls.x509.StaticNewAdvancedCertificateVerifier;

/**
 * Builds Californium DTLS endpoints (Scandium connector) with certigate's settings in one place:
 * the CoAP message size above which blockwise transfer (RFC 7959 Block1) starts, the largest body
 * a server accepts, and the CON retransmission timing (RFC 7252 §4.2).
 */
public final class CoapEndpoints {
    static {
        CoapConfig.register();
        DtlsConfig.register();
        UdpConfig.register();
    }

    private CoapEndpoints() {}

    /**
     * @param blockSize     CoAP payload bytes per message; larger bodies go blockwise (16..1024)
     * @param maxBody       largest body a server reassembles
     * @param ackTimeout    initial CON (and DTLS handshake flight) retransmission timeout
     * @param maxRetransmit CON (and DTLS flight) retransmissions before giving up
     */
    public record Timing(int blockSize, int maxBody, Duration ackTimeout, int maxRetransmit) {
        public static final Timing DEFAULT = new Timing(1024, 4 * 1024 * 1024, Duration.ofSeconds(2), 4);
    }

    static Configuration configuration(Timing t, DtlsConfig.DtlsRole role) {
        Configuration c = Configuration.createStandardWithoutFile();
        c.set(CoapConfig.MAX_MESSAGE_SIZE, t.blockSize());
        c.set(CoapConfig.PREFERRED_BLOCK_SIZE, t.blockSize());
        c.set(CoapConfig.MAX_RESOURCE_BODY_SIZE, t.maxBody());
        c.set(CoapConfig.ACK_TIMEOUT, t.ackTimeout().toMillis(), TimeUnit.MILLISECONDS);
        c.set(CoapConfig.MAX_RETRANSMIT, t.maxRetransmit());
        c.set(DtlsConfig.DTLS_RETRANSMISSION_TIMEOUT, t.ackTimeout().toMillis(), TimeUnit.MILLISECONDS);
        c.set(DtlsConfig.DTLS_MAX_RETRANSMISSIONS, t.maxRetransmit());
        c.set(DtlsConfig.DTLS_ROLE, role);
        return c;
    }

    /** A client endpoint on an ephemeral loopback or wildcard port. */
    public static CoapEndpoint client(DtlsCredentials credentials, Timing timing) {
        Configuration config = configuration(timing, DtlsConfig.DtlsRole.CLIENT_ONLY);
        DtlsConnectorConfig.Builder b = DtlsConnectorConfig.builder(config).setAddress(new InetSocketAddress(0));
        apply(b, credentials);
        return new CoapEndpoint.Builder().setConfiguration(config).setConnector(new DTLSConnector(b.build())).build();
    }

    /**
     * A server endpoint on {@code address}: PSK identities from {@code psks} and/or an X.509
     * identity (with client certificates checked against its trusted CAs).
     */
    public static CoapEndpoint server(InetSocketAddress address, Map<String, byte[]> psks,
            DtlsCredentials.Certificate x509, Timing timing) {
        Configuration config = configuration(timing, DtlsConfig.DtlsRole.SERVER_ONLY);
        DtlsConnectorConfig.Builder b = DtlsConnectorConfig.builder(config).setAddress(address);
        if (!psks.isEmpty()) {
            AdvancedMultiPskStore store = new AdvancedMultiPskStore();
            psks.forEach(store::setKey);
            b.setAdvancedPskStore(store);
        }
        if (x509 != null) {
            apply(b, x509);
        }
        return new CoapEndpoint.Builder().setConfiguration(config).setConnector(new DTLSConnector(b.build())).build();
    }

    private static void apply(DtlsConnectorConfig.Builder b, DtlsCredentials credentials) {
        if (credentials instanceof DtlsCredentials.Psk psk) {
            b.setAdvancedPskStore(new AdvancedSinglePskStore(psk.identity(), psk.secret()));
        } else if (credentials instanceof DtlsCredentials.Certificate cert) {
            b.setCertificateIdentityProvider(new SingleCertificateProvider(cert.key(),
                    cert.chain().toArray(new X509Certificate[0]), CertificateType.X_509));
            b.setAdvancedCertificateVerifier(StaticNewAdvancedCertificateVerifier.builder()
                    .setTrustedCertificates(cert.trusted().toArray(new X509Certificate[0])).build());
        }
    }
}
