package io.certigate.app.demo;

import io.certigate.anchor.ledger.LedgerAccount;
import io.certigate.anchor.ledger.LedgerAdmin;
import io.certigate.anchor.ledger.LedgerClient;
import io.certigate.anchor.ledger.LedgerConfig;
import io.certigate.anchor.ledger.LedgerSettings;
import io.certigate.signing.Passphrase;
import io.certigate.verifier.ledger.LedgerException;
import io.certigate.testbed.chain.DevChain;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A ready-to-use local ledger for the demo, the bench and the CLI: a {@link DevChain} (anvil) started
 * in {@code dir/chain}, the contract deployed by the chain's development admin, a new gateway ledger
 * account (encrypted key file + passphrase file, both 0600) funded and allowed to anchor, and a
 * {@code ledger.properties} describing it all. The chain saves itself at every block, so a folder
 * started again (after a stop, a kill -9 of anvil or of this process) comes back with its blocks
 * and the same contract.
 */
public final class DevLedger implements AutoCloseable {
    private final DevChain chain;
    private final LedgerSettings settings;
    private final LedgerAccount account;
    private final LedgerAccount admin;

    private DevLedger(DevChain chain, LedgerSettings settings, LedgerAccount account, LedgerAccount admin) {
        this.chain = chain;
        this.settings = settings;
        this.account = account;
        this.admin = admin;
    }

    public static DevLedger start(Path dir) throws IOException, LedgerException, InterruptedException {
        return start(dir, 0);
    }

    /**
     * Starts the dev chain in {@code dir/chain}. A folder that already holds a dev ledger (its
     * {@code ledger.properties} naming a contract the chain still holds) comes back as it was: the
     * same port (unless {@code port} says otherwise), chain, contract and gateway account, nothing
     * deployed again. Otherwise the contract is deployed and the gateway account funded and allowed.
     *
     * @param port the loopback port of the chain's JSON-RPC; 0 takes the one of the folder's
     *             {@code ledger.properties}, or a free one
     */
    public static DevLedger start(Path dir, int port) throws IOException, LedgerException, InterruptedException {
        Files.createDirectories(dir);
        Path props = dir.resolve("ledger.properties");
        LedgerSettings saved = Files.isRegularFile(props) ? LedgerSettings.load(props) : null;
        if (port == 0 && saved != null) {
            port = URI.create(saved.config().rpcUrl()).getPort();
        }
        DevChain chain = new DevChain(DevChain.Options.defaults(DevChain.locateAnvil(), dir.resolve("chain"))
                .withPort(port)).start();
        try {
            char[] adminPass = Passphrase.createOrRead(dir.resolve("dev-admin.pass"));
            Path adminFile = dir.resolve("dev-admin.json");
            LedgerAccount admin = Files.exists(adminFile) ? LedgerAccount.open(adminFile, adminPass)
                    : LedgerAccount.importKey(adminFile, chain.adminKey(), adminPass,
                            LedgerAccount.KeyFileCost.LIGHT);
            Path passFile = dir.resolve("ledger-account.pass");
            LedgerAccount account = LedgerAccount.openOrCreate(dir.resolve("ledger-account.json"), Passphrase.createOrRead(passFile),
                    LedgerAccount.KeyFileCost.LIGHT);
            LedgerConfig base = LedgerConfig.of(chain.rpcUrl(), chain.chainId(), "0x" + "0".repeat(40));
            if (saved != null && saved.config().chainId() == chain.chainId()) {
                LedgerConfig kept = base.withContract(saved.config().contract());
                try (LedgerClient c = LedgerClient.connect(kept)) {
                    if (c.hasCode(kept.contract())) {
                        LedgerSettings settings = new LedgerSettings(kept, dir.resolve("ledger-account.json"), "file:" + passFile);
                        settings.save(props);
                        return new DevLedger(chain, settings, account, admin);
                    }
                }
                System.getLogger(DevLedger.class.getName()).log(System.Logger.Level.WARNING, "the dev chain in " + dir
                        + " no longer holds contract " + kept.contract() + ": deploying it again on a new chain");
            }
            String contract;
            try (LedgerClient c = LedgerClient.connect(base)) {
                contract = new LedgerAdmin(c, admin, Duration.ofSeconds(30)).deploy();
            }
            LedgerConfig config = base.withContract(contract);
            try (LedgerClient c = LedgerClient.connect(config)) {
                LedgerAdmin a = new LedgerAdmin(c, admin, Duration.ofSeconds(30));
                a.fund(account.address(), BigInteger.TEN.pow(20));
                a.allowAnchorer(account.address(), true);
            }
            LedgerSettings settings = new LedgerSettings(config, dir.resolve("ledger-account.json"), "file:" + passFile);
            settings.save(props);
            return new DevLedger(chain, settings, account, admin);
        } catch (IOException | LedgerException | InterruptedException | RuntimeException e) {
            chain.stop();
            throw e;
        }
    }

    public DevChain chain() {
        return chain;
    }

    public LedgerSettings settings() {
        return settings;
    }

    public LedgerConfig config() {
        return settings.config();
    }

    /** The gateway's ledger account (not the dev admin). */
    public LedgerAccount account() {
        return account;
    }

    /** The chain's development admin: it deployed the contract and administers it. */
    public LedgerAccount admin() {
        return admin;
    }

    @Override
    public void close() {
        chain.stop();
    }
}
