package io.certigate.kura.enrolment;

import io.certigate.core.config.ConfigValues;
import io.certigate.core.spine.SpineSettings;
import io.certigate.provisioning.enrol.ProvisioningSettings;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.Csr;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The enrolment agent's options, validated once from a ConfigAdmin property map; equal
 * configurations give equal options. Passphrases are kept as their sources ({@code file:} or
 * {@code env:}) and read when the agent starts.
 */
public record EnrolmentOptions(Path stateDir, Path keyStore, String keyPassphrase, Path bufferFile, CoseAlgorithm algorithm, String bindHost,
        int bindPort, Duration timeout, int maxHandshakes, Csr.Identity identity, Path ledgerAccountKey,
        String ledgerAccountPass, Path trustRoot) {
    private static final System.Logger LOG = System.getLogger(EnrolmentOptions.class.getName());


    /**
     * Reads the keys of {@link ProvisioningSettings#KURA}; a former id ({@code enrol.*}) is read when
     * its key is absent, with a warning naming the key.
     *
     * @throws IllegalArgumentException naming the key and the bad value
     */
    public static EnrolmentOptions from(Map<String, ?> properties) {
        ConfigValues v = ConfigValues.withFormerKeys(EnrolmentComponent.PID, formerSubject(properties), ProvisioningSettings.KURA);
        Path state = Path.of(v.required(ProvisioningSettings.STATE_DIR.key()));
        Path keyStore = Path.of(v.required(ProvisioningSettings.KEY_STORE.key()));
        String pass = v.secretSource(ProvisioningSettings.KEY_PASSPHRASE.key(), true);
        Path buffer = Path.of(v.required(SpineSettings.BUFFER_FILE.key()));
        CoseAlgorithm alg = CoseAlgorithm.parse(v.choice(ProvisioningSettings.ALGORITHM));
        String bind = v.text(ProvisioningSettings.LISTEN);
        int colon = bind.lastIndexOf(':');
        int port = -1;
        try {
            port = colon < 1 ? -1 : Integer.parseInt(bind.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65_535) {
            throw v.bad(ProvisioningSettings.LISTEN.key(), bind, "must be host:port");
        }
        long timeout = v.whole(ProvisioningSettings.TIMEOUT_S);
        int handshakes = v.wholeInt(ProvisioningSettings.MAX_HANDSHAKES);
        String subject = v.required(ProvisioningSettings.SUBJECT.key());
        int sep = subject.indexOf(':');
        Csr.SubjectKind kind;
        try {
            kind = Csr.SubjectKind.valueOf(subject.substring(0, Math.max(sep, 0)).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw v.bad(ProvisioningSettings.SUBJECT.key(), subject, "must be vin:<VIN>, meter:<id> or site:<id>");
        }
        Csr.Identity identity;
        try {
            identity = new Csr.Identity(v.required(SpineSettings.DEVICE_ID.key()), v.required(ProvisioningSettings.SERIAL.key()),
                    v.required(ProvisioningSettings.MODEL.key()), kind, subject.substring(sep + 1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(EnrolmentComponent.PID + ": " + e.getMessage(), e);
        }
        Path trustRoot = Path.of(v.required(ProvisioningSettings.TRUST_ROOT.key()));
        String accountKey = v.text(ProvisioningSettings.LEDGER_ACCOUNT_KEY);
        String accountPass = v.secretSource(ProvisioningSettings.LEDGER_PASSPHRASE.key(), false);
        if (accountKey.isEmpty() != accountPass.isEmpty()) {
            throw new IllegalArgumentException(EnrolmentComponent.PID + ": " + ProvisioningSettings.LEDGER_ACCOUNT_KEY.key()
                    + " and " + ProvisioningSettings.LEDGER_PASSPHRASE.key() + " go together");
        }
        return new EnrolmentOptions(state, keyStore, pass, buffer, alg, bind.substring(0, colon), port, Duration.ofSeconds(timeout),
                handshakes, identity, accountKey.isEmpty() ? null : Path.of(accountKey), accountPass, trustRoot);
    }

    /**
     * The former pair {@code enrol.subject-kind} + {@code enrol.subject} as the one value
     * {@code provisioning.subject = kind:subject}, when that key is absent (with a warning).
     */
    static Map<String, ?> formerSubject(Map<String, ?> p) {
        Object kind = p.get("enrol.subject-kind");
        Object subject = p.get("enrol.subject");
        if (kind == null || subject == null || p.get(ProvisioningSettings.SUBJECT.key()) != null) {
            return p;
        }
        Map<String, Object> m = new HashMap<>(p);
        m.remove("enrol.subject-kind");
        m.remove("enrol.subject");
        m.put(ProvisioningSettings.SUBJECT.key(), kind.toString().trim().toLowerCase(Locale.ROOT) + ":" + subject.toString().trim());
        LOG.log(System.Logger.Level.WARNING, EnrolmentComponent.PID + ": enrol.subject-kind and enrol.subject are the former"
                + " names of " + ProvisioningSettings.SUBJECT.key() + " (kind:subject): read as such; rename them");
        return m;
    }

    public InetSocketAddress bind() {
        return new InetSocketAddress(bindHost, bindPort);
    }
}
