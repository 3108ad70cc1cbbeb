package io.certigate.app.provision;

import io.certigate.anchor.ledger.LedgerAccount;
import io.certigate.provisioning.enrol.EnrolmentAgent;
import io.certigate.provisioning.enrol.ProvisioningState;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.Passphrase;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code certigate enrol}: the device side. While the device is in provisioning mode it generates
 * the key, shows a fresh PSK (console and label file) and serves the enrolment over CoAP/DTLS until
 * a technician has provisioned it.
 */
@Command(name = "enrol", mixinStandardHelpOptions = true,
        description = {"Device side of provisioning: if the state directory is in provisioning mode (or --enter-mode),",
            "generate the device key, print a single-use PSK and wait for 'certigate provision' over CoAP/DTLS."})
public final class EnrolCommand implements Callable<Integer> {
    @Option(names = "--state-dir", required = true, description = "Device state directory (provisioning-mode marker, label, ledger.properties).")
    Path stateDir;

    @Option(names = "--key-name", defaultValue = "device", description = "PKCS#12 file name (in --state-dir) or token alias; a new name rotates the key.")
    String keyName;

    @Option(names = "--alg", defaultValue = "ed25519", description = "ed25519 (default; PKCS#12) or es256.")
    String alg;

    @Option(names = "--bind", defaultValue = "0.0.0.0:5684", description = "host:port to listen on (default 0.0.0.0:5684).")
    String bind;

    @Option(names = "--ledger-passphrase", required = true, description = "file:PATH or env:NAME for the device's ledger key (made if missing).")
    String ledgerPassphrase;

    @Option(names = "--enter-mode", description = "Put the device into provisioning mode first (factory reset, key rotation).")
    boolean enter;

    @Option(names = "--timeout", defaultValue = "30s", converter = io.certigate.app.DurationConverter.class,
            description = "DTLS handshake and exchange timeout (default 30s).")
    Duration timeout;

    @Mixin
    Identities identity;

    @Mixin
    KeyOptions keys;

    @Override
    public Integer call() throws Exception {
        ProvisioningState state = new ProvisioningState(stateDir);
        if (enter) {
            state.enter();
        }
        LedgerAccount account = LedgerAccount.openOrCreate(stateDir.resolve("ledger.key.json"),
                Passphrase.resolve(ledgerPassphrase));
        int colon = bind.lastIndexOf(':');
        InetSocketAddress address = new InetSocketAddress(bind.substring(0, colon), Integer.parseInt(bind.substring(colon + 1)));
        ScheduledExecutorService ex = Executors.newSingleThreadScheduledExecutor();
        try (EnrolmentAgent agent = new EnrolmentAgent(state, keys.backend(stateDir, keyName), new EnrolmentAgent.Settings(
                address, identity.identity(), CoseAlgorithm.parse(alg), timeout, 20, account.address()),
                Clock.systemUTC(), new SecureRandom(), ex, System.out::println)) {
            agent.start();
            System.out.println("PSK label also in " + state.labelFile() + " (deleted once provisioned)");
            agent.provisioned().get();
            return 0;
        } finally {
            ex.shutdownNow();
        }
    }
}
