package io.certigate.provisioning.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certigate.anchor.ledger.LedgerAccount;
import io.certigate.anchor.ledger.LedgerClient;
import io.certigate.provisioning.ca.ConsortiumCa;
import io.certigate.provisioning.testing.Ledger;
import io.certigate.provisioning.testing.MemoryKey;
import io.certigate.provisioning.testing.TestCa;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.Csr;
import io.certigate.verifier.ledger.LedgerException;
import io.certigate.verifier.ledger.RegistryAbi;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/** The DeviceRegistry contract and the anchor contract bound to it, on a real ganache chain. */
@Tag("integration")
class DeviceRegistryTest {
    @TempDir
    static Path dir;
    static Ledger ledger;
    static ConsortiumCa ca;

    @BeforeAll
    static void chain() throws Exception {
        ledger = Ledger.start(dir);
        ca = TestCa.create("Registry Consortium", Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        if (ledger != null) {
            ledger.close();
        }
    }

    static byte[] root() {
        byte[] r = new byte[32];
        new SecureRandom().nextBytes(r);
        return r;
    }

    static X509Certificate issue(MemoryKey key, Csr.Identity id) throws Exception {
        return ca.issue(Csr.build(key, id), id, Duration.ofDays(30)).get(0);
    }

    @Test
    void onlyRegisteredUnrevokedAccountsAnchorAndRevocationCountsFromItsBlock() throws Exception {
        Csr.Identity id = new Csr.Identity("gw-r-1", "SN-R1", "CG-OBD-2", Csr.SubjectKind.VIN, "VF1R0000000000001");
        MemoryKey key = new MemoryKey(CoseAlgorithm.EDDSA);
        LedgerAccount account = ledger.newAccount("gw-r-1");
        try (LedgerClient c = ledger.client()) {
            DeviceRegistryClient reg = new DeviceRegistryClient(c, ledger.registry, ledger.registrar, Ledger.TIMEOUT);

            // not registered yet: the anchor contract refuses it
            assertThat(ledger.anchor(account, root(), "gw-r-1").isStatusOK()).isFalse();

            DeviceRegistryClient.Receipt registered = reg.register("gw-r-1", key.publicKey(), issue(key, id), account.address());
            assertThat(reg.isActiveAccount(account.address())).isTrue();
            TransactionReceipt ok = ledger.anchor(account, root(), "gw-r-1");
            assertThat(ok.isStatusOK()).isTrue();
            long anchoredIn = ok.getBlockNumber().longValueExact();

            DeviceRegistryClient.Receipt revoked = reg.revoke(key.publicKey(), "device stolen");
            assertThat(reg.isActiveAccount(account.address())).isFalse();
            // a revoked device trying to anchor
            assertThat(ledger.anchor(account, root(), "gw-r-1").isStatusOK()).isFalse();

            assertThat(reg.statusAt(key.publicKey(), registered.block() - 1)).isEqualTo(RegistryAbi.Status.UNKNOWN);
            assertThat(reg.statusAt(key.publicKey(), anchoredIn)).isEqualTo(RegistryAbi.Status.ACTIVE);
            assertThat(reg.statusAt(key.publicKey(), revoked.block())).isEqualTo(RegistryAbi.Status.REVOKED);
            assertThat(reg.statusAt(key.publicKey(), revoked.block() - 1).validForAnchoring()).isTrue();
            assertThat(reg.statusAt(key.publicKey(), revoked.block()).validForAnchoring()).isFalse();
            assertThat(reg.entry(key.publicKey())).isEqualTo(new RegistryAbi.KeyEntry(registered.block(), 0,
                    revoked.block()));
            assertThat(reg.entry(new MemoryKey(CoseAlgorithm.EDDSA).publicKey()))
                    .isEqualTo(new RegistryAbi.KeyEntry(0, 0, 0));

            // revoking twice, registering the same key again, or registering by anyone else: reverted
            assertThatThrownBy(() -> reg.revoke(key.publicKey(), "again")).isInstanceOf(LedgerException.class)
                    .hasMessageContaining("reverted");
            assertThatThrownBy(() -> reg.register("gw-r-1", key.publicKey(), issue(key, id), account.address()))
                    .isInstanceOf(LedgerException.class).hasMessageContaining("reverted");
            DeviceRegistryClient rogue = new DeviceRegistryClient(c, ledger.registry, account, Ledger.TIMEOUT);
            MemoryKey other = new MemoryKey(CoseAlgorithm.EDDSA);
            assertThatThrownBy(() -> rogue.register("gw-r-1", other.publicKey(), issue(other, id), account.address()))
                    .isInstanceOf(LedgerException.class).hasMessageContaining("reverted");
        }
    }

    @Test
    void keyRotationSupersedesTheOldKeyFromTheRotationBlockOn() throws Exception {
        Csr.Identity id = new Csr.Identity("gw-r-2", "SN-R2", "CG-TIC-1", Csr.SubjectKind.METER, "09000000000002");
        MemoryKey first = new MemoryKey(CoseAlgorithm.ES256);
        MemoryKey second = new MemoryKey(CoseAlgorithm.ES256);
        LedgerAccount account = ledger.newAccount("gw-r-2");
        try (LedgerClient c = ledger.client()) {
            DeviceRegistryClient reg = new DeviceRegistryClient(c, ledger.registry, ledger.registrar, Ledger.TIMEOUT);
            DeviceRegistryClient.Receipt firstRegistered = reg.register("gw-r-2", first.publicKey(), issue(first, id),
                    account.address());
            long before = ledger.anchor(account, root(), "gw-r-2").getBlockNumber().longValueExact();
            DeviceRegistryClient.Receipt rotated = reg.register("gw-r-2", second.publicKey(), issue(second, id),
                    account.address());
            // the same ledger account keeps anchoring for the new key
            assertThat(ledger.anchor(account, root(), "gw-r-2").isStatusOK()).isTrue();
            assertThat(reg.statusAt(first.publicKey(), before)).isEqualTo(RegistryAbi.Status.ACTIVE);
            assertThat(reg.statusAt(first.publicKey(), rotated.block())).isEqualTo(RegistryAbi.Status.SUPERSEDED);
            // valid for what was anchored before the rotation's block, not from it on (issue #20)
            assertThat(reg.statusAt(first.publicKey(), before).validForAnchoring()).isTrue();
            assertThat(reg.statusAt(first.publicKey(), rotated.block()).validForAnchoring()).isFalse();
            assertThat(reg.entry(first.publicKey())).isEqualTo(new RegistryAbi.KeyEntry(firstRegistered.block(),
                    rotated.block(), 0));
            assertThat(reg.entry(first.publicKey()).invalidFrom()).isEqualTo(rotated.block());
            assertThat(reg.statusAt(second.publicKey(), rotated.block())).isEqualTo(RegistryAbi.Status.ACTIVE);

            // another device cannot take over this device's account
            MemoryKey intruder = new MemoryKey(CoseAlgorithm.ES256);
            Csr.Identity otherId = new Csr.Identity("gw-r-3", "SN-R3", "CG-TIC-1", Csr.SubjectKind.METER, "09000000000003");
            assertThatThrownBy(() -> reg.register("gw-r-3", intruder.publicKey(), issue(intruder, otherId),
                    account.address())).isInstanceOf(LedgerException.class).hasMessageContaining("reverted");
        }
    }
}
