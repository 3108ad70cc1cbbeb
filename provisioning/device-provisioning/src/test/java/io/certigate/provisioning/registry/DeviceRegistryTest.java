package io.certigate.provisioning.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certigate.anchor.ledger.AnchorContract;
import io.certigate.anchor.ledger.LedgerAccount;
import io.certigate.anchor.ledger.LedgerClient;
import io.certigate.provisioning.ca.ConsortiumCa;
import io.certigate.provisioning.testing.Ledger;
import io.certigate.provisioning.testing.MemoryKey;
import io.certigate.provisioning.testing.TestCa;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.Csr;
import io.certigate.verifier.ledger.AnchorAbi;
import io.certigate.verifier.ledger.LedgerException;
import io.certigate.verifier.ledger.RegistryAbi;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/** The DeviceRegistry contract and the anchor contract bound to it, on a real anvil dev chain. */
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
            assertThat(reg.deviceOfAccount(account.address()))
                    .hasValueSatisfying(d -> assertThat(d).isEqualTo(AnchorAbi.deviceKey("gw-r-1")));
            TransactionReceipt ok = ledger.anchor(account, root(), "gw-r-1");
            assertThat(ok.isStatusOK()).isTrue();
            long anchoredIn = ok.getBlockNumber().longValueExact();

            DeviceRegistryClient.Receipt revoked = reg.revoke(key.publicKey(), "device stolen");
            assertThat(reg.isActiveAccount(account.address())).isFalse();
            assertThat(reg.deviceOfAccount(account.address())).isEmpty();
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
    void aDeviceAccountCannotAnchorUnderAnotherDevicesId() throws Exception {
        try (LedgerClient c = ledger.client()) {
            DeviceRegistryClient reg = new DeviceRegistryClient(c, ledger.registry, ledger.registrar, Ledger.TIMEOUT);
            LedgerAccount owner = registered(reg, "gw-r-4", "SN-R4");
            LedgerAccount intruder = registered(reg, "gw-r-5", "SN-R5");
            byte[] root = root();
            byte[] ownerDevice = AnchorAbi.deviceKey("gw-r-4");

            // another active device account anchoring under the owner's id: reverted, naming caller and device
            assertThat(ledger.anchor(intruder, root, "gw-r-4").isStatusOK()).isFalse();
            assertThatThrownBy(() -> c.callContractAs(intruder.address(), ledger.config.contract(),
                    AnchorContract.encodeAnchor(root, ownerDevice, 1, 1)))
                    .hasMessageContaining(customError("NotDeviceAccount", new Address(intruder.address()),
                            new Bytes32(ownerDevice)));
            assertThat(c.blockOf(ownerDevice, root)).isZero();

            // the owner's own anchor of that root goes through
            TransactionReceipt own = ledger.anchor(owner, root, "gw-r-4");
            assertThat(own.isStatusOK()).isTrue();
            assertThat(c.blockOf(ownerDevice, root)).isEqualTo(own.getBlockNumber().longValueExact());
        }
    }

    @Test
    void anotherDeviceAnchoringTheSameRootFirstDoesNotBlockTheOwner() throws Exception {
        try (LedgerClient c = ledger.client()) {
            DeviceRegistryClient reg = new DeviceRegistryClient(c, ledger.registry, ledger.registrar, Ledger.TIMEOUT);
            LedgerAccount owner = registered(reg, "gw-r-6", "SN-R6");
            LedgerAccount other = registered(reg, "gw-r-7", "SN-R7");
            byte[] root = root();

            // the other device anchors the owner's root first, under its own id (the one id it may use)
            TransactionReceipt first = ledger.anchor(other, root, "gw-r-7");
            assertThat(first.isStatusOK()).isTrue();
            // before roots were held per device this reverted with AlreadyAnchored
            TransactionReceipt own = ledger.anchor(owner, root, "gw-r-6");
            assertThat(own.isStatusOK()).isTrue();
            assertThat(c.blockOf(AnchorAbi.deviceKey("gw-r-6"), root)).isEqualTo(own.getBlockNumber().longValueExact());
            assertThat(c.blockOf(AnchorAbi.deviceKey("gw-r-7"), root)).isEqualTo(first.getBlockNumber().longValueExact());
            assertThat(c.anchoredEvent(AnchorAbi.deviceKey("gw-r-6"), root))
                    .hasValueSatisfying(e -> assertThat(e.txHash()).isEqualTo(own.getTransactionHash()));
            // the same (device, root) twice is still refused
            assertThat(ledger.anchor(owner, root, "gw-r-6").isStatusOK()).isFalse();
        }
    }

    /** A new device with its own key, certificate and funded ledger account, registered. */
    private static LedgerAccount registered(DeviceRegistryClient reg, String deviceId, String serial) throws Exception {
        Csr.Identity id = new Csr.Identity(deviceId, serial, "CG-OBD-2", Csr.SubjectKind.VIN, "VF1R00000000000" + serial.substring(3));
        MemoryKey key = new MemoryKey(CoseAlgorithm.EDDSA);
        LedgerAccount account = ledger.newAccount(deviceId);
        reg.register(deviceId, key.publicKey(), issue(key, id), account.address());
        return account;
    }

    /** A Solidity custom error's revert data: its selector and ABI-encoded arguments, as hex. */
    static String customError(String name, Type<?>... args) {
        return FunctionEncoder.encode(new Function(name, List.of(args), List.of()));
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
            assertThat(reg.deviceOfAccount(account.address()))
                    .hasValueSatisfying(d -> assertThat(d).isEqualTo(AnchorAbi.deviceKey("gw-r-2")));

            // another device cannot take over this device's account
            MemoryKey intruder = new MemoryKey(CoseAlgorithm.ES256);
            Csr.Identity otherId = new Csr.Identity("gw-r-3", "SN-R3", "CG-TIC-1", Csr.SubjectKind.METER, "09000000000003");
            assertThatThrownBy(() -> reg.register("gw-r-3", intruder.publicKey(), issue(intruder, otherId),
                    account.address())).isInstanceOf(LedgerException.class).hasMessageContaining("reverted");

            // a rotation onto a new ledger account retires the old one: it can no longer anchor
            MemoryKey third = new MemoryKey(CoseAlgorithm.ES256);
            LedgerAccount moved = ledger.newAccount("gw-r-2b");
            reg.register("gw-r-2", third.publicKey(), issue(third, id), moved.address());
            assertThat(reg.deviceOfAccount(account.address())).isEmpty();
            assertThat(reg.deviceOfAccount(moved.address()))
                    .hasValueSatisfying(d -> assertThat(d).isEqualTo(AnchorAbi.deviceKey("gw-r-2")));
            byte[] late = root();
            assertThatThrownBy(() -> c.callContractAs(account.address(), ledger.config.contract(),
                    AnchorContract.encodeAnchor(late, AnchorAbi.deviceKey("gw-r-2"), 1, 1)))
                    .hasMessageContaining(customError("NotRegisteredDevice", new Address(account.address())));
            assertThat(ledger.anchor(moved, late, "gw-r-2").isStatusOK()).isTrue();
        }
    }
}
