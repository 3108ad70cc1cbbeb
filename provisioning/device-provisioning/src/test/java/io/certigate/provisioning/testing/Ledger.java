package io.certigate.provisioning.testing;

import io.certigate.anchor.ledger.AnchorContract;
import io.certigate.anchor.ledger.LedgerAccount;
import io.certigate.anchor.ledger.LedgerAdmin;
import io.certigate.anchor.ledger.LedgerClient;
import io.certigate.anchor.ledger.LedgerConfig;
import io.certigate.anchor.ledger.SignedTx;
import io.certigate.provisioning.registry.DeviceRegistryClient;
import io.certigate.verifier.ledger.AnchorAbi;
import io.certigate.testbed.chain.DevChain;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * A real anvil dev chain (anchor-client's DevChain, from the repository's node_modules) with the
 * anchor contract and the device registry deployed by the chain's first development account, which
 * is both the anchor admin and the registrar; the anchor contract is bound to the registry.
 * Fails, never skips, when the anvil binary is missing (npm ci).
 */
public final class Ledger implements AutoCloseable {
    public static final char[] PASSPHRASE = "test-ledger-passphrase".toCharArray();
    public static final Duration TIMEOUT = Duration.ofSeconds(30);
    public final DevChain chain;
    public final LedgerAccount registrar;
    public final LedgerConfig config;
    public final String registry;
    private final Path dir;

    private Ledger(Path dir, DevChain chain, LedgerAccount registrar, LedgerConfig config, String registry) {
        this.dir = dir;
        this.chain = chain;
        this.registrar = registrar;
        this.config = config;
        this.registry = registry;
    }

    public static Ledger start(Path dir) throws Exception {
        DevChain chain = new DevChain(DevChain.Options.defaults(DevChain.locateAnvil(), dir.resolve("chain"))).start();
        try {
            LedgerAccount admin = LedgerAccount.importKey(dir.resolve("registrar.key.json"), chain.adminKey(), PASSPHRASE, LedgerAccount.KeyFileCost.LIGHT);
            LedgerConfig base = LedgerConfig.of(chain.rpcUrl(), chain.chainId(), "0x" + "0".repeat(40));
            try (LedgerClient c = LedgerClient.connect(base)) {
                String anchor = new LedgerAdmin(c, admin, TIMEOUT).deploy();
                String registry = DeviceRegistryClient.deploy(c, admin, TIMEOUT);
                DeviceRegistryClient.bindAnchorContract(c, admin, anchor, registry, TIMEOUT);
                return new Ledger(dir, chain, admin, base.withContract(anchor), registry);
            }
        } catch (Exception e) {
            chain.stop();
            throw e;
        }
    }

    public LedgerClient client() {
        return LedgerClient.connect(config);
    }

    /** A new device ledger account (encrypted key file), funded by the registrar. */
    public LedgerAccount newAccount(String name) throws Exception {
        LedgerAccount a = LedgerAccount.create(dir.resolve(name + ".key.json"), PASSPHRASE, LedgerAccount.KeyFileCost.LIGHT);
        try (LedgerClient c = client()) {
            new LedgerAdmin(c, registrar, TIMEOUT).fund(a.address(), BigInteger.TEN.pow(19));
        }
        return a;
    }

    /** Sends an anchor transaction from {@code from}; returns its receipt (status may be a revert). */
    public TransactionReceipt anchor(LedgerAccount from, byte[] root, String deviceId) throws Exception {
        try (LedgerClient c = client()) {
            SignedTx tx = c.sign(from, c.nonce(from.address(), true), config.contract(), BigInteger.ZERO,
                    AnchorContract.encodeAnchor(root, AnchorAbi.deviceKey(deviceId), 1, 1), BigInteger.valueOf(300_000));
            c.broadcast(tx.raw());
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (System.nanoTime() < deadline) {
                Optional<TransactionReceipt> r = c.receipt(tx.hash());
                if (r.isPresent()) {
                    return r.get();
                }
                Thread.sleep(100);
            }
            throw new AssertionError("no receipt for anchor transaction " + tx.hash());
        }
    }

    @Override
    public void close() {
        chain.stop();
    }
}
