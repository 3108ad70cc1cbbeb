package io.certigate.kura.enrolment;

import io.certigate.core.config.ConfigValues;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.Csr;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
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

    /** @throws IllegalArgumentException naming the key and the bad value */
    public static EnrolmentOptions from(Map<String, ?> p) {
        ConfigValues v = new ConfigValues(EnrolmentComponent.PID, p);
        Path state = Path.of(v.required("enrol.state-dir"));
        Path keyStore = Path.of(v.required("enrol.key-store"));
        String pass = v.secretSource("enrol.key-passphrase", true);
        Path buffer = Path.of(v.required("buffer.file"));
        String algText = v.text("enrol.algorithm", "ed25519");
        CoseAlgorithm alg;
        try {
            alg = CoseAlgorithm.parse(algText);
        } catch (IllegalArgumentException e) {
            throw v.bad("enrol.algorithm", algText, "must be ed25519 or es256");
        }
        String bind = v.text("enrol.bind", "0.0.0.0:5684");
        int colon = bind.lastIndexOf(':');
        int port = -1;
        try {
            port = colon < 1 ? -1 : Integer.parseInt(bind.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65_535) {
            throw v.bad("enrol.bind", bind, "must be host:port");
        }
        long timeout = v.whole("enrol.timeout-s", 30, 1, 3600);
        long handshakes = v.whole("enrol.max-handshakes", 20, 1, 10_000);
        String kindText = v.required("enrol.subject-kind");
        Csr.SubjectKind kind;
        try {
            kind = Csr.SubjectKind.valueOf(kindText.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw v.bad("enrol.subject-kind", kindText, "must be vin, meter or site");
        }
        String deviceId = v.required("device.id");
        String serial = v.required("enrol.serial");
        String model = v.required("enrol.model");
        String subject = v.required("enrol.subject");
        Csr.Identity identity;
        try {
            identity = new Csr.Identity(deviceId, serial, model, kind, subject);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(EnrolmentComponent.PID + ": " + e.getMessage(), e);
        }
        Path trustRoot = Path.of(v.required("enrol.trust-root"));
        String accountKey = v.text("enrol.ledger-account-key", "");
        String accountPass = v.secretSource("enrol.ledger-account-pass", false);
        if (accountKey.isEmpty() != accountPass.isEmpty()) {
            throw new IllegalArgumentException(EnrolmentComponent.PID
                    + ": enrol.ledger-account-key and enrol.ledger-account-pass go together");
        }
        return new EnrolmentOptions(state, keyStore, pass, buffer, alg, bind.substring(0, colon), port, Duration.ofSeconds(timeout),
                (int) Math.min(handshakes, Integer.MAX_VALUE), identity, accountKey.isEmpty() ? null : Path.of(accountKey),
                accountPass, trustRoot);
    }

    public InetSocketAddress bind() {
        return new InetSocketAddress(bindHost, bindPort);
    }
}
