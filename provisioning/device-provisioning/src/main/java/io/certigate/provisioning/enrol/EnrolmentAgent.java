package io.certigate.provisioning.enrol;

import io.certigate.core.io.LogText;
import io.certigate.provisioning.device.KeyBackend;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.Csr;
import io.certigate.signing.DeviceKey;
import io.certigate.signing.SigningException;
import io.certigate.verifier.trust.ChainValidator;
import io.certigate.verifier.trust.TrustException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
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
import org.eclipse.californium.scandium.dtls.AlertMessage;
import org.eclipse.californium.scandium.dtls.DTLSContext;
import org.eclipse.californium.scandium.dtls.HandshakeException;
import org.eclipse.californium.scandium.dtls.Handshaker;
import org.eclipse.californium.scandium.dtls.SessionListener;

/**
 * The on-device enrolment agent. It runs only while the device is in provisioning mode: it makes
 * (or reopens) the device key in the configured backend, builds the CSR, writes a fresh single-use
 * PSK to the 0600 label file (the console gets only where it is: whether to show the PSK itself is
 * the caller's choice), and serves {@link EnrolmentProtocol} over CoAP on DTLS. A peer address whose
 * handshakes fail {@code maxHandshakes} times in a row is refused for a while ({@link PeerBackoff});
 * other peers, and the PSK, are unaffected. When the technician posts the issued chain it checks
 * that the chain validates up to the consortium root the device was given ({@code trustRoot}, PKIX
 * at the device clock's time), that it names this device and certifies this device's key; only then
 * it installs it with the key, stores the ledger
 * settings, commits a test reading through the device's sequencer ({@link TestReadingSink}) and
 * answers with that record, leaves provisioning mode, invalidates the PSK (and deletes the label)
 * and stops listening. On a key rotation (the state records another key than the one just
 * installed) it retires the previous key, deleting its PKCS#12 file or destroying it on its token,
 * and says so on the console: a superseded key left behind could sign new readings, which the
 * registry no longer certifies but which nothing else would stop.
 */
public final class EnrolmentAgent implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(EnrolmentAgent.class.getName());

    /** How long a peer is refused after {@code maxHandshakes} failed handshakes in a row (doubling per lockout). */
    public static final Duration PEER_BACKOFF = Duration.ofMinutes(1);

    /**
     * Where to listen, what identity to enrol, and bounds on the handshake.
     *
     * @param maxHandshakes failed handshakes in a row after which a peer address is refused for {@link #PEER_BACKOFF}
     * @param trustRoot     the consortium root: an installed chain must validate up to it
     */
    public record Settings(InetSocketAddress bind, Csr.Identity identity, CoseAlgorithm algorithm, Duration timeout,
            int maxHandshakes, String ledgerAccount, X509Certificate trustRoot) {
        public Settings {
            Objects.requireNonNull(trustRoot, "the consortium root (trustRoot) is required to check an installed chain");
        }
    }

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
    private final PeerBackoff backoff;
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
        this.backoff = new PeerBackoff(settings.maxHandshakes(), PEER_BACKOFF, clock);
    }

    /**
     * Reads the consortium root a device checks installed chains against: one PEM (or DER) CA
     * certificate, self-signed. Errors name the file.
     */
    public static X509Certificate readTrustRoot(java.nio.file.Path file) throws EnrolmentException {
        java.util.Collection<? extends java.security.cert.Certificate> certs;
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
            certs = java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (IOException | java.security.cert.CertificateException e) {
            throw new EnrolmentException("cannot read the consortium root " + file + ": " + e.getMessage(), e);
        }
        if (certs.size() != 1) {
            throw new EnrolmentException("the consortium root " + file + " must hold exactly one certificate, not "
                    + certs.size());
        }
        X509Certificate root = (X509Certificate) certs.iterator().next();
        try {
            root.verify(root.getPublicKey());
        } catch (java.security.GeneralSecurityException e) {
            throw new EnrolmentException("the consortium root " + file + " is not a self-signed certificate", e);
        }
        if (root.getBasicConstraints() < 0) {
            throw new EnrolmentException("the consortium root " + file + " is not a CA certificate");
        }
        return root;
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
        pskStore = new OneTimePskStore(psk);
        Configuration cfg = DtlsSettings.configuration(DtlsConfig.DtlsRole.SERVER_ONLY, settings.timeout());
        connector = new DTLSConnector(DtlsConnectorConfig.builder(cfg).setAddress(settings.bind())
                .setAdvancedPskStore(pskStore).setSessionListener(new PeerLimit())
                .setCipherSuiteSelector(DtlsSettings.SERVER_ORDER).build());
        server = new CoapServer(cfg);
        server.addEndpoint(new CoapEndpoint.Builder().setConfiguration(cfg).setConnector(connector).build());
        server.add(new CsrResource(), new InstallResource(), new AccountResource());
        server.start();
        InetSocketAddress bound = connector.getAddress();
        console.accept("provisioning mode: device " + settings.identity().deviceId() + " waits on coaps://"
                + bound.getHostString() + ":" + bound.getPort() + " with PSK identity " + psk.identity()
                + "; the PSK is in " + state.labelFile() + " (0600)");
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
        LOG.log(System.Logger.Level.WARNING, "enrolment request from " + ex.getSourceSocketAddress() + " refused: "
                + LogText.escape(why));
        ex.respond(code, why, MediaTypeRegistry.TEXT_PLAIN);
    }

    /**
     * Records the installed key's location and, after a rotation (another key was recorded), retires
     * the previous key with the current backend's secret. Returns what happened for the console, or
     * null on a first provisioning or a re-provisioning of the same key. A failure does not undo the
     * provisioning (the new key is installed and certified): it is reported loudly instead.
     */
    private String retirePreviousKey() {
        Map<String, String> previous;
        try {
            previous = state.recordedKey();
            state.recordKey(backend.location());
        } catch (IOException e) {
            return warn("WARNING: cannot read or record where the device key lives in " + state.dir() + " ("
                    + e.getMessage() + "): a previous key, if any, was NOT retired");
        }
        if (previous.isEmpty() || previous.equals(backend.location())) {
            return null;
        }
        KeyBackend old;
        try {
            old = KeyBackend.at(previous, backend.secret());
        } catch (IllegalArgumentException e) {
            return warn("WARNING: key rotation: the previous key " + previous + " was NOT retired: " + e.getMessage());
        }
        try {
            if (!old.exists()) {
                return "key rotation: the previous key (" + old.describe() + ") is already gone";
            }
            String done = "key rotation: the previous key is retired: " + old.retire();
            LOG.log(System.Logger.Level.INFO, done);
            return done;
        } catch (SigningException e) {
            return warn("WARNING: key rotation: the previous key (" + old.describe() + ") could NOT be retired ("
                    + e.getMessage() + "); remove it by hand: the registry certifies nothing it signs from now on");
        }
    }

    private static String warn(String text) {
        LOG.log(System.Logger.Level.WARNING, text);
        return text;
    }

    /** The installed chain must validate up to the consortium root and name this device. */
    private void checkChain(java.util.List<X509Certificate> chain, Instant at) throws TrustException {
        Csr.Identity named = new ChainValidator(settings.trustRoot()).validate(chain, at);
        if (!named.equals(settings.identity())) {
            throw new TrustException("the chain is for " + named + ", not for this device " + settings.identity());
        }
    }

    /** Refuses a peer in backoff at the start of its handshake; counts failures and successes per peer address. */
    private final class PeerLimit implements SessionListener {
        @Override
        public void handshakeStarted(Handshaker handshaker) throws HandshakeException {
            Instant until = backoff.refusedUntil(handshaker.getPeerAddress().getAddress());
            if (until != null) {
                throw new HandshakeException("peer " + handshaker.getPeerAddress() + " refused until " + until
                        + " after failed handshakes", new AlertMessage(AlertMessage.AlertLevel.FATAL,
                                AlertMessage.AlertDescription.ACCESS_DENIED));
            }
        }

        @Override
        public void contextEstablished(Handshaker handshaker, DTLSContext context) {
            // nothing to count yet
        }

        @Override
        public void handshakeCompleted(Handshaker handshaker) {
            backoff.succeeded(handshaker.getPeerAddress().getAddress());
        }

        @Override
        public void handshakeFailed(Handshaker handshaker, Throwable error) {
            InetSocketAddress peer = handshaker.getPeerAddress();
            if (backoff.failed(peer.getAddress())) {
                LOG.log(System.Logger.Level.WARNING, "provisioning handshakes from " + peer + " refused for a while after "
                        + settings.maxHandshakes() + " failures; other peers and the PSK are unaffected");
            }
        }

        @Override
        public void handshakeFlightRetransmitted(Handshaker handshaker, int flight) {
            // not a failure
        }
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
                    checkChain(install.chain(), clock.instant());
                } catch (TrustException e) {
                    refuse(ex, ResponseCode.BAD_REQUEST, "chain refused: " + e.getMessage());
                    return;
                }
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
                String retired = retirePreviousKey();
                done.set(true);
                pskStore.invalidate();
                ex.respond(ResponseCode.CHANGED, cose, EnrolmentProtocol.CF_COSE_SIGN1);
                LOG.log(System.Logger.Level.INFO, "device " + settings.identity().deviceId() + " provisioned: "
                        + key.describe());
                console.accept("provisioned: " + key.describe() + "; provisioning mode left, PSK invalidated");
                if (retired != null) {
                    console.accept(retired);
                }
                provisioned.complete(key);
                // let the response leave before the endpoint goes away
                executor.schedule(EnrolmentAgent.this::close, 500, TimeUnit.MILLISECONDS);
            }
        }
    }
}
