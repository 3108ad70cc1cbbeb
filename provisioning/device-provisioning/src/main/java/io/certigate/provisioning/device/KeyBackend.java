package io.certigate.provisioning.device;

import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.DeviceKey;
import io.certigate.signing.Pkcs11DeviceKey;
import io.certigate.signing.Pkcs12KeyStore;
import io.certigate.signing.SigningException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;

/**
 * Where a key is generated and kept: a PKCS#12 file or a PKCS#11 token. The private key is created
 * inside the backend and never leaves it; only the issued certificate chain is written back. A key
 * replaced by a rotation is retired: its file deleted, its token objects destroyed.
 */
public sealed interface KeyBackend {
    /** The secret that opens the backend: the PKCS#12 passphrase or the token PIN. */
    char[] secret();

    /** Where the key lives, without any secret, as the device's provisioning state records it. */
    Map<String, String> location();

    /**
     * Takes the key out of use for good, after a rotation replaced it: deletes the PKCS#12 file, or
     * destroys the key's objects on the token. Returns what was done, in words.
     */
    String retire() throws SigningException;

    /** The backend at a {@link #location()} recorded earlier, opened with {@code secret}. */
    static KeyBackend at(Map<String, String> location, char[] secret) {
        String kind = location.getOrDefault("kind", "");
        try {
            return switch (kind) {
                case "pkcs12" -> new Pkcs12(Path.of(location.get("file")), secret);
                case "pkcs11" -> new Pkcs11(new Pkcs11DeviceKey.TokenConfig(Path.of(location.get("library")),
                        Long.parseLong(location.get("slot")), location.get("alias")), secret);
                default -> throw new IllegalArgumentException("unknown key backend kind '" + kind + "'");
            };
        } catch (NullPointerException | NumberFormatException e) {
            throw new IllegalArgumentException("incomplete key location " + location, e);
        }
    }

    /** Generates a new key; refuses to replace an existing one. */
    DeviceKey generate(CoseAlgorithm alg, String deviceId) throws SigningException;

    /** Opens the existing key. */
    DeviceKey open() throws SigningException;

    /** Whether a key already exists in the backend. */
    boolean exists() throws SigningException;

    /** Stores the issued chain (leaf first) beside the key; refuses a chain for another key. */
    DeviceKey installChain(List<X509Certificate> chain) throws SigningException;

    String describe();

    record Pkcs12(Path file, char[] passphrase) implements KeyBackend {
        @Override
        public DeviceKey generate(CoseAlgorithm alg, String deviceId) throws SigningException {
            return Pkcs12KeyStore.create(file, alg, deviceId, passphrase);
        }

        @Override
        public DeviceKey open() throws SigningException {
            return Pkcs12KeyStore.open(file, passphrase);
        }

        @Override
        public boolean exists() {
            return Files.exists(file);
        }

        @Override
        public DeviceKey installChain(List<X509Certificate> chain) throws SigningException {
            return Pkcs12KeyStore.installChain(file, passphrase, chain);
        }

        @Override
        public String describe() {
            return "PKCS#12 file " + file;
        }

        @Override
        public char[] secret() {
            return passphrase;
        }

        @Override
        public Map<String, String> location() {
            return Map.of("kind", "pkcs12", "file", file.toAbsolutePath().normalize().toString());
        }

        @Override
        public String retire() throws SigningException {
            try {
                Files.delete(file);
            } catch (IOException e) {
                throw new SigningException("cannot delete " + describe() + ": " + e, e);
            }
            return describe() + " deleted";
        }
    }

    record Pkcs11(Pkcs11DeviceKey.TokenConfig token, char[] pin) implements KeyBackend {
        @Override
        public DeviceKey generate(CoseAlgorithm alg, String deviceId) throws SigningException {
            return Pkcs11DeviceKey.generate(token, alg, deviceId, pin);
        }

        @Override
        public DeviceKey open() throws SigningException {
            return Pkcs11DeviceKey.open(token, pin);
        }

        @Override
        public boolean exists() {
            try {
                Pkcs11DeviceKey.open(token, pin);
                return true;
            } catch (SigningException e) {
                return false;
            }
        }

        @Override
        public DeviceKey installChain(List<X509Certificate> chain) throws SigningException {
            return Pkcs11DeviceKey.installChain(token, pin, chain);
        }

        @Override
        public String describe() {
            return "PKCS#11 token " + token.library() + " slot " + token.slot() + " key '" + token.alias() + "'";
        }

        @Override
        public char[] secret() {
            return pin;
        }

        @Override
        public Map<String, String> location() {
            return Map.of("kind", "pkcs11", "library", token.library().toString(), "slot", Long.toString(token.slot()),
                    "alias", token.alias());
        }

        @Override
        public String retire() throws SigningException {
            Pkcs11DeviceKey.destroy(token, pin);
            return describe() + " destroyed on the token";
        }
    }
}
