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
                CoseAlgorithm.EDDSA, TIMEOUT, 8, null), Clock.systemUTC(), new SecureRandom(), executor, console::add, spine);
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
        assertThat(console.get(0)).contains(psk.identity()).contains("psk=");
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
    void theAgentStaysOffOutsideProvisioningMode() {
        agent = new EnrolmentAgent(state, backend, new EnrolmentAgent.Settings(new InetSocketAddress("127.0.0.1", 0), HUB,
                CoseAlgorithm.EDDSA, TIMEOUT, 8, null), Clock.systemUTC(), new SecureRandom(), executor, console::add, spine);
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
