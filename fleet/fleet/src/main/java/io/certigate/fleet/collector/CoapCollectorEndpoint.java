package io.certigate.fleet.collector;

import io.certigate.core.io.LogText;
import io.certigate.uplink.UplinkException;
import io.certigate.uplink.UplinkTopics;
import io.certigate.uplink.coap.CoapEndpoints;
import io.certigate.uplink.coap.DtlsCredentials;
import java.net.InetSocketAddress;
import java.security.Principal;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.core.server.resources.Resource;
import org.eclipse.californium.elements.auth.PreSharedKeyIdentity;
import org.eclipse.californium.elements.auth.X509CertPath;

/**
 * The collector's CoAP side: a DTLS server accepting {@code POST /certigate/v1/<device>/readings}
 * and handing the body to {@link RecordCollector}; it answers 2.04 Changed once the batch is
 * stored (bad items are counted and dropped by the collector), 4.03 when the DTLS identity (PSK
 * identity or certificate CN) is not the device of the path, 5.00 when storing fails. Paths and
 * identities come from the network and are logged through {@link LogText#escape}.
 */
public final class CoapCollectorEndpoint implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(CoapCollectorEndpoint.class.getName());

    private final CoapServer server;
    private final CoapEndpoint endpoint;
    private final AtomicLong posts = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();

    private CoapCollectorEndpoint(CoapServer server, CoapEndpoint endpoint) {
        this.server = server;
        this.endpoint = endpoint;
    }

    /** Starts listening on {@code address} (port 0 picks a free one). */
    public static CoapCollectorEndpoint start(RecordCollector collector, InetSocketAddress address,
            Map<String, byte[]> devicePsks, DtlsCredentials.Certificate x509, CoapEndpoints.Timing timing)
            throws UplinkException {
        CoapEndpoint ep = CoapEndpoints.server(address, devicePsks, x509, timing);
        CoapServer server = new CoapServer();
        server.addEndpoint(ep);
        CoapCollectorEndpoint self = new CoapCollectorEndpoint(server, ep);
        server.add(new CoapResource("certigate").add(self.new Versioned(collector)));
        try {
            server.start();
        } catch (RuntimeException e) {
            server.destroy();
            throw new UplinkException("cannot start the CoAP collector on " + address + ": " + e.getMessage(), e);
        }
        return self;
    }

    public InetSocketAddress address() {
        return endpoint.getAddress();
    }

    public long posts() {
        return posts.get();
    }

    public long refused() {
        return refused.get();
    }

    @Override
    public void close() {
        server.destroy();
    }

    /** {@code v1}, answering for every path below it. */
    private final class Versioned extends CoapResource {
        private final RecordCollector collector;

        Versioned(RecordCollector collector) {
            super("v1");
            this.collector = collector;
        }

        @Override
        public Resource getChild(String name) {
            return this;
        }

        @Override
        public void handlePOST(CoapExchange exchange) {
            posts.incrementAndGet();
            List<String> path = exchange.getRequestOptions().getUriPath();
            String topic = String.join("/", path);
            String device = UplinkTopics.READINGS.deviceOf(topic);
            if (device == null) {
                exchange.respond(ResponseCode.NOT_FOUND, "expected /certigate/v1/<device>/readings");
                return;
            }
            String peer = identity(exchange.advanced().getRequest().getSourceContext().getPeerIdentity());
            if (!device.equals(peer)) {
                refused.incrementAndGet();
                LOG.log(System.Logger.Level.WARNING, "CoAP POST for {0} from DTLS identity {1} refused",
                        LogText.escape(device), LogText.escape(peer));
                exchange.respond(ResponseCode.FORBIDDEN, "DTLS identity is not device " + device);
                return;
            }
            try {
                collector.acceptBatch(device, exchange.getRequestPayload());
                exchange.respond(ResponseCode.CHANGED);
            } catch (SQLException e) {
                LOG.log(System.Logger.Level.ERROR, "cannot store a batch of " + LogText.escape(device) + ": "
                        + e.getMessage(), e);
                exchange.respond(ResponseCode.INTERNAL_SERVER_ERROR);
            }
        }
    }

    private static String identity(Principal p) {
        if (p instanceof PreSharedKeyIdentity psk) {
            return psk.getIdentity();
        }
        if (p instanceof X509CertPath cert) {
            return DeviceKeys.commonName(cert.getTarget());
        }
        return null;
    }
}
