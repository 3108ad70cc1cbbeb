package io.certigate.app.report;

import java.time.Instant;
import java.util.List;

/**
 * The devices whose keys signed the readings, and the trust inputs those keys were judged with.
 * Without any input ({@link #inputs()} empty) the keys were taken from the file itself, and the
 * passport says what that means.
 *
 * @param devices the signing keys, each with its certificate when one was given
 * @param inputs  the trust inputs used, in words ("consortium root CN=… (root.pem)", "device registry 0x… on chain 1337");
 *                empty when the keys came from the file itself
 * @param failures what the trust inputs refused, in words (an untrusted key, a key not active in the
 *                 registry when its records were anchored); empty when nothing was refused
 */
public record Trust(List<Device> devices, List<String> inputs, List<String> failures) {

    /**
     * One signing key of the device.
     *
     * @param keyId          the COSE key id (hex)
     * @param algorithm      the key's algorithm (Ed25519, EC)
     * @param subject        the certificate's subject, or null when the file carries no certificate for the key
     * @param issuer         the certificate's issuer, or null
     * @param notBefore      start of the certificate's validity, or null
     * @param notAfter       end of the certificate's validity, or null
     * @param chainStatus    whether the certificate chain was validated and to what, in words
     * @param registryStatus the key's status in the device registry (registered, superseded, revoked), or null when not read
     */
    public record Device(String keyId, String algorithm, String subject, String issuer, Instant notBefore, Instant notAfter,
            String chainStatus, String registryStatus) {}

    public Trust {
        devices = List.copyOf(devices);
        inputs = List.copyOf(inputs);
        failures = List.copyOf(failures);
    }

    /** Nothing refused. */
    public Trust(List<Device> devices, List<String> inputs) {
        this(devices, inputs, List.of());
    }

    /** Whether the keys were judged only by the file that carried them. */
    public boolean keysFromFile() {
        return inputs.isEmpty();
    }
}
