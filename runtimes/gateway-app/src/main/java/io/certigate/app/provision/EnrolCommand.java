package io.certigate.app.provision;

import io.certigate.core.spine.Spine;
import io.certigate.provisioning.enrol.EnrolmentAgent;
import io.certigate.provisioning.enrol.ProvisioningState;
import io.certigate.provisioning.enrol.SpineHandover;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.Csr;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code certigate enrol}: the device side on its own. While the device is in provisioning mode it
 * generates the key, shows a fresh PSK (console and label file) and serves the enrolment over
 * CoAP/DTLS until a technician has provisioned it; the test reading goes through a sequencer on the
 * device's buffer. {@code certigate run} does the same in provisioning mode and then carries on as
 * the gateway (io.certigate.app.run.ProvisioningMode).
 */
@Command(name = "enrol", mixinStandardHelpOptions = true,
        description = {"Run the device side of provisioning until a technician has provisioned the device.",
            "If the state directory is in provisioning mode (or with --enter-mode), it generates the device key, prints a"
                + " single-use PSK and waits for 'certigate provision' over CoAP/DTLS."})
public final class EnrolCommand implements Callable<Integer> {
    @Option(names = "--state-dir", required = true, description = "Device state directory (provisioning-mode marker, label, ledger.properties).")
    Path stateDir;

    @Option(names = "--key-name", defaultValue = "device", description = "PKCS#12 file name (in --state-dir) or token alias; a new name rotates the key, and the previous"
            + " key is deleted (file) or destroyed (token) once the new one is installed.")
    String keyName;

    @Option(names = "--alg", defaultValue = "ed25519", description = "ed25519 (default; PKCS#12) or es256.")
    String alg;

    @Option(names = "--bind", defaultValue = "0.0.0.0:5684", description = "host:port to listen on (default 0.0.0.0:5684).")
    String bind;

    @Option(names = "--buffer", description = "The device's buffer (SQLite) that the test reading is committed to (default: buffer.db in --state-dir).")
    Path buffer;

    @Option(names = "--ledger-passphrase", required = true, description = "file:PATH or env:NAME for the device's ledger key (made if missing).")
    String ledgerPassphrase;

    @Option(names = "--trust-root", required = true,
            description = "The consortium root certificate (PEM): the installed chain must validate up to it.")
    Path trustRoot;

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
        Csr.Identity id = identity.identity();
        ScheduledExecutorService ex = Executors.newSingleThreadScheduledExecutor();
        ExecutorService writer = Executors.newSingleThreadExecutor(r -> new Thread(r, "sequencer"));
        SpineHandover spine = SpineHandover.onBuffer(buffer != null ? buffer : stateDir.resolve("buffer.db"),
                id.deviceId(), Clock.systemUTC(), writer, timeout);
        try (EnrolmentAgent agent = DeviceEnrolment.start(state, keys.backend(stateDir, keyName),
                new DeviceEnrolment.Settings(id, CoseAlgorithm.parse(alg), DeviceEnrolment.address(bind, "--bind"),
                        ledgerPassphrase, "--ledger-passphrase", timeout, trustRoot), spine, ex, System.out::println)) {
            agent.provisioned().get();
            try (Spine s = spine.spine().get()) {
                System.out.println("test reading committed as seq " + s.buffer().head().seq() + " of "
                        + id.deviceId() + "'s chain in " + s.buffer().file());
            }
            return 0;
        } finally {
            ex.shutdownNow();
            writer.shutdownNow();
        }
    }
}
