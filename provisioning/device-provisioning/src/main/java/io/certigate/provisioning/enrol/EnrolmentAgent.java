package io.certigate.provisioning.enrol;

import io.certigate.provisioning.device.KeyBackend;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.Csr;
import io.certigate.signing.DeviceKey;
import io.certigate.signing.SigningException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;

/**
 * The on-device enrolment agent. It runs only while the device is in provisioning mode: it makes
 * (or reopens) the device key in the configured backend, builds the CSR, shows a fresh single-use
 * PSK on the console and in the label file, and serves {@link EnrolmentProtocol} over CoAP on DTLS.
 * When the technician posts the issued chain it installs it with the key, stores the ledger
 * settings, commits a test reading through the device's sequencer ({@link TestReadingSink}) and
 * answers with that record, leaves provisioning mode, invalidates the PSK (and deletes the label)
 * and stops listening.
 */
public final class EnrolmentAgent implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(EnrolmentAgent.class.getName());

    /** Where to listen, what identity to enrol, and bounds on the handshake. */
    public record Settings(InetSocketAddress bind, Csr.Identity identity, CoseAlgorithm algorithm, Duration timeout,
            int maxHandshakes, String ledgerAccount) {}

    private final ProvisioningState state;
    private final KeyBackend backend;
    private final Settings settings;
    private final Clock clock;
    private final SecureRandom random;
    private final ScheduledExecutorService executor;
    private final Consumer<String> console;
    private final TestReadingSink testReadings;
    private final CompletableFuture<DeviceKey> provisioned = new CompletableFuture<>();
    private final AtomicBoolean done = new AtomicBoolean();
    private final AtomicLong rejected = new AtomicLong();
    private OneTimePskStore pskStore;
    private CoapServer server;
    private DTLSConnector connector;
    private byte[] csr;

    public EnrolmentAgent(ProvisioningState state, KeyBackend backend, Settings settings, Clock clock,
            SecureRandom random, ScheduledExecutorService executor, Consumer<String> console, TestReadingSink testReadings) {
        this.state = state;
        this.backend = backend;
        this.settings = settings;
        this.clock = clock;
        this.random = random;
        this.executor = executor;
        this.console = console;
        this.testReadings = testReadings;
    }

    /** Starts serving; returns the bound address. Refuses unless the device is in provisioning mode. */
    public synchronized InetSocketAddress start() throws EnrolmentException {
        if (!state.inProvisioningMode()) {
            throw new EnrolmentException("the device is not in provisioning mode (" + state.dir()
                    + " has no provisioning-mode marker): the enrolment agent stays off");
        }
        DeviceKey key;
        try {
            key = backend.exists() ? backend.open() : backend.generate(settings.algorithm(), settings.identity().deviceId());
            csr = Csr.build(key, settings.identity());
        } catch (SigningException e) {
            throw new EnrolmentException("cannot prepare the device key in " + backend.describe() + ": " + e.getMessage(), e);
        }
        ProvisioningPsk psk = ProvisioningPsk.generate(settings.identity().serial(), random);
        try {
            state.writeLabel(psk);
        } catch (IOException e) {
            throw new EnrolmentException("cannot write the PSK label " + state.labelFile() + ": " + e.getMessage(), e);
        }
        pskStore = new OneTimePskStore(psk, settings.maxHandshakes());
        Configuration cfg = DtlsSettings.configuration(DtlsConfig.DtlsRole.SERVER_ONLY, settings.timeout());
        connector = new DTLSConnector(DtlsConnectorConfig.builder(cfg).setAddress(settings.bind())
                .setAdvancedPskStore(pskStore).build());
        server = new CoapServer(cfg);
        server.addEndpoint(new CoapEndpoint.Builder().setConfiguration(cfg).setConnector(connector).build());
        server.add(new CsrResource(), new InstallResource(), new AccountResource());
        server.start();
        InetSocketAddress bound = connector.getAddress();
        console.accept("provisioning mode: device " + settings.identity().deviceId() + " waits on coaps://"
                + bound.getHostString() + ":" + bound.getPort() + "\n" + psk.label());
        psk.destroy();
        return bound;
    }

    /** Completes with the installed key once the technician has provisioned the device. */
    public CompletableFuture<DeviceKey> provisioned() {
        return provisioned;
    }

    /** Requests refused so far (malformed, after completion, or not installable). */
    public long rejectedRequests() {
        return rejected.get();
    }

    @Override
    public synchronized void close() {
        if (pskStore != null) {
            pskStore.invalidate();
        }
        if (server != null) {
            server.destroy();
            server = null;
        }
    }

    private void refuse(CoapExchange ex, ResponseCode code, String why) {
        rejected.incrementAndGet();
        LOG.log(System.Logger.Level.WARNING, "enrolment request from " + ex.getSourceSocketAddress() + " refused: " + why);
        ex.respond(code, why, MediaTypeRegistry.TEXT_PLAIN);
    }

    private final class CsrResource extends CoapResource {
        CsrResource() {
            super(EnrolmentProtocol.CSR_PATH);
        }

        @Override
        public void handleGET(CoapExchange ex) {
            if (done.get()) {
                refuse(ex, ResponseCode.FORBIDDEN, "the device is already provisioned");
                return;
            }
            ex.respond(ResponseCode.CONTENT, csr, EnrolmentProtocol.CF_PKCS10);
        }
    }

    private final class AccountResource extends CoapResource {
        AccountResource() {
            super(EnrolmentProtocol.ACCOUNT_PATH);
        }

        @Override
        public void handleGET(CoapExchange ex) {
            if (done.get()) {
                refuse(ex, ResponseCode.FORBIDDEN, "the device is already provisioned");
            } else if (settings.ledgerAccount() == null) {
                refuse(ex, ResponseCode.NOT_FOUND, "this device has no ledger account");
            } else {
                ex.respond(ResponseCode.CONTENT, settings.ledgerAccount(), MediaTypeRegistry.TEXT_PLAIN);
            }
        }
    }

    private final class InstallResource extends CoapResource {
        InstallResource() {
            super(EnrolmentProtocol.INSTALL_PATH);
        }

        @Override
        public void handlePOST(CoapExchange ex) {
            EnrolmentProtocol.Install install;
            try {
                install = EnrolmentProtocol.decodeInstall(ex.getRequestPayload());
            } catch (EnrolmentException e) {
                refuse(ex, ResponseCode.BAD_REQUEST, e.getMessage());
                return;
            }
            ex.accept(); // installing takes a while (key store writes): answer separately
            synchronized (EnrolmentAgent.this) {
                if (done.get()) {
                    refuse(ex, ResponseCode.FORBIDDEN, "the device is already provisioned");
                    return;
                }
                byte[] cose;
                DeviceKey key;
                try {
                    key = backend.installChain(install.chain());
                    state.writeLedgerSettings(install.ledger());
                    cose = testReadings.commit(key, install.ledger(),
                            EnrolmentProtocol.testReading(settings.identity(), install.nonce(), clock.millis()));
                    state.leave();
                    state.deleteLabel();
                } catch (SigningException | IOException | EnrolmentException e) {
                    refuse(ex, ResponseCode.BAD_REQUEST, "cannot install: " + e.getMessage());
                    return;
                }
                done.set(true);
                pskStore.invalidate();
                ex.respond(ResponseCode.CHANGED, cose, EnrolmentProtocol.CF_COSE_SIGN1);
                LOG.log(System.Logger.Level.INFO, "device " + settings.identity().deviceId() + " provisioned: "
                        + key.describe());
                console.accept("provisioned: " + key.describe() + "; provisioning mode left, PSK invalidated");
                provisioned.complete(key);
                // let the response leave before the endpoint goes away
                executor.schedule(EnrolmentAgent.this::close, 500, TimeUnit.MILLISECONDS);
            }
        }
    }
}
