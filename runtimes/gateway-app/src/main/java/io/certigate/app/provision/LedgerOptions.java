package io.certigate.app.provision;

import io.certigate.anchor.ledger.LedgerAccount;
import io.certigate.anchor.ledger.LedgerConfig;
import io.certigate.signing.Passphrase;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The ledger node, the registry and the registrar account that signs registrations. */
final class LedgerOptions {
    @Option(names = "--rpc", required = true, description = "JSON-RPC URL of a ledger node.")
    String rpc;

    @Option(names = "--chain-id", required = true, description = "EIP-155 chain id.")
    long chainId;

    @Option(names = "--registry", required = true, description = "DeviceRegistry contract address.")
    String registry;

    @Option(names = "--registrar-key", required = true, description = "Encrypted ledger key file of the registrar.")
    Path registrarKey;

    @Option(names = "--registrar-passphrase", required = true, description = "file:PATH or env:NAME holding its passphrase.")
    String registrarPassphrase;

    LedgerConfig config() {
        return LedgerConfig.of(rpc, chainId, "0x" + "0".repeat(40)); // the registry is addressed by --registry
    }

    /** The files these options read (the registrar's key and passphrase files): an output may not be one of them. */
    java.util.List<Path> inputs() {
        java.util.List<Path> in = new java.util.ArrayList<>();
        in.add(registrarKey);
        if (registrarPassphrase != null && registrarPassphrase.startsWith("file:")) {
            in.add(Path.of(registrarPassphrase.substring("file:".length())));
        }
        return in;
    }

    LedgerAccount registrar() throws Exception {
        return LedgerAccount.open(registrarKey, Passphrase.resolve(registrarPassphrase));
    }
}
