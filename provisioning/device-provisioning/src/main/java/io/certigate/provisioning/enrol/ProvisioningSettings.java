package io.certigate.provisioning.enrol;

import io.certigate.core.config.Setting;
import io.certigate.core.config.Setting.Scope;
import io.certigate.core.config.Setting.Type;
import io.certigate.core.spine.SpineSettings;
import java.util.List;

/**
 * The enrolment agent's settings ({@code provisioning.*}), defined once for {@code certigate run}'s
 * provisioning mode and the Kura enrolment component. The Kura component's former ids
 * ({@code enrol.state-dir}, {@code enrol.bind}, ...) are read as former keys; its former pair
 * {@code enrol.subject-kind} + {@code enrol.subject} is the one value {@code provisioning.subject}
 * ({@code vin:<VIN>}).
 */
public final class ProvisioningSettings {
    private ProvisioningSettings() {}

    public static final Setting MODE = Setting.choice("provisioning.mode", "off", List.of("auto", "off"),
            "auto: a device without an installed certificate chain waits to be provisioned first").only(Scope.STANDALONE);
    public static final Setting STATE_DIR = Setting.of("provisioning.state-dir", Type.PATH, null,
            "device state: provisioning-mode marker, PSK label, technician's ledger settings; absent: buffer.file's"
                    + " directory (required in Kura)").formerly("enrol.state-dir");
    public static final Setting LISTEN = Setting.of("provisioning.listen", Type.TEXT, "0.0.0.0:5684",
            "host:port of the CoAP/DTLS enrolment endpoint").formerly("enrol.bind");
    public static final Setting SERIAL = Setting.of("provisioning.serial", Type.TEXT, null,
            "serial number written into the CSR; required").formerly("enrol.serial");
    public static final Setting MODEL = Setting.of("provisioning.model", Type.TEXT, null,
            "model written into the CSR; required").formerly("enrol.model");
    public static final Setting SUBJECT = Setting.of("provisioning.subject", Type.TEXT, null,
            "what the device certifies: vin:<VIN>, meter:<id> or site:<id>; required");
    public static final Setting ALGORITHM = Setting.choice("provisioning.algorithm", "ed25519", List.of("ed25519", "es256"),
            "algorithm of a key generated in provisioning mode (es256 on a token without Ed25519)").formerly("enrol.algorithm");
    public static final Setting LEDGER_PASSPHRASE = Setting.of("provisioning.ledger-passphrase", Type.SECRET_SOURCE, null,
            "passphrase of the device's own ledger account (made at first start); required with auto")
            .formerly("enrol.ledger-account-pass");
    public static final Setting LEDGER_ACCOUNT_KEY = Setting.of("provisioning.ledger-account-key", Type.PATH, null,
            "the device's ledger account key file (made if missing), whose address the technician registers; absent: none"
                    + " (run: ledger.key.json in the state directory)").only(Scope.KURA)
            .formerly("enrol.ledger-account-key");
    /** DTLS handshake, exchange and test-reading commit bound. */
    public static final Setting TIMEOUT_S = Setting.whole("provisioning.timeout-s", 30, 1, 3600, "s",
            "DTLS handshake, exchange and test-reading commit bound").formerly("enrol.timeout-s");
    public static final Setting MAX_HANDSHAKES = Setting.whole("provisioning.max-handshakes", 20, 1, 10_000, "handshakes",
            "failed handshakes in a row after which a peer address is refused for a while (doubling, at most an hour);"
                    + " other peers and the PSK are unaffected").only(Scope.KURA).formerly("enrol.max-handshakes");
    /** The consortium root an installed chain must validate up to (PKIX) and name this device. */
    public static final Setting TRUST_ROOT = Setting.of("provisioning.trust-root", Type.PATH, null,
            "the consortium root certificate (PEM file): an installed chain must validate up to it and name this device,"
                    + " or it is refused; required with auto (required in Kura)");

    /** The spine's key settings, as the Kura enrolment component reads them (formerly its own ids). */
    public static final Setting KEY_STORE = SpineSettings.KEY_STORE.formerly("enrol.key-store");
    public static final Setting KEY_PASSPHRASE = SpineSettings.KEY_PASSPHRASE.formerly("enrol.key-passphrase");

    /** The {@code provisioning.*} keys. */
    public static final List<Setting> ALL = List.of(MODE, STATE_DIR, LISTEN, SERIAL, MODEL, SUBJECT, ALGORITHM, LEDGER_PASSPHRASE,
            LEDGER_ACCOUNT_KEY, TIMEOUT_S, MAX_HANDSHAKES, TRUST_ROOT);
    /** What the Kura enrolment component reads: the provisioning keys and the spine's device, key and buffer. */
    public static final List<Setting> KURA = List.of(STATE_DIR, LISTEN, SERIAL, MODEL, SUBJECT, ALGORITHM, LEDGER_PASSPHRASE,
            LEDGER_ACCOUNT_KEY, TIMEOUT_S, MAX_HANDSHAKES, TRUST_ROOT, KEY_STORE, KEY_PASSPHRASE, SpineSettings.DEVICE_ID,
            SpineSettings.BUFFER_FILE);
}
