package io.certigate.provisioning.technician;

import io.certigate.provisioning.enrol.DtlsSettings;
import io.certigate.provisioning.enrol.EnrolmentException;
import io.certigate.provisioning.enrol.EnrolmentProtocol;
import io.certigate.provisioning.enrol.ProvisioningPsk;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.network.Endpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.exception.ConnectorException;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedSinglePskStore;

/** The technician's side of {@link EnrolmentProtocol}: a CoAP client on DTLS with the device's PSK. */
public final class EnrolmentClient implements AutoCloseable {
    private final URI device;
    private final Endpoint endpoint;
    private final long timeoutMs;

    public EnrolmentClient(URI device, ProvisioningPsk psk, Duration timeout) throws EnrolmentException {
        this(device, psk, timeout, new InetSocketAddress(0));
    }

    /** A client whose DTLS endpoint binds {@code local} (an address of the technician's machine). */
    public EnrolmentClient(URI device, ProvisioningPsk psk, Duration timeout, InetSocketAddress local)
            throws EnrolmentException {
        if (!"coaps".equals(device.getScheme()) || device.getHost() == null || device.getPort() < 0) {
            throw new EnrolmentException("device address must be coaps://host:port, not " + device);
        }
        this.device = device;
        this.timeoutMs = timeout.toMillis();
        Configuration cfg = DtlsSettings.configuration(DtlsConfig.DtlsRole.CLIENT_ONLY, timeout);
        DTLSConnector connector = new DTLSConnector(DtlsConnectorConfig.builder(cfg)
                .setAddress(local)
                .setAdvancedPskStore(new AdvancedSinglePskStore(psk.identity(), psk.key())).build());
        this.endpoint = new CoapEndpoint.Builder().setConfiguration(cfg).setConnector(connector).build();
        try {
            endpoint.start();
        } catch (IOException e) {
            throw new EnrolmentException("cannot open a DTLS endpoint: " + e.getMessage(), e);
        }
    }

    /** Fetches the device's DER CSR. */
    public byte[] csr() throws EnrolmentException {
        CoapClient c = client(EnrolmentProtocol.CSR_PATH);
        try {
            return expect(c.get(EnrolmentProtocol.CF_PKCS10), ResponseCode.CONTENT, "GET /csr");
        } catch (ConnectorException | IOException e) {
            throw unreachable("GET /csr", e);
        } finally {
            c.shutdown();
        }
    }

    /** The device's ledger account address. */
    public String ledgerAccount() throws EnrolmentException {
        CoapClient c = client(EnrolmentProtocol.ACCOUNT_PATH);
        try {
            return new String(expect(c.get(), ResponseCode.CONTENT, "GET /account"), java.nio.charset.StandardCharsets.UTF_8);
        } catch (ConnectorException | IOException e) {
            throw unreachable("GET /account", e);
        } finally {
            c.shutdown();
        }
    }

    /** Sends the chain, ledger settings and nonce; returns the device's signed test record. */
    public byte[] install(EnrolmentProtocol.Install install) throws EnrolmentException {
        CoapClient c = client(EnrolmentProtocol.INSTALL_PATH);
        try {
            return expect(c.post(EnrolmentProtocol.encodeInstall(install), EnrolmentProtocol.CF_CBOR),
                    ResponseCode.CHANGED, "POST /install");
        } catch (ConnectorException | IOException e) {
            throw unreachable("POST /install", e);
        } finally {
            c.shutdown();
        }
    }

    private CoapClient client(String path) {
        CoapClient c = new CoapClient(device.resolve("/" + path).toString());
        c.setEndpoint(endpoint);
        c.setTimeout(timeoutMs);
        return c;
    }

    private byte[] expect(CoapResponse r, ResponseCode code, String what) throws EnrolmentException {
        if (r == null) {
            throw new EnrolmentException(what + ": no answer from " + device + " within " + timeoutMs
                    + " ms (wrong or already used PSK, or the device is not in provisioning mode)");
        }
        if (r.getCode() != code) {
            throw new EnrolmentException(what + " refused by " + device + ": " + r.getCode() + " " + r.getResponseText());
        }
        return r.getPayload();
    }

    private EnrolmentException unreachable(String what, Exception e) {
        return new EnrolmentException(what + ": cannot reach " + device + " (wrong or already used PSK, or the device"
                + " is not in provisioning mode): " + e.getMessage(), e);
    }

    @Override
    public void close() {
        endpoint.destroy();
    }
}
