package io.certigate.anchor.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certigate.anchor.testing.TestChain;
import io.certigate.verifier.ledger.AnchorAbi;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/** The contract on a real ganache chain: allowlist, duplicate roots, the event, blockOf, gas. */
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
            assertThat(c.blockOf(root)).isEqualTo(block);
            assertThat(r.getGasUsed().longValue()).isBetween(40_000L, 60_000L);
            var event = AnchorAbi.decode(r.getLogs().get(0)).orElseThrow();
            assertThat(event.root()).isEqualTo(root);
            assertThat(event.device()).isEqualTo(device);
            assertThat(event.firstSeq()).isEqualTo(1);
            assertThat(event.lastSeq()).isEqualTo(1000);
            assertThat(c.anchoredEvents(root)).singleElement().satisfies(e -> {
                assertThat(e.txHash()).isEqualTo(r.getTransactionHash());
                assertThat(e.blockNumber()).isEqualTo(block);
            });

            assertThatThrownBy(() -> gw.send(chain.contract, BigInteger.ZERO, AnchorContract.encodeAnchor(root, device, 1, 1000)))
                    .hasMessageContaining("reverted");
            assertThat(c.anchoredEvents(root)).hasSize(1);
            assertThat(c.blockOf(root)).isEqualTo(block);
            assertThat(c.blockOf(root())).isZero();
        }
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
            assertThat(c.blockOf(root)).isZero();
            LedgerAdmin gw = new LedgerAdmin(c, chain.gateway, Duration.ofSeconds(30));
            assertThatThrownBy(() -> gw.send(chain.contract, BigInteger.ZERO,
                    AnchorContract.encodeAnchor(root, new byte[32], 5, 4))).hasMessageContaining("reverted");
            assertThatThrownBy(() -> gw.send(chain.contract, BigInteger.ZERO,
                    AnchorContract.encodeAnchor(new byte[32], new byte[32], 1, 4))).hasMessageContaining("reverted");
            // only the admin manages the allowlist
            assertThatThrownBy(() -> gw.allowAnchorer(stranger.address(), true)).hasMessageContaining("reverted");
            new LedgerAdmin(c, chain.admin, Duration.ofSeconds(30)).allowAnchorer(stranger.address(), true);
            s.send(chain.contract, BigInteger.ZERO, AnchorContract.encodeAnchor(root, new byte[32], 1, 2));
            assertThat(c.blockOf(root)).isPositive();
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
            assertThat(c.blockOf(root)).isEqualTo(r.getBlockNumber().longValueExact());
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
