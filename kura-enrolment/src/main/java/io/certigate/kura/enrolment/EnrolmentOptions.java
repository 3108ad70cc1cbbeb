package io.certigate.kura.enrolment;

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
        String ledgerAccountPass) {

    /** @throws IllegalArgumentException naming the key and the bad value */
    public static EnrolmentOptions from(Map<String, ?> p) {
        Path state = Path.of(required(p, "enrol.state-dir"));
        Path keyStore = Path.of(required(p, "enrol.key-store"));
        String pass = source(p, "enrol.key-passphrase", true);
        Path buffer = Path.of(required(p, "buffer.file"));
        String algText = text(p, "enrol.algorithm", "ed25519");
        CoseAlgorithm alg;
        try {
            alg = CoseAlgorithm.parse(algText);
        } catch (IllegalArgumentException e) {
            throw bad("enrol.algorithm", algText, "must be ed25519 or es256");
        }
        String bind = text(p, "enrol.bind", "0.0.0.0:5684");
        int colon = bind.lastIndexOf(':');
        int port = -1;
        try {
            port = colon < 1 ? -1 : Integer.parseInt(bind.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65_535) {
            throw bad("enrol.bind", bind, "must be host:port");
        }
        long timeout = whole(p, "enrol.timeout-s", 30, 1);
        long handshakes = whole(p, "enrol.max-handshakes", 20, 1);
        String kindText = required(p, "enrol.subject-kind");
        Csr.SubjectKind kind;
        try {
            kind = Csr.SubjectKind.valueOf(kindText.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw bad("enrol.subject-kind", kindText, "must be vin, meter or site");
        }
        Csr.Identity identity;
        try {
            identity = new Csr.Identity(required(p, "device.id"), required(p, "enrol.serial"), required(p, "enrol.model"), kind,
                    required(p, "enrol.subject"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(EnrolmentComponent.PID + ": " + e.getMessage(), e);
        }
        String accountKey = text(p, "enrol.ledger-account-key", "");
        String accountPass = source(p, "enrol.ledger-account-pass", false);
        if (accountKey.isEmpty() != accountPass.isEmpty()) {
            throw new IllegalArgumentException(EnrolmentComponent.PID
                    + ": enrol.ledger-account-key and enrol.ledger-account-pass go together");
        }
        return new EnrolmentOptions(state, keyStore, pass, buffer, alg, bind.substring(0, colon), port, Duration.ofSeconds(timeout),
                (int) Math.min(handshakes, Integer.MAX_VALUE), identity, accountKey.isEmpty() ? null : Path.of(accountKey),
                accountPass);
    }

    public InetSocketAddress bind() {
        return new InetSocketAddress(bindHost, bindPort);
    }

    private static String text(Map<String, ?> p, String key, String dflt) {
        Object v = p.get(key);
        String s = v == null ? "" : v.toString().trim();
        return s.isEmpty() ? dflt : s;
    }

    private static String required(Map<String, ?> p, String key) {
        String v = text(p, key, "");
        if (v.isEmpty()) {
            throw new IllegalArgumentException(EnrolmentComponent.PID + ": " + key + " is required");
        }
        return v;
    }

    private static String source(Map<String, ?> p, String key, boolean required) {
        String v = required ? required(p, key) : text(p, key, "");
        if (!v.isEmpty() && !v.startsWith("file:") && !v.startsWith("env:")) {
            throw new IllegalArgumentException(EnrolmentComponent.PID + ": " + key
                    + " must be file:PATH or env:NAME (the passphrase itself is never put in the configuration)");
        }
        return v;
    }

    private static long whole(Map<String, ?> p, String key, long dflt, long min) {
        String v = text(p, key, "");
        if (v.isEmpty()) {
            return dflt;
        }
        try {
            long n = Long.parseLong(v);
            if (n >= min) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw bad(key, v, "must be a whole number >= " + min);
    }

    private static IllegalArgumentException bad(String key, String value, String why) {
        return new IllegalArgumentException(EnrolmentComponent.PID + ": " + key + " = '" + value + "' " + why);
    }
}
