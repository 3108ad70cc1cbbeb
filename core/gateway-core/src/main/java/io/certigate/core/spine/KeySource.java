package io.certigate.core.spine;

import io.certigate.signing.DeviceKey;
import io.certigate.signing.Passphrase;
import io.certigate.signing.Pkcs11DeviceKey;
import io.certigate.signing.Pkcs12KeyStore;
import io.certigate.signing.SigningException;
import java.nio.file.Path;

/** Where the device key lives: a PKCS#12 file or a PKCS#11 token; secrets come from file: or env:. */
public sealed interface KeySource {

    DeviceKey open() throws SigningException;

    /** A PKCS#12 file; {@code passphrase} is {@code file:PATH} or {@code env:NAME}. */
    record Pkcs12(Path file, String passphrase) implements KeySource {
        @Override
        public DeviceKey open() throws SigningException {
            return Pkcs12KeyStore.open(file, Passphrase.resolve("key.passphrase", passphrase));
        }
    }

    /** A PKCS#11 token slot; {@code pin} is {@code file:PATH} or {@code env:NAME}. */
    record Pkcs11(Path library, long slot, String alias, String pin) implements KeySource {
        @Override
        public DeviceKey open() throws SigningException {
            return Pkcs11DeviceKey.open(new Pkcs11DeviceKey.TokenConfig(library, slot, alias), Passphrase.resolve("key.pkcs11.pin", pin));
        }
    }
}
