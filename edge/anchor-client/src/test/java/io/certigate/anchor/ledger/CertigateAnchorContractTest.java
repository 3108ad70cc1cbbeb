package io.certigate.anchor.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certigate.anchor.testing.TestChain;
import io.certigate.verifier.ledger.AnchorAbi;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/** The contract on a real anvil dev chain: allowlist, duplicate roots per device, the event, blockOf, gas. */
@Tag("integration")
class CertigateAnchorContractTest {
    @TempDir
    static Path dir;
    static TestChain chain;
    static final SecureRandom RANDOM = new SecureRandom();

    @BeforeAll
    static void start() throws Exception {
        chain = TestChain.start(dir);
    }

    @AfterAll
    static void stop() {
        if (chain != null) {
            chain.close();
        }
    }

    private static byte[] root() {
        byte[] r = new byte[32];
        RANDOM.nextBytes(r);
        return r;
    }

    @Test
    void anAllowedAccountAnchorsARootOnceAndTheEventCarriesTheBatch() throws Exception {
        try (LedgerClient c = chain.client()) {
            c.checkChain();
            LedgerAdmin gw = new LedgerAdmin(c, chain.gateway, Duration.ofSeconds(30));
            byte[] root = root();
            byte[] device = AnchorAbi.deviceKey("dev-contract");
            TransactionReceipt r = gw.send(chain.contract, BigInteger.ZERO, AnchorContract.encodeAnchor(root, device, 1, 1000));
            long block = r.getBlockNumber().longValueExact();
            assertThat(c.blockOf(device, root)).isEqualTo(block);
            assertThat(r.getGasUsed().longValue()).isBetween(40_000L, 60_000L);
            var event = AnchorAbi.decode(r.getLogs().get(0)).orElseThrow();
            assertThat(event.root()).isEqualTo(root);
            assertThat(event.device()).isEqualTo(device);
            assertThat(event.firstSeq()).isEqualTo(1);
            assertThat(event.lastSeq()).isEqualTo(1000);
            assertThat(c.anchoredEvents(device, root)).singleElement().satisfies(e -> {
                assertThat(e.txHash()).isEqualTo(r.getTransactionHash());
                assertThat(e.blockNumber()).isEqualTo(block);
            });

            assertThatThrownBy(() -> gw.send(chain.contract, BigInteger.ZERO, AnchorContract.encodeAnchor(root, device, 1, 1000)))
                    .hasMessageContaining("reverted");
            assertThatThrownBy(() -> c.callContractAs(chain.gateway.address(), chain.contract,
                    AnchorContract.encodeAnchor(root, device, 1, 1000)))
                    .hasMessageContaining(customError("AlreadyAnchored", new Bytes32(device), new Bytes32(root),
                            new Uint256(block)));
            assertThat(c.anchoredEvents(device, root)).hasSize(1);
            assertThat(c.blockOf(device, root)).isEqualTo(block);
            assertThat(c.blockOf(device, root())).isZero();
        }
    }

    @Test
    void theSameRootUnderAnotherDeviceIsAnotherAnchorAndBlocksNeither() throws Exception {
        try (LedgerClient c = chain.client()) {
            LedgerAdmin gw = new LedgerAdmin(c, chain.gateway, Duration.ofSeconds(30));
            byte[] root = root();
            byte[] owner = AnchorAbi.deviceKey("dev-owner");
            byte[] other = AnchorAbi.deviceKey("dev-other");
            // another device's anchor of the root first: before roots were held per device, the owner's
            // anchor then reverted with AlreadyAnchored
            long otherBlock = gw.send(chain.contract, BigInteger.ZERO, AnchorContract.encodeAnchor(root, other, 1, 10))
                    .getBlockNumber().longValueExact();
            assertThat(c.blockOf(owner, root)).isZero();
            assertThat(c.anchoredEvent(owner, root)).isEmpty();
            TransactionReceipt r = gw.send(chain.contract, BigInteger.ZERO, AnchorContract.encodeAnchor(root, owner, 1, 20));
            long ownerBlock = r.getBlockNumber().longValueExact();
            assertThat(ownerBlock).isGreaterThan(otherBlock);
            assertThat(c.blockOf(owner, root)).isEqualTo(ownerBlock);
            assertThat(c.blockOf(other, root)).isEqualTo(otherBlock);
            assertThat(c.anchoredEvent(owner, root)).hasValueSatisfying(e -> {
                assertThat(e.device()).isEqualTo(owner);
                assertThat(e.lastSeq()).isEqualTo(20);
                assertThat(e.txHash()).isEqualTo(r.getTransactionHash());
            });
            assertThat(c.anchoredEvents(other, root)).singleElement()
                    .satisfies(e -> assertThat(e.lastSeq()).isEqualTo(10));
            // each (device, root) still only once
            assertThatThrownBy(() -> gw.send(chain.contract, BigInteger.ZERO, AnchorContract.encodeAnchor(root, other, 1, 10)))
                    .hasMessageContaining("reverted");
            assertThat(c.anchoredEvents(owner, root)).hasSize(1);
        }
    }

    /** A Solidity custom error's revert data: its selector and ABI-encoded arguments, as hex. */
    static String customError(String name, Type<?>... args) {
        return FunctionEncoder.encode(new Function(name, List.of(args), List.of()));
    }

    @Test
    void accountsOutsideTheAllowlistAndBadRangesAreRefused() throws Exception {
        try (LedgerClient c = chain.client()) {
            LedgerAccount stranger = LedgerAccount.create(dir.resolve("stranger.json"), TestChain.PASSPHRASE,
                    LedgerAccount.KeyFileCost.LIGHT);
            new LedgerAdmin(c, chain.admin, Duration.ofSeconds(30)).fund(stranger.address(), BigInteger.TEN.pow(18));
            byte[] root = root();
            LedgerAdmin s = new LedgerAdmin(c, stranger, Duration.ofSeconds(30));
            assertThatThrownBy(() -> s.send(chain.contract, BigInteger.ZERO,
                    AnchorContract.encodeAnchor(root, new byte[32], 1, 2))).hasMessageContaining("reverted");
            assertThat(c.blockOf(new byte[32], root)).isZero();
            LedgerAdmin gw = new LedgerAdmin(c, chain.gateway, Duration.ofSeconds(30));
            assertThatThrownBy(() -> gw.send(chain.contract, BigInteger.ZERO,
                    AnchorContract.encodeAnchor(root, new byte[32], 5, 4))).hasMessageContaining("reverted");
            assertThatThrownBy(() -> gw.send(chain.contract, BigInteger.ZERO,
                    AnchorContract.encodeAnchor(new byte[32], new byte[32], 1, 4))).hasMessageContaining("reverted");
            // only the admin manages the allowlist
            assertThatThrownBy(() -> gw.allowAnchorer(stranger.address(), true)).hasMessageContaining("reverted");
            new LedgerAdmin(c, chain.admin, Duration.ofSeconds(30)).allowAnchorer(stranger.address(), true);
            s.send(chain.contract, BigInteger.ZERO, AnchorContract.encodeAnchor(root, new byte[32], 1, 2));
            assertThat(c.blockOf(new byte[32], root)).isPositive();
        }
    }

    @Test
    void legacyTransactionsWorkToo() throws Exception {
        LedgerConfig legacy = chain.config().withFees(LedgerConfig.FeeMode.LEGACY, null, BigInteger.ZERO);
        try (LedgerClient c = LedgerClient.connect(legacy)) {
            byte[] root = root();
            TransactionReceipt r = new LedgerAdmin(c, chain.gateway, Duration.ofSeconds(30)).send(chain.contract,
                    BigInteger.ZERO, AnchorContract.encodeAnchor(root, new byte[32], 1, 1));
            assertThat(r.getType()).isEqualTo("0x0");
            assertThat(c.blockOf(new byte[32], root)).isEqualTo(r.getBlockNumber().longValueExact());
        }
    }

    @Test
    void theLedgerKeyFileIsEncryptedAndNeverShown() throws Exception {
        Path file = dir.resolve("gateway.key.json");
        String text = java.nio.file.Files.readString(file);
        assertThat(text).contains("\"crypto\"").contains("scrypt");
        assertThat(java.nio.file.Files.getPosixFilePermissions(file)).hasSize(2);
        assertThat(chain.gateway.toString()).isEqualTo("LedgerAccount[" + chain.gateway.address() + "]");
        LedgerAccount again = LedgerAccount.open(file, TestChain.PASSPHRASE);
        assertThat(again.address()).isEqualTo(chain.gateway.address());
        assertThatThrownBy(() -> LedgerAccount.open(file, "wrong".toCharArray())).hasMessageContaining(file.toString());
        assertThatThrownBy(() -> LedgerAccount.create(file, TestChain.PASSPHRASE)).hasMessageContaining("overwrite");
    }
}
