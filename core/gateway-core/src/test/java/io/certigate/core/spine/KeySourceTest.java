package io.certigate.core.spine;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("unit")
class KeySourceTest {

    @Test
    void aSecretSourceErrorNamesItsKey(@TempDir Path dir) {
        Path pass = dir.resolve("key.pass");
        assertThatThrownBy(() -> new KeySource.Pkcs12(dir.resolve("device.p12"), "file:" + pass).open())
                .hasMessageStartingWith("key.passphrase: cannot read passphrase file " + pass);
        assertThatThrownBy(() -> new KeySource.Pkcs11(dir.resolve("lib.so"), 0, "device", "file:" + pass).open())
                .hasMessageStartingWith("key.pkcs11.pin: cannot read passphrase file " + pass);
    }
}
