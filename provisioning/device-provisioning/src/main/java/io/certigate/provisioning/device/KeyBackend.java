package io.certigate.provisioning.device;

import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.DeviceKey;
import io.certigate.signing.Pkcs11DeviceKey;
import io.certigate.signing.Pkcs12KeyStore;
import io.certigate.signing.SigningException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Where a key is generated and kept: a PKCS#12 file or a PKCS#11 token. The private key is created
 * inside the backend and never leaves it; only the issued certificate chain is written back.
 */
public sealed interface KeyBackend {

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
    }
}
