package io.certigate.anchor.testing;

import io.certigate.anchor.ledger.LedgerAccount;
import io.certigate.anchor.ledger.LedgerAdmin;
import io.certigate.anchor.ledger.LedgerClient;
import io.certigate.anchor.ledger.LedgerConfig;
import io.certigate.testbed.chain.DevChain;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real anvil dev chain for a test class: started from the repository's node_modules on a free
 * loopback port, the CertigateAnchor contract deployed by the chain's first development account,
 * and a fresh gateway ledger account (its own encrypted key file) funded and allowed to anchor.
 * Fails, never skips, when the anvil binary is missing (npm ci).
 */
public final class TestChain implements AutoCloseable {
    public static final char[] PASSPHRASE = "test-ledger-passphrase".toCharArray();

    public final DevChain chain;
    public final LedgerAccount admin;
    public final LedgerAccount gateway;
    public final String contract;
    private final LedgerConfig config;

    private TestChain(DevChain chain, LedgerAccount admin, LedgerAccount gateway, String contract, LedgerConfig config) {
        this.chain = chain;
        this.admin = admin;
        this.gateway = gateway;
        this.contract = contract;
        this.config = config;
    }

    public static TestChain start(Path dir) throws Exception {
        return start(dir, DevChain.Options.defaults(DevChain.locateAnvil(), dir.resolve("chain")));
    }

    public static TestChain start(Path dir, DevChain.Options options) throws Exception {
        DevChain chain = new DevChain(options).start();
        try {
            LedgerAccount admin = LedgerAccount.importKey(dir.resolve("admin.key.json"), chain.adminKey(), PASSPHRASE, LedgerAccount.KeyFileCost.LIGHT);
            LedgerAccount gateway = LedgerAccount.create(dir.resolve("gateway.key.json"), PASSPHRASE, LedgerAccount.KeyFileCost.LIGHT);
            LedgerConfig base = LedgerConfig.of(chain.rpcUrl(), chain.chainId(), "0x" + "0".repeat(40));
            String contract;
            try (LedgerClient c = LedgerClient.connect(base)) {
                contract = new LedgerAdmin(c, admin, Duration.ofSeconds(30)).deploy();
            }
            LedgerConfig config = base.withContract(contract);
            try (LedgerClient c = LedgerClient.connect(config)) {
                LedgerAdmin a = new LedgerAdmin(c, admin, Duration.ofSeconds(30));
                a.fund(gateway.address(), BigInteger.TEN.pow(19));
                a.allowAnchorer(gateway.address(), true);
            }
            return new TestChain(chain, admin, gateway, contract, config);
        } catch (Exception e) {
            chain.stop();
            throw e;
        }
    }

    public LedgerConfig config() {
        return config;
    }

    public LedgerClient client() {
        return LedgerClient.connect(config);
    }

    public void stopNode() {
        chain.stop();
    }

    public void restartNode() throws IOException {
        chain.start();
    }

    @Override
    public void close() {
        chain.stop();
    }
}
