package io.certigate.testbed.device;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.Passphrase;
import io.certigate.signing.Pkcs12KeyStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.Signature;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared test device: a real key, its certificate, a key store its passphrase file opens. */
@Tag("unit")
class TestDeviceTest {
    @TempDir
    Path dir;

    @Test
    void theKeySignsAndItsCertificateCarriesItsPublicKey() throws Exception {
        TestDevice d = TestDevice.create(dir, "gw-1", CoseAlgorithm.ES256);
        assertThat(d.key().algorithm()).isEqualTo(CoseAlgorithm.ES256);
        assertThat(d.certificate().getPublicKey()).isEqualTo(d.key().publicKey());
        d.certificate().verify(d.certificate().getPublicKey()); // self-signed
        byte[] message = "reading".getBytes(StandardCharsets.US_ASCII);
        Signature v = Signature.getInstance("SHA256withECDSAinP1363Format");
        v.initVerify(d.key().publicKey());
        v.update(message);
        assertThat(v.verify(d.key().sign(message))).isTrue();
    }

    @Test
    void thePassphraseFileOpensTheKeyStore() throws Exception {
        TestDevice d = TestDevice.create(dir, "gw-2");
        assertThat(d.keyStore()).isEqualTo(dir.resolve("gw-2.p12"));
        assertThat(Files.getPosixFilePermissions(d.passphraseFile()))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Pkcs12KeyStore.open(d.keyStore(), Passphrase.resolve(d.passphraseSource())).publicKey())
                .isEqualTo(d.key().publicKey());
    }

    @Test
    void openOrCreateReopensTheSameKey() throws Exception {
        TestDevice first = TestDevice.openOrCreate(dir.resolve("device.p12"), "gw-3", CoseAlgorithm.EDDSA);
        TestDevice again = TestDevice.openOrCreate(dir.resolve("device.p12"), "gw-3", CoseAlgorithm.EDDSA);
        assertThat(again.key().publicKey()).isEqualTo(first.key().publicKey());
        assertThat(again.passphraseFile()).isEqualTo(dir.resolve("device.pass"));
    }
}
