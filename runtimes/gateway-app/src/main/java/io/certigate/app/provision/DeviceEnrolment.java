package io.certigate.app.provision;

import io.certigate.anchor.ledger.LedgerAccount;
import io.certigate.provisioning.device.KeyBackend;
import io.certigate.provisioning.enrol.EnrolmentAgent;
import io.certigate.provisioning.enrol.EnrolmentException;
import io.certigate.provisioning.enrol.ProvisioningState;
import io.certigate.provisioning.enrol.TestReadingSink;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.Csr;
import io.certigate.signing.Passphrase;
import io.certigate.signing.SigningException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

/**
 * The device side of provisioning as both {@code certigate enrol} and {@code certigate run} (in
 * provisioning mode) start it: the device's own ledger account ({@code ledger.key.json} in the
 * state directory, made if missing), then the enrolment agent on the given address.
 */
public final class DeviceEnrolment {
    /** The device's ledger account key file in its state directory. */
    public static final String LEDGER_KEY = "ledger.key.json";

    /**
     * What the device enrols as and where it listens.
     *
     * @param ledgerPassphrase    {@code file:PATH} or {@code env:NAME} of the ledger account's passphrase
     * @param ledgerPassphraseKey where that source was configured (a key, an option), named by its errors
     * @param trustRoot           the consortium root (PEM) an installed chain must validate up to
     */
    public record Settings(Csr.Identity identity, CoseAlgorithm algorithm, InetSocketAddress bind,
            String ledgerPassphrase, String ledgerPassphraseKey, Duration timeout, Path trustRoot) {}

    private DeviceEnrolment() {}

    /** An identity whose subject is written {@code vin:<VIN>}, {@code meter:<id>} or {@code site:<id>}. */
    public static Csr.Identity identity(String deviceId, String serial, String model, String subject, String what) {
        int colon = subject.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException(what + " must be vin:<VIN>, meter:<id> or site:<id>, not '" + subject + "'");
        }
        return new Csr.Identity(deviceId, serial, model, Csr.SubjectKind.parse(subject.substring(0, colon)),
                subject.substring(colon + 1));
    }

    /** {@code host:port} (IPv6 as {@code [::]:5684}); {@code what} names the option or key in errors. */
    public static InetSocketAddress address(String hostPort, String what) {
        int colon = hostPort.lastIndexOf(':');
        try {
            if (colon <= 0) {
                throw new NumberFormatException("no port");
            }
            String host = hostPort.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int port = Integer.parseInt(hostPort.substring(colon + 1));
            if (port < 0 || port > 65535) {
                throw new NumberFormatException("port out of range");
            }
            return new InetSocketAddress(host, port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " = '" + hostPort + "' is not host:port (" + e.getMessage() + ")");
        }
    }

    /** The device's ledger account path in {@code stateDir}. */
    public static Path ledgerKey(Path stateDir) {
        return stateDir.resolve(LEDGER_KEY);
    }

    /**
     * Opens (or makes) the device's ledger account and starts the enrolment agent; the caller closes
     * the agent. Refuses unless the state directory is in provisioning mode.
     */
    public static EnrolmentAgent start(ProvisioningState state, KeyBackend keys, Settings settings, TestReadingSink sink,
            ScheduledExecutorService executor, Consumer<String> console) throws EnrolmentException {
        return start(state, keys, settings, sink, executor, console, System.console() != null);
    }

    /**
     * As {@link #start(ProvisioningState, KeyBackend, Settings, TestReadingSink, ScheduledExecutorService, Consumer)};
     * the PSK label goes to {@code console} only when {@code onTerminal} (standard output is a terminal, not a
     * journal or a log file); otherwise the console says where the 0600 label file is.
     */
    static EnrolmentAgent start(ProvisioningState state, KeyBackend keys, Settings settings, TestReadingSink sink,
            ScheduledExecutorService executor, Consumer<String> console, boolean onTerminal) throws EnrolmentException {
        LedgerAccount account;
        try {
            account = LedgerAccount.openOrCreate(ledgerKey(state.dir()), Passphrase.resolve(settings.ledgerPassphraseKey(),
                    settings.ledgerPassphrase()));
        } catch (SigningException | java.io.IOException e) {
            throw new EnrolmentException("cannot open the device's ledger account " + ledgerKey(state.dir()) + ": "
                    + e.getMessage(), e);
        }
        X509Certificate root = EnrolmentAgent.readTrustRoot(settings.trustRoot());
        EnrolmentAgent agent = new EnrolmentAgent(state, keys, new EnrolmentAgent.Settings(settings.bind(),
                settings.identity(), settings.algorithm(), settings.timeout(), 20, account.address(), root), Clock.systemUTC(),
                new SecureRandom(), executor, console, sink);
        try {
            agent.start();
        } catch (EnrolmentException | RuntimeException e) {
            agent.close();
            throw e;
        }
        if (onTerminal) {
            try {
                console.accept(java.nio.file.Files.readString(state.labelFile()).strip());
            } catch (java.io.IOException e) {
                agent.close();
                throw new EnrolmentException("cannot read the PSK label " + state.labelFile() + ": " + e.getMessage(), e);
            }
        }
        console.accept("PSK label in " + state.labelFile() + " (0600, deleted once provisioned)"
                + (onTerminal ? "" : "; not shown here because standard output is not a terminal")
                + "; device ledger account " + account.address());
        return agent;
    }
}
