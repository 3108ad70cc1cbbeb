package io.certigate.provisioning.technician;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certigate.anchor.ledger.LedgerAccount;
import io.certigate.anchor.ledger.LedgerClient;
import io.certigate.provisioning.ca.ConsortiumCa;
import io.certigate.provisioning.ca.ProvisioningException;
import io.certigate.provisioning.device.KeyBackend;
import io.certigate.provisioning.enrol.EnrolmentAgent;
import io.certigate.provisioning.enrol.ProvisioningPsk;
import io.certigate.provisioning.enrol.ProvisioningState;
import io.certigate.provisioning.enrol.SpineHandover;
import io.certigate.provisioning.registry.DeviceRegistryClient;
import io.certigate.provisioning.testing.Ledger;
import io.certigate.provisioning.testing.TestCa;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.Csr;
import io.certigate.signing.DeviceKey;
import io.certigate.verifier.ledger.RegistryAbi;
import io.certigate.verifier.trust.ChainValidator;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The technician's whole run against a device agent on loopback DTLS and a real anvil dev chain. */
@Tag("integration")
class ProvisionerTest {
    static final Csr.Identity CAR = new Csr.Identity("obd-77", "SN-77", "CG-OBD-2", Csr.SubjectKind.VIN, "VF1AB000777777777");
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    static Path dir;
    static Ledger ledger;
    static ConsortiumCa ca;

    @BeforeAll
    static void chain() throws Exception {
        ledger = Ledger.start(dir);
        ca = TestCa.create("Fleet Consortium", Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        if (ledger != null) {
            ledger.close();
        }
    }

    /** Runs a device agent in provisioning mode and the technician against it. */
    ProvisioningRecord provisionOnce(KeyBackend backend, Path stateDir, String account, Csr.Identity expected)
            throws Exception {
        ProvisioningState state = new ProvisioningState(stateDir);
        state.enter();
        ScheduledExecutorService ex = Executors.newSingleThreadScheduledExecutor();
        ExecutorService writer = Executors.newSingleThreadExecutor();
        SpineHandover spine = SpineHandover.onBuffer(stateDir.resolve("buffer.db"), expected.deviceId(),
                Clock.systemUTC(), writer, TIMEOUT);
        try (EnrolmentAgent agent = new EnrolmentAgent(state, backend, new EnrolmentAgent.Settings(
                new InetSocketAddress("127.0.0.1", 0), CAR, CoseAlgorithm.EDDSA, Duration.ofSeconds(3), 8, account,
                ca.root()),
                Clock.systemUTC(), new SecureRandom(), ex, s -> { }, spine);
                LedgerClient c = ledger.client()) {
            int port = agent.start().getPort();
            Provisioner p = new Provisioner(ca, new DeviceRegistryClient(c, ledger.registry, ledger.registrar, TIMEOUT),
                    Clock.systemUTC(), new SecureRandom(), TIMEOUT);
            ProvisioningRecord r = p.provision(new Provisioner.Request(URI.create("coaps://127.0.0.1:" + port),
                    ProvisioningPsk.read(state.labelFile()), expected, Duration.ofDays(365),
                    Map.of("rpc", ledger.config.rpcUrl(), "anchor", ledger.config.contract(), "registry", ledger.registry)));
            DeviceKey installed = agent.provisioned().get(10, TimeUnit.SECONDS);
            assertThat(installed.certificateChain()).isEqualTo(r.chain());
            assertThat(state.inProvisioningMode()).isFalse();
            spine.spine().get(10, TimeUnit.SECONDS).close();
            return r;
        } finally {
            ex.shutdownNow();
            writer.shutdownNow();
        }
    }

    @Test
    void provisionRotateAndDecommission() throws Exception {
        LedgerAccount account = ledger.newAccount("obd-77");
        ProvisioningRecord first = provisionOnce(new KeyBackend.Pkcs12(dir.resolve("obd-77-1.p12"), "k".toCharArray()),
                dir.resolve("state-1"), account.address(), CAR);
        assertThat(first.ledgerAccount()).isEqualTo(account.address());
        Path recordFile = dir.resolve("records/obd-77-1.json");
        first.write(recordFile);
        ProvisioningRecord reread = ProvisioningRecord.read(recordFile);
        assertThat(reread.chain()).isEqualTo(first.chain());
        assertThat(reread.identity()).isEqualTo(CAR);
        assertThat(reread.registrationBlock()).isEqualTo(first.registrationBlock());

        long anchoredWithFirst = ledger.anchor(account, random32(), "obd-77").getBlockNumber().longValueExact();

        // re-provisioning with a new key (rotation): the old key is superseded, not revoked
        ProvisioningRecord second = provisionOnce(new KeyBackend.Pkcs12(dir.resolve("obd-77-2.p12"), "k".toCharArray()),
                dir.resolve("state-2"), account.address(), CAR);
        assertThat(second.chain().get(0).getPublicKey()).isNotEqualTo(first.chain().get(0).getPublicKey());
        try (LedgerClient c = ledger.client()) {
            DeviceRegistryClient reg = new DeviceRegistryClient(c, ledger.registry, ledger.registrar, TIMEOUT);
            assertThat(reg.statusAt(first.chain().get(0).getPublicKey(), anchoredWithFirst))
                    .isEqualTo(RegistryAbi.Status.ACTIVE);
            assertThat(reg.statusAt(first.chain().get(0).getPublicKey(), second.registrationBlock()))
                    .isEqualTo(RegistryAbi.Status.SUPERSEDED);
            // the old chain still validates: history signed with it stays verifiable
            assertThat(new ChainValidator(ca.root()).validate(first.chain(), Instant.now())).isEqualTo(CAR);
            assertThat(ledger.anchor(account, random32(), "obd-77").isStatusOK()).isTrue();

            // decommission: the current key is revoked and the device can no longer anchor
            DeviceRegistryClient.Receipt revoked = Provisioner.decommission(reg, second, "vehicle scrapped");
            assertThat(reg.statusAt(second.chain().get(0).getPublicKey(), revoked.block()))
                    .isEqualTo(RegistryAbi.Status.REVOKED);
            assertThat(ledger.anchor(account, random32(), "obd-77").isStatusOK()).isFalse();
        }
    }

    @Test
    void aDeviceClaimingAnotherSubjectIsNotProvisionedNorRegistered() throws Exception {
        LedgerAccount account = ledger.newAccount("obd-78");
        Csr.Identity expected = new Csr.Identity("obd-77", "SN-77", "CG-OBD-2", Csr.SubjectKind.VIN, "VF1AB000888888888");
        assertThatThrownBy(() -> provisionOnce(new KeyBackend.Pkcs12(dir.resolve("obd-78.p12"), "k".toCharArray()),
                dir.resolve("state-78"), account.address(), expected))
                .isInstanceOf(ProvisioningException.class).hasMessageContaining("but the device to provision is");
        try (LedgerClient c = ledger.client()) {
            assertThat(new DeviceRegistryClient(c, ledger.registry, null, TIMEOUT).isActiveAccount(account.address())).isFalse();
        }
        assertThat(new ProvisioningState(dir.resolve("state-78")).inProvisioningMode()).isTrue();
    }

    static byte[] random32() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return b;
    }
}
