package io.certigate.app.anchor;

import io.certigate.anchor.ledger.AnchorContract;
import io.certigate.anchor.ledger.LedgerAccount;
import io.certigate.anchor.ledger.LedgerAdmin;
import io.certigate.anchor.ledger.LedgerClient;
import io.certigate.anchor.ledger.LedgerConfig;
import io.certigate.signing.Passphrase;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Ledger account and contract administration for a real network (Besu QBFT) or the dev chain. */
final class LedgerAdminCommands {
    private LedgerAdminCommands() {}

    /** Options naming a node and the account that signs. */
    static final class Node {
        @Option(names = "--rpc", required = true, description = "JSON-RPC URL of a ledger node.")
        String rpc;

        @Option(names = "--chain-id", required = true, description = "EIP-155 chain id of the network.")
        long chainId;

        @Option(names = "--key", required = true, description = "Encrypted ledger account key file of the signer.")
        Path key;

        @Option(names = "--passphrase", required = true, description = "file:PATH or env:NAME holding its passphrase.")
        String passphrase;

        @Option(names = "--gas-price", description = "Legacy gas price in wei (0 on a free-gas network); default: EIP-1559 fees from the node.")
        BigInteger gasPrice;

        LedgerConfig config(String contract) {
            LedgerConfig c = LedgerConfig.of(rpc, chainId, contract == null ? "0x" + "0".repeat(40) : contract);
            return gasPrice == null ? c : c.withFees(LedgerConfig.FeeMode.LEGACY, gasPrice, BigInteger.ZERO);
        }

        LedgerAccount account() throws Exception {
            return LedgerAccount.open(key, Passphrase.resolve(passphrase));
        }
    }

    @Command(name = "account", mixinStandardHelpOptions = true,
            description = "Create the gateway's ledger account: an encrypted secp256k1 key file (0600); prints its address.")
    static final class Account implements Callable<Integer> {
        @Option(names = "--key", required = true, description = "Key file to create (never overwritten).")
        Path key;

        @Option(names = "--passphrase", required = true, description = "file:PATH or env:NAME holding its passphrase.")
        String passphrase;

        @Override
        public Integer call() throws Exception {
            System.out.println(LedgerAccount.create(key, Passphrase.resolve(passphrase)).address());
            return 0;
        }
    }

    @Command(name = "deploy", mixinStandardHelpOptions = true,
            description = "Deploy CertigateAnchor from the signing account (it becomes the contract's admin); prints its address.")
    static final class Deploy implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Node node;

        @Override
        public Integer call() throws Exception {
            try (LedgerClient c = LedgerClient.connect(node.config(null))) {
                c.checkChain();
                String address = new LedgerAdmin(c, node.account(), Duration.ofMinutes(2)).deploy();
                System.out.println(address);
                System.err.println("deployed CertigateAnchor (" + AnchorContract.compiledWith() + ")");
            }
            return 0;
        }
    }

    @Command(name = "allow", mixinStandardHelpOptions = true,
            description = "Allow (or with --revoke, disallow) an account to anchor; signed by the contract admin.")
    static final class Allow implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Node node;

        @Option(names = "--contract", required = true, description = "CertigateAnchor address.")
        String contract;

        @Option(names = "--account", required = true, description = "Gateway ledger account address.")
        String account;

        @Option(names = "--revoke", description = "Remove the account from the allowlist.")
        boolean revoke;

        @Override
        public Integer call() throws Exception {
            try (LedgerClient c = LedgerClient.connect(node.config(contract))) {
                c.checkChain();
                var r = new LedgerAdmin(c, node.account(), Duration.ofMinutes(2)).allowAnchorer(account, !revoke);
                System.out.println((revoke ? "revoked " : "allowed ") + account + " in block " + r.getBlockNumber());
            }
            return 0;
        }
    }
}
