package io.certigate.provisioning.enrol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certigate.core.model.ChainedReading;
import io.certigate.core.model.StoredRecord;
import io.certigate.core.sequencer.ReadingSink;
import io.certigate.core.spine.DeviceIdentity;
import io.certigate.core.spine.Spine;
import io.certigate.provisioning.ca.ConsortiumCa;
import io.certigate.provisioning.device.KeyBackend;
import io.certigate.provisioning.technician.EnrolmentClient;
import io.certigate.provisioning.testing.MemoryKey;
import io.certigate.provisioning.testing.TestCa;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.Csr;
import io.certigate.signing.DeviceKey;
import io.certigate.verifier.trust.ChainValidator;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The enrolment agent and the technician's client on real DTLS over loopback. */
@Tag("component")
class EnrolmentAgentTest {
    static final Csr.Identity HUB = new Csr.Identity("hub-12", "SN-12", "CG-ROAD-1", Csr.SubjectKind.SITE, "A7-PR114");
    static final Duration TIMEOUT = Duration.ofSeconds(3);
    /** Installing writes the PKCS#12 file: seconds on a loaded build machine. */
    static final Duration INSTALL_TIMEOUT = Duration.ofSeconds(30);
    static ConsortiumCa ca;

    @TempDir
    Path dir;
    ScheduledExecutorService executor;
    ProvisioningState state;
    KeyBackend backend;
    EnrolmentAgent agent;
    List<String> console = new ArrayList<>();
    URI address;
    ExecutorService writer;
    SpineHandover spine;

    @BeforeAll
    static void ca() throws Exception {
        ca = TestCa.create("Road Consortium", Clock.systemUTC());
    }

    @BeforeEach
    void device() throws Exception {
        executor = Executors.newSingleThreadScheduledExecutor();
        state = new ProvisioningState(dir.resolve("state"));
        backend = new KeyBackend.Pkcs12(dir.resolve("device.p12"), "device pass".toCharArray());
        writer = Executors.newSingleThreadExecutor();
        spine = SpineHandover.onBuffer(dir.resolve("buffer.db"), HUB.deviceId(), Clock.systemUTC(), writer,
                INSTALL_TIMEOUT);
    }

    @AfterEach
    void stop() throws Exception {
        if (agent != null) {
            agent.close();
        }
        if (spine.spine().isDone()) {
            spine.spine().get().close();
        }
        executor.shutdownNow();
        executor.awaitTermination(5, TimeUnit.SECONDS);
        writer.shutdownNow();
    }

    void startAgent() throws Exception {
        state.enter();
        agent = new EnrolmentAgent(state, backend, new EnrolmentAgent.Settings(new InetSocketAddress("127.0.0.1", 0), HUB,
                CoseAlgorithm.EDDSA, TIMEOUT, 8, null, ca.root()), Clock.systemUTC(), new SecureRandom(), executor, console::add, spine);
        InetSocketAddress a = agent.start();
        address = URI.create("coaps://127.0.0.1:" + a.getPort());
    }

    static EnrolmentProtocol.Install install(List<X509Certificate> chain, byte[] nonce) {
        return new EnrolmentProtocol.Install(chain, Map.of("rpc", "http://127.0.0.1:8545", "chain-id", "1337"), nonce);
    }

    @Test
    void technicianEnrolsTheDeviceWhichLeavesProvisioningModeAndBurnsThePsk() throws Exception {
        startAgent();
        ProvisioningPsk psk = ProvisioningPsk.read(state.labelFile());
        // the console (the journal under systemd) says where the PSK is, never the PSK itself
        assertThat(console.get(0)).contains(psk.identity()).contains(state.labelFile().toString())
                .doesNotContain("psk=").doesNotContain(java.util.HexFormat.of().formatHex(psk.key()));
        byte[] nonce = new byte[16];
        new SecureRandom().nextBytes(nonce);

        byte[] cose;
        List<X509Certificate> chain;
        try (EnrolmentClient c = new EnrolmentClient(address, psk, INSTALL_TIMEOUT)) {
            byte[] csr = c.csr();
            chain = ca.issue(csr, HUB, Duration.ofDays(365));
            cose = c.install(install(chain, nonce));
        }

        // the test record is the first record of the device chain, committed by the sequencer and
        // signed by the key the certificate was issued for, over our nonce
        X509Certificate leaf = chain.get(0);
        ChainedReading r = EnrolmentProtocol.verifyTestRecord(cose, leaf.getPublicKey(), "hub-12", nonce);
        assertThat(r.seq()).isEqualTo(1);
        assertThat(r.prev()).isEqualTo(new byte[32]);
        assertThat(r.reading().subject()).isEqualTo(HUB.subject());
        assertThat(new ChainValidator(ca.root()).validate(chain, java.time.Instant.now())).isEqualTo(HUB);
        Spine running = spine.spine().get(5, TimeUnit.SECONDS);
        assertThat(((StoredRecord.Signed) running.buffer().range(1, 1).get(0)).cose()).isEqualTo(cose);
        assertThat(DeviceIdentity.chains(running.buffer())).containsExactly(chain);
        // and the next reading continues that chain
        ReadingSink.Committed next = running.sequencer().submit(EnrolmentProtocol.testReading(HUB, nonce,
                System.currentTimeMillis())).get(30, TimeUnit.SECONDS);
        assertThat(next.seq()).isEqualTo(2);
        assertThatThrownBy(() -> EnrolmentProtocol.verifyTestRecord(next.cose(), leaf.getPublicKey(), "hub-12",
                new byte[16])).hasMessageContaining("nonce");
        assertThatThrownBy(() -> EnrolmentProtocol.verifyTestRecord(cose, new MemoryKey(CoseAlgorithm.EDDSA).publicKey(),
                "hub-12", nonce)).hasMessageContaining("does not verify");

        // the device state after enrolment
        DeviceKey installed = agent.provisioned().get(5, TimeUnit.SECONDS);
        assertThat(installed.certificateChain()).isEqualTo(chain);
        assertThat(backend.open().certificateChain()).isEqualTo(chain);
        assertThat(state.inProvisioningMode()).isFalse();
        assertThat(Files.exists(state.labelFile())).isFalse();
        assertThat(state.ledgerSettings()).containsEntry("rpc", "http://127.0.0.1:8545").containsEntry("chain-id", "1337");

        // the same PSK is refused from now on
        try (EnrolmentClient again = new EnrolmentClient(address, psk, TIMEOUT)) {
            assertThatThrownBy(again::csr).isInstanceOf(EnrolmentException.class).hasMessageContaining("PSK");
        }
    }

    /** Provisions the device on {@code backend}'s key (a fresh PSK, a chain issued by the test CA) and closes its spine. */
    List<X509Certificate> provisionOn(KeyBackend keys) throws Exception {
        backend = keys;
        spine = SpineHandover.onBuffer(dir.resolve("buffer.db"), HUB.deviceId(), Clock.systemUTC(), writer,
                INSTALL_TIMEOUT);
        startAgent();
        List<X509Certificate> chain;
        try (EnrolmentClient c = new EnrolmentClient(address, ProvisioningPsk.read(state.labelFile()), INSTALL_TIMEOUT)) {
            chain = ca.issue(c.csr(), HUB, Duration.ofDays(365));
            c.install(install(chain, new byte[16]));
        }
        agent.provisioned().get(5, TimeUnit.SECONDS);
        spine.spine().get(5, TimeUnit.SECONDS).close();
        agent.close();
        // a handover not used yet: nothing left open for the clean-up
        spine = SpineHandover.onBuffer(dir.resolve("buffer.db"), HUB.deviceId(), Clock.systemUTC(), writer,
                INSTALL_TIMEOUT);
        return chain;
    }

    /**
     * Issue #20: a key rotation (the device provisioned again on a new key) deletes the previous
     * key's PKCS#12 file and says so; provisioning the same key again deletes nothing.
     */
    @Test
    void aKeyRotationDeletesThePreviousKeyFileAndSaysSo() throws Exception {
        KeyBackend first = new KeyBackend.Pkcs12(dir.resolve("key-1.p12"), "device pass".toCharArray());
        provisionOn(first);
        assertThat(dir.resolve("key-1.p12")).exists();
        assertThat(console).noneMatch(l -> l.contains("key rotation"));
        assertThat(state.recordedKey()).containsEntry("kind", "pkcs12")
                .containsEntry("file", dir.resolve("key-1.p12").toAbsolutePath().toString());

        // the same key provisioned again (a new certificate): nothing to retire
        provisionOn(first);
        assertThat(dir.resolve("key-1.p12")).exists();
        assertThat(console).noneMatch(l -> l.contains("key rotation"));

        KeyBackend second = new KeyBackend.Pkcs12(dir.resolve("key-2.p12"), "device pass".toCharArray());
        List<X509Certificate> chain = provisionOn(second);
        assertThat(dir.resolve("key-1.p12")).doesNotExist();
        assertThat(console).contains("key rotation: the previous key is retired: PKCS#12 file " + dir.resolve("key-1.p12")
                + " deleted");
        assertThat(second.open().certificateChain()).isEqualTo(chain);
        assertThat(state.recordedKey()).containsEntry("file", dir.resolve("key-2.p12").toAbsolutePath().toString());
    }

    @Test
    void aWrongPskOrIdentityGetsNothingAndTheRightOneStillWorks() throws Exception {
        startAgent();
        ProvisioningPsk psk = ProvisioningPsk.read(state.labelFile());
        byte[] wrongKey = psk.key();
        wrongKey[0] ^= 0x01;
        try (EnrolmentClient c = new EnrolmentClient(address, new ProvisioningPsk(psk.identity(), wrongKey), TIMEOUT)) {
            assertThatThrownBy(c::csr).isInstanceOf(EnrolmentException.class);
        }
        try (EnrolmentClient c = new EnrolmentClient(address, new ProvisioningPsk("certigate-other", psk.key()), TIMEOUT)) {
            assertThatThrownBy(c::csr).isInstanceOf(EnrolmentException.class);
        }
        try (EnrolmentClient c = new EnrolmentClient(address, psk, TIMEOUT)) {
            assertThat(Csr.verify(c.csr()).identity()).isEqualTo(HUB);
        }
        assertThat(state.inProvisioningMode()).isTrue();
    }

    @Test
    void aMalformedInstallOrAChainForAnotherKeyIsRefusedAndTheDeviceStaysInProvisioningMode() throws Exception {
        startAgent();
        ProvisioningPsk psk = ProvisioningPsk.read(state.labelFile());
        try (EnrolmentClient c = new EnrolmentClient(address, psk, INSTALL_TIMEOUT)) {
            c.csr();
            List<X509Certificate> foreign = ca.issue(Csr.build(new MemoryKey(CoseAlgorithm.EDDSA), HUB), HUB,
                    Duration.ofDays(1));
            assertThatThrownBy(() -> c.install(install(foreign, new byte[16])))
                    .isInstanceOf(EnrolmentException.class).hasMessageContaining("4.00").hasMessageContaining("does not match");
            assertThatThrownBy(() -> c.install(install(foreign, new byte[4])))
                    .isInstanceOf(EnrolmentException.class).hasMessageContaining("nonce");
        }
        assertThat(agent.rejectedRequests()).isEqualTo(2);
        assertThat(state.inProvisioningMode()).isTrue();
        assertThat(agent.provisioned()).isNotDone();
    }

    @Test
    void aChainFromAnotherCaIsRefusedAndTheDeviceStaysInProvisioningMode() throws Exception {
        startAgent();
        ProvisioningPsk psk = ProvisioningPsk.read(state.labelFile());
        ConsortiumCa other = TestCa.create("Rogue Consortium", Clock.systemUTC());
        try (EnrolmentClient c = new EnrolmentClient(address, psk, INSTALL_TIMEOUT)) {
            byte[] csr = c.csr();
            // the device's own key, its own identity, a well-formed chain: only the issuer is wrong
            List<X509Certificate> rogue = other.issue(csr, HUB, Duration.ofDays(365));
            assertThatThrownBy(() -> c.install(install(rogue, new byte[16])))
                    .isInstanceOf(EnrolmentException.class).hasMessageContaining("4.00")
                    .hasMessageContaining("does not validate up to the consortium root");
            // a chain of the right CA for another device's identity
            Csr.Identity neighbour = new Csr.Identity("hub-13", "SN-13", "CG-ROAD-1", Csr.SubjectKind.SITE, "A7-PR115");
            List<X509Certificate> misnamed = ca.issue(Csr.build(backend.open(), neighbour), neighbour, Duration.ofDays(1));
            assertThatThrownBy(() -> c.install(install(misnamed, new byte[16])))
                    .isInstanceOf(EnrolmentException.class).hasMessageContaining("not for this device");
        }
        assertThat(agent.rejectedRequests()).isEqualTo(2);
        assertThat(state.inProvisioningMode()).isTrue();
        assertThat(agent.provisioned()).isNotDone();
    }

    @Test
    void failedHandshakesFromOnePeerDoNotBurnThePskForTheTechnicianElsewhere() throws Exception {
        state.enter();
        MutableClock clock = new MutableClock(java.time.Instant.parse("2026-03-01T08:00:00Z"));
        agent = new EnrolmentAgent(state, backend, new EnrolmentAgent.Settings(new InetSocketAddress("127.0.0.1", 0), HUB,
                CoseAlgorithm.EDDSA, TIMEOUT, 3, null, ca.root()), clock, new SecureRandom(), executor, console::add, spine);
        int port = agent.start().getPort();
        ProvisioningPsk psk = ProvisioningPsk.read(state.labelFile());
        byte[] wrongKey = psk.key();
        wrongKey[0] ^= 0x01;
        URI attacker = URI.create("coaps://127.0.0.1:" + port);
        // more failed handshakes than the old global limit (8) and the per-peer limit (3)
        for (int i = 0; i < 10; i++) {
            try (EnrolmentClient c = new EnrolmentClient(attacker, new ProvisioningPsk(psk.identity(), wrongKey), TIMEOUT)) {
                assertThatThrownBy(c::csr).isInstanceOf(EnrolmentException.class);
            }
        }
        // the attacker's address is now refused even with the right PSK ...
        try (EnrolmentClient c = new EnrolmentClient(attacker, psk, TIMEOUT)) {
            assertThatThrownBy(c::csr).isInstanceOf(EnrolmentException.class);
        }
        // ... while the technician, from another address, enrols with the same PSK
        try (EnrolmentClient c = new EnrolmentClient(URI.create("coaps://127.0.0.1:" + port), psk, TIMEOUT,
                new InetSocketAddress("127.0.0.2", 0))) {
            assertThat(Csr.verify(c.csr()).identity()).isEqualTo(HUB);
        }
        // and once the backoff has passed (on the agent's clock) the first address may try again
        clock.advance(PeerBackoff.MAX_BACKOFF);
        try (EnrolmentClient c = new EnrolmentClient(attacker, psk, TIMEOUT)) {
            assertThat(Csr.verify(c.csr()).identity()).isEqualTo(HUB);
        }
        assertThat(state.inProvisioningMode()).isTrue();
    }

    @Test
    void aClientOfferingBothSuitesGetsEcdhePsk() throws Exception {
        startAgent();
        ProvisioningPsk psk = ProvisioningPsk.read(state.labelFile());
        // a client that prefers the plain PSK suite: the agent still picks the one with forward secrecy
        org.eclipse.californium.elements.config.Configuration cfg = DtlsSettings.configuration(
                org.eclipse.californium.scandium.config.DtlsConfig.DtlsRole.CLIENT_ONLY, TIMEOUT);
        cfg.set(org.eclipse.californium.scandium.config.DtlsConfig.DTLS_CIPHER_SUITES, List.of(
                org.eclipse.californium.scandium.dtls.cipher.CipherSuite.TLS_PSK_WITH_AES_128_CCM_8,
                org.eclipse.californium.scandium.dtls.cipher.CipherSuite.TLS_ECDHE_PSK_WITH_AES_128_GCM_SHA256));
        org.eclipse.californium.scandium.DTLSConnector connector = new org.eclipse.californium.scandium.DTLSConnector(
                org.eclipse.californium.scandium.config.DtlsConnectorConfig.builder(cfg)
                        .setAddress(new InetSocketAddress("127.0.0.1", 0))
                        .setAdvancedPskStore(new org.eclipse.californium.scandium.dtls.pskstore.AdvancedSinglePskStore(
                                psk.identity(), psk.key())).build());
        org.eclipse.californium.core.network.CoapEndpoint endpoint = new org.eclipse.californium.core.network.CoapEndpoint.Builder()
                .setConfiguration(cfg).setConnector(connector).build();
        org.eclipse.californium.core.CoapClient client = new org.eclipse.californium.core.CoapClient(
                address.resolve("/" + EnrolmentProtocol.CSR_PATH)).setEndpoint(endpoint).setTimeout(TIMEOUT.toMillis());
        try {
            org.eclipse.californium.core.CoapResponse r = client.get();
            assertThat(r).isNotNull();
            assertThat(r.getCode()).isEqualTo(org.eclipse.californium.core.coap.CoAP.ResponseCode.CONTENT);
            assertThat(r.advanced().getSourceContext().get(org.eclipse.californium.elements.DtlsEndpointContext.KEY_CIPHER))
                    .isEqualTo("TLS_ECDHE_PSK_WITH_AES_128_GCM_SHA256");
        } finally {
            client.shutdown();
            endpoint.destroy();
        }
    }

    /** A clock the test moves by hand. */
    static final class MutableClock extends Clock {
        private volatile java.time.Instant now;

        MutableClock(java.time.Instant start) {
            now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public java.time.Instant instant() {
            return now;
        }
    }

    @Test
    void theAgentStaysOffOutsideProvisioningMode() {
        agent = new EnrolmentAgent(state, backend, new EnrolmentAgent.Settings(new InetSocketAddress("127.0.0.1", 0), HUB,
                CoseAlgorithm.EDDSA, TIMEOUT, 8, null, ca.root()), Clock.systemUTC(), new SecureRandom(), executor, console::add, spine);
        assertThatThrownBy(agent::start).isInstanceOf(EnrolmentException.class).hasMessageContaining("not in provisioning mode");
        assertThat(Files.exists(dir.resolve("device.p12"))).isFalse();
    }

    @Test
    void thePskLabelIsRefusedWhenShortOrIncomplete() throws Exception {
        Path f = Files.writeString(dir.resolve("label"), "psk-identity=certigate-1\npsk=0011\n");
        assertThatThrownBy(() -> ProvisioningPsk.read(f)).hasMessageContaining("at least 16 bytes");
        Files.writeString(f, "psk=00112233445566778899aabbccddeeff\n");
        assertThatThrownBy(() -> ProvisioningPsk.read(f)).hasMessageContaining("psk-identity");
    }
}
