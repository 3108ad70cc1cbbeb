package io.certigate.anchor.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.anchor.Anchorer;
import io.certigate.anchor.batch.AnchorBatcher;
import io.certigate.anchor.batch.Batch;
import io.certigate.anchor.batch.BatchStore;
import io.certigate.anchor.testing.TestChain;
import io.certigate.anchor.testing.TestDevice;
import io.certigate.testbed.chain.DevChain;
import io.certigate.verifier.ledger.AnchorAbi;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The zero gas price option, as on a Besu free-gas network: on the anvil dev chain configured like the
 * consortium's genesis (zero base fee, paris rules), an account holding no ether anchors with legacy
 * transactions at gas price 0, and with confirmations required the batch counts as anchored only once enough blocks follow.
 */
@Tag("integration")
class FreeGasAnchoringTest {
    @TempDir
    Path dir;

    @Test
    void anUnfundedAccountAnchorsAtZeroGasPriceAfterTheConfiguredConfirmations() throws Exception {
        DevChain.Options o = DevChain.Options.defaults(DevChain.locateAnvil(), dir.resolve("chain")).withChainId(4242);
        try (DevChain chain = new DevChain(o).start();
                TestDevice device = new TestDevice(dir, "dev-free", Clock.systemUTC())) {
            LedgerAccount admin = LedgerAccount.importKey(dir.resolve("admin.json"), chain.adminKey(), TestChain.PASSPHRASE,
                    LedgerAccount.KeyFileCost.LIGHT);
            LedgerAccount gateway = LedgerAccount.create(dir.resolve("gw.json"), TestChain.PASSPHRASE, LedgerAccount.KeyFileCost.LIGHT);
            LedgerConfig free = LedgerConfig.of(chain.rpcUrl(), 4242, "0x" + "0".repeat(40))
                    .withFees(LedgerConfig.FeeMode.LEGACY, BigInteger.ZERO, BigInteger.ZERO);
            String contract;
            try (LedgerClient c = LedgerClient.connect(free)) {
                contract = new LedgerAdmin(c, admin, Duration.ofSeconds(30)).deploy();
            }
            LedgerConfig config = free.withContract(contract).withConfirmations(2);
            try (LedgerClient c = LedgerClient.connect(config)) {
                new LedgerAdmin(c, admin, Duration.ofSeconds(30)).allowAnchorer(gateway.address(), true);
                device.produce(5);
                BatchStore store = new BatchStore(device.buffer);
                new AnchorBatcher(store, new AnchorBatcher.Options(5, Duration.ofHours(1)), Clock.systemUTC()).cutRipe();
                Anchorer a = new Anchorer(store, c, gateway, device.id, Clock.systemUTC());
                assertThat(a.step()).isEqualTo(Anchorer.Outcome.PROGRESS); // signed
                assertThat(a.step()).isEqualTo(Anchorer.Outcome.WAITING); // sent, mined at once
                assertThat(a.step()).isEqualTo(Anchorer.Outcome.WAITING); // mined, 0 blocks on top
                chain.rpc("evm_mine");
                assertThat(a.step()).isEqualTo(Anchorer.Outcome.WAITING); // 1 block on top
                chain.rpc("evm_mine");
                assertThat(a.step()).isEqualTo(Anchorer.Outcome.PROGRESS);
                Batch b = store.all().get(0);
                assertThat(b.state()).isEqualTo(Batch.State.ANCHORED);
                assertThat(c.blockOf(AnchorAbi.deviceKey(device.id), b.root())).isEqualTo(b.blockNumber());
                assertThat(c.transaction(b.txHash()).orElseThrow().getGasPrice()).isZero();
                assertThat(c.receipt(b.txHash()).orElseThrow().getGasUsed().longValue()).isPositive();
            }
            org.web3j.protocol.Web3j w = org.web3j.protocol.Web3j.build(new org.web3j.protocol.http.HttpService(chain.rpcUrl()));
            try {
                assertThat(w.ethGetBalance(gateway.address(),
                        org.web3j.protocol.core.DefaultBlockParameterName.LATEST).send().getBalance()).isZero();
            } finally {
                w.shutdown();
            }
        }
    }
}
