package io.certigate.app.run;

import io.certigate.anchor.ledger.LedgerConfig;
import io.certigate.anchor.ledger.LedgerSettings;
import io.certigate.app.provision.DeviceEnrolment;
import io.certigate.core.buffer.BufferException;
import io.certigate.core.spine.KeySource;
import io.certigate.core.spine.Spine;
import io.certigate.provisioning.device.KeyBackend;
import io.certigate.provisioning.enrol.EnrolmentAgent;
import io.certigate.provisioning.enrol.EnrolmentException;
import io.certigate.provisioning.enrol.ProvisioningState;
import io.certigate.provisioning.enrol.SpineHandover;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.DeviceKey;
import io.certigate.signing.Passphrase;
import io.certigate.signing.Pkcs11DeviceKey;
import io.certigate.signing.SigningException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Provisioning mode of {@code certigate run}: the on-device enrolment agent inside the runtime.
 * With {@code provisioning.mode = auto}, a device that holds no installed certificate chain yet (no
 * key, a key with only its self-signed certificate, or the state directory's
 * {@code provisioning-mode} marker left by an unfinished enrolment) generates its key in the
 * configured backend ({@code key.*}; the private key never leaves it), shows a fresh single-use
 * PSK and serves the enrolment over CoAP/DTLS. When the technician installs the chain, the device
 * stores the ledger settings (as the anchoring settings of {@code anchor.ledger}, if configured),
 * opens its spine on the installed key, commits the test reading through the sequencer, leaves
 * provisioning mode, invalidates the PSK, and the same process carries on as the gateway on that
 * spine: no restart. Keys:
 * <pre>
 * provisioning.mode               auto | off                                        (off)
 * provisioning.state-dir          state directory: marker, PSK label, ledger key    (buffer.file's directory)
 * provisioning.listen             host:port of the CoAP/DTLS enrolment endpoint     (0.0.0.0:5684)
 * provisioning.serial             serial number                                     (required when auto)
 * provisioning.model              model                                             (required when auto)
 * provisioning.subject            vin:VIN, meter:ID or site:ID                      (required when auto)
 * provisioning.algorithm          ed25519 | es256 of a new key                      (ed25519)
 * provisioning.ledger-passphrase  file:PATH or env:NAME of the device's ledger key  (required when auto)
 * provisioning.timeout-s          DTLS handshake, exchange and commit bound, s      (30)
 * </pre>
 */
public final class ProvisioningMode {
    private static final String OFF = "off";
    private static final String AUTO = "auto";

    private final RunConfig cfg;
    private final String origin;
    private final boolean auto;
    private final Path stateDir;
    private final DeviceEnrolment.Settings settings;
    private final Path anchorLedger;
    private volatile Duration keyLoad;

    private ProvisioningMode(RunConfig cfg, String origin, boolean auto, Path stateDir, DeviceEnrolment.Settings settings,
            Path anchorLedger) {
        this.cfg = cfg;
        this.origin = origin;
        this.auto = auto;
        this.stateDir = stateDir;
        this.settings = settings;
        this.anchorLedger = anchorLedger;
    }

    /** Reads and checks the {@code provisioning.*} keys of {@code cfg}. */
    public static ProvisioningMode parse(RunConfig cfg, String origin) throws RunConfig.ConfigException {
        RunConfig.Values v = new RunConfig.Values(cfg.raw(), origin);
        String mode = v.get("provisioning.mode", OFF);
        if (!mode.equals(OFF) && !mode.equals(AUTO)) {
            throw new RunConfig.ConfigException(origin + ": provisioning.mode = '" + mode + "' is not auto or off");
        }
        if (mode.equals(OFF)) {
            return new ProvisioningMode(cfg, origin, false, null, null, null);
        }
        Path bufferDir = cfg.bufferFile().toAbsolutePath().getParent();
        Path stateDir = Path.of(v.get("provisioning.state-dir", bufferDir.toString())).toAbsolutePath();
        String ledger = v.get("anchor.ledger", "");
        Path anchorLedger = ledger.isEmpty() ? null : Path.of(ledger).toAbsolutePath();
        if (stateDir.resolve("ledger.properties").equals(anchorLedger)) {
            throw new RunConfig.ConfigException(origin + ": anchor.ledger = '" + ledger + "' is where provisioning keeps"
                    + " the technician's ledger settings; name another file");
        }
        DeviceEnrolment.Settings settings;
        try {
            settings = new DeviceEnrolment.Settings(
                    DeviceEnrolment.identity(cfg.deviceId(), v.required("provisioning.serial"),
                            v.required("provisioning.model"), v.required("provisioning.subject"), "provisioning.subject"),
                    CoseAlgorithm.parse(v.get("provisioning.algorithm", "ed25519")),
                    DeviceEnrolment.address(v.get("provisioning.listen", "0.0.0.0:5684"), "provisioning.listen"),
                    v.required("provisioning.ledger-passphrase"), "provisioning.ledger-passphrase",
                    Duration.ofSeconds(v.whole(io.certigate.provisioning.enrol.ProvisioningSettings.TIMEOUT_S)),
                    Path.of(v.required(io.certigate.provisioning.enrol.ProvisioningSettings.TRUST_ROOT.key())));
        } catch (IllegalArgumentException e) {
            throw new RunConfig.ConfigException(origin + ": " + e.getMessage());
        }
        return new ProvisioningMode(cfg, origin, true, stateDir, settings, anchorLedger);
    }

    /**
     * Opens the run's spine: at once on a provisioned device (or with provisioning off); otherwise
     * after the technician has provisioned it, on the installed key. Returns null when {@code stop}
     * came first (the PSK is then invalidated and nothing was installed).
     */
    public Spine openSpine(Clock clock, ExecutorService writer, ScheduledExecutorService scheduler, CountDownLatch stop,
            PrintStream out) throws EnrolmentException, BufferException, SigningException, IOException,
            InterruptedException {
        KeyBackend backend = auto ? backend(cfg.key()) : null;
        ProvisioningState state = auto ? new ProvisioningState(stateDir) : null;
        if (!auto || !needed(backend, state)) {
            long started = System.nanoTime();
            DeviceKey key = cfg.key().open();
            keyLoad = Duration.ofNanos(System.nanoTime() - started);
            return Spine.open(key, cfg.bufferFile(), cfg.bufferOptions(), cfg.sequencerOptions(), clock, writer);
        }
        state.enter(); // kept until the chain, ledger settings and test reading are all in: a crash resumes here
        SpineHandover handover = new SpineHandover((key, ledger) -> {
            storeAnchoring(ledger);
            return Spine.open(key, cfg.bufferFile(), cfg.bufferOptions(), cfg.sequencerOptions(), clock, writer);
        }, settings.timeout());
        EnrolmentAgent agent = DeviceEnrolment.start(state, backend, settings, handover, scheduler,
                s -> out.println("certigate run: " + s));
        boolean handedOver = false;
        try {
            while (!handover.spine().isDone()) {
                if (stop.await(200, TimeUnit.MILLISECONDS)) {
                    out.println("certigate run: stopped in provisioning mode; the PSK is invalidated");
                    return null;
                }
            }
            Spine spine = handover.spine().join();
            try {
                agent.provisioned().get(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                spine.close();
                throw new EnrolmentException("provisioning did not complete: " + e.getMessage(), e);
            }
            handedOver = true; // the agent closes itself once its answer is out
            out.println("certigate run: provisioned with " + spine.key().describe() + "; provisioning mode left,"
                    + " carrying on as the gateway");
            return spine;
        } finally {
            if (!handedOver) {
                agent.close();
            }
        }
    }

    /** How long opening the device key took at start-up; null when the key was made by provisioning. */
    public Duration keyLoad() {
        return keyLoad;
    }

    /** Whether the device still needs provisioning: marker left, no key, or a key without an issued chain. */
    static boolean needed(KeyBackend backend, ProvisioningState state) throws SigningException {
        if (state.inProvisioningMode() || !backend.exists()) {
            return true;
        }
        X509Certificate leaf = backend.open().certificateChain().get(0);
        return leaf.getIssuerX500Principal().equals(leaf.getSubjectX500Principal()); // self-signed: not yet issued
    }

    /** The run's key source as a backend that can generate the key and install its chain. */
    static KeyBackend backend(KeySource key) throws SigningException {
        if (key instanceof KeySource.Pkcs12 p) {
            return new KeyBackend.Pkcs12(p.file(), Passphrase.resolve("key.passphrase", p.passphrase()));
        }
        KeySource.Pkcs11 t = (KeySource.Pkcs11) key;
        return new KeyBackend.Pkcs11(new Pkcs11DeviceKey.TokenConfig(t.library(), t.slot(), t.alias()),
                Passphrase.resolve("key.pkcs11.pin", t.pin()));
    }

    /**
     * Turns the technician's ledger settings ({@code rpc}, {@code chain-id}, {@code anchor-contract})
     * into the anchoring settings file {@code anchor.ledger}, signed by the device's own ledger
     * account. Without {@code anchor.ledger} anchoring stays off.
     */
    private void storeAnchoring(Map<String, String> ledger) throws EnrolmentException, IOException {
        if (anchorLedger == null) {
            return;
        }
        for (String k : List.of("rpc", "chain-id", "anchor-contract")) {
            if (ledger.get(k) == null || ledger.get(k).isBlank()) {
                throw new EnrolmentException("the ledger settings lack '" + k + "', which anchoring needs ("
                        + origin + " sets anchor.ledger); provision with --anchor-contract");
            }
        }
        LedgerConfig config;
        try {
            config = LedgerConfig.of(ledger.get("rpc"), Long.parseLong(ledger.get("chain-id").trim()),
                    ledger.get("anchor-contract"));
        } catch (IllegalArgumentException e) {
            throw new EnrolmentException("unusable ledger settings " + ledger + ": " + e.getMessage(), e);
        }
        String pass = settings.ledgerPassphrase();
        if (pass.startsWith("file:")) { // LedgerSettings reads a relative path from its own directory
            pass = "file:" + Path.of(pass.substring(5)).toAbsolutePath();
        }
        java.nio.file.Files.createDirectories(anchorLedger.getParent());
        new LedgerSettings(config, DeviceEnrolment.ledgerKey(stateDir), pass).save(anchorLedger);
    }
}
