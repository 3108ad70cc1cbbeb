package io.certigate.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("unit")
class PassphraseTest {

    @Test
    void everySourceErrorNamesTheKeyItWasConfiguredUnder(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("missing.pass");
        assertThatThrownBy(() -> Passphrase.resolve("key.passphrase", "file:" + missing))
                .isInstanceOf(SigningException.class)
                .hasMessageStartingWith("key.passphrase: cannot read passphrase file " + missing);
        Path empty = Files.writeString(dir.resolve("empty.pass"), "\n");
        assertThatThrownBy(() -> Passphrase.resolve("key.pkcs11.pin", "file:" + empty))
                .hasMessage("key.pkcs11.pin: passphrase file " + empty + " is empty");
        assertThatThrownBy(() -> Passphrase.resolve("uplink.mqtt.password-source", "env:CERTIGATE_SURELY_UNSET_VARIABLE"))
                .hasMessage("uplink.mqtt.password-source: environment variable CERTIGATE_SURELY_UNSET_VARIABLE holding the key"
                        + " passphrase is not set");
        assertThatThrownBy(() -> Passphrase.resolve("key.passphrase", "hunter2"))
                .hasMessageStartingWith("key.passphrase: passphrase source is neither").hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> Passphrase.resolve("key.passphrase", " "))
                .hasMessageStartingWith("key.passphrase: no passphrase source given");
        Path good = Files.writeString(dir.resolve("good.pass"), "s3cret\n");
        assertThat(Passphrase.resolve("key.passphrase", "file:" + good)).containsExactly('s', '3', 'c', 'r', 'e', 't');
    }
}
