package io.certigate.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("component")
class Pkcs12KeyStoreTest {
    @TempDir
    Path dir;

    @Test
    void createThenReopenGivesTheSameKey() throws Exception {
        Path f = dir.resolve("device.p12");
        SoftwareDeviceKey created = Pkcs12KeyStore.create(f, CoseAlgorithm.EDDSA, "gw-0001", "s3cret".toCharArray());
        SoftwareDeviceKey opened = Pkcs12KeyStore.open(f, "s3cret".toCharArray());
        assertThat(opened.publicKey()).isEqualTo(created.publicKey());
        assertThat(opened.keyId()).isEqualTo(created.keyId());
        assertThat(opened.certificateChain().get(0).getSubjectX500Principal().getName()).contains("CN=gw-0001");
        byte[] cose = CoseSign1.sign(opened, new byte[] {(byte) 0xa0});
        assertThat(CoseSign1.verify(cose, created.publicKey(), created.keyId())).containsExactly(0xa0);
        // a set of enums: its toString order follows identity hash codes, so compare as a set
        assertThat(Files.getPosixFilePermissions(f)).containsExactlyInAnyOrder(
                java.nio.file.attribute.PosixFilePermission.OWNER_READ, java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
    }

    @Test
    void wrongPassphraseAndMissingFileAreClearErrors() throws Exception {
        Path f = dir.resolve("device.p12");
        Pkcs12KeyStore.create(f, CoseAlgorithm.ES256, "gw-0001", "right".toCharArray());
        assertThatThrownBy(() -> Pkcs12KeyStore.open(f, "wrong".toCharArray()))
                .isInstanceOf(SigningException.class).hasMessageContaining(f.toString()).hasMessageContaining("passphrase");
        assertThatThrownBy(() -> Pkcs12KeyStore.open(dir.resolve("nope.p12"), "x".toCharArray()))
                .hasMessageContaining("does not exist");
        assertThatThrownBy(() -> Pkcs12KeyStore.create(f, CoseAlgorithm.ES256, "gw-0001", "right".toCharArray()))
                .hasMessageContaining("refusing to overwrite");
    }

    @Test
    void passphraseHasNoDefault() throws Exception {
        assertThatThrownBy(() -> Passphrase.resolve(null)).hasMessageContaining("no passphrase source");
        assertThatThrownBy(() -> Passphrase.resolve("hunter2")).hasMessageContaining("neither file:PATH nor env:NAME")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> Passphrase.fromEnvironment("CERTIGATE_KEY_PASS", Map.of()))
                .hasMessageContaining("CERTIGATE_KEY_PASS");
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        assertThatThrownBy(() -> Passphrase.fromFile(empty)).hasMessageContaining("is empty");
        Path ok = Files.writeString(dir.resolve("pass"), "correct horse\n");
        assertThat(Passphrase.resolve("file:" + ok)).containsExactly("correct horse".toCharArray());
    }

    @Test
    void aMachinesOwnSecretIsCreatedOnceOwnerOnlyAndReadBack() throws Exception {
        Path f = dir.resolve("own.pass");
        char[] first = Passphrase.createOrRead(f);
        assertThat(first).hasSize(32); // 24 random bytes in unpadded Base64
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
                .isEqualTo("rw-------");
        assertThat(Passphrase.createOrRead(f)).containsExactly(first);
        assertThat(Passphrase.resolve("file:" + f)).containsExactly(first);
        assertThat(Passphrase.createOrRead(dir.resolve("other.pass"))).isNotEqualTo(first);
    }
}
