package io.certigate.signing;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.signing.testing.SoftHsmToken;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The PKCS#12 format of software device keys: new files open with OpenSSL 3's default provider
 * (no {@code -legacy}), files in the format written before still open.
 */
@Tag("component")
class Pkcs12FormatTest {
    private static final String PASS = "format-test pass";

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(CoseAlgorithm.class)
    void aNewKeyStoreIsPbes2WithAes256AndAnHmacSha256MacThatOpenSsl3ReadsWithoutLegacy(CoseAlgorithm alg) throws Exception {
        Path f = dir.resolve("device.p12");
        SoftwareDeviceKey key = Pkcs12KeyStore.create(f, alg, "gw-fmt-1", PASS.toCharArray());
        Path pass = Files.writeString(dir.resolve("pass"), PASS + "\n");

        String info = SoftHsmToken.run(List.of("openssl", "pkcs12", "-info", "-noout", "-in", f.toString(),
                "-passin", "file:" + pass));
        assertThat(info).contains("MAC: sha256, Iteration " + Pkcs12KeyStore.ITERATIONS)
                .contains("Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC, Iteration " + Pkcs12KeyStore.ITERATIONS
                        + ", PRF hmacWithSHA256")
                .contains("Certificate bag")
                .doesNotContain("RC2").doesNotContain("TripleDES").doesNotContain("sha1");

        // OpenSSL decrypts the private key: its public half is the device's
        Path pem = dir.resolve("key.pem");
        SoftHsmToken.run(List.of("openssl", "pkcs12", "-in", f.toString(), "-passin", "file:" + pass, "-nocerts", "-nodes",
                "-out", pem.toString()));
        String pub = SoftHsmToken.run(List.of("openssl", "pkey", "-in", pem.toString(), "-pubout", "-outform", "DER",
                "-out", dir.resolve("pub.der").toString()));
        assertThat(pub).isEmpty();
        assertThat(HexFormat.of().formatHex(Files.readAllBytes(dir.resolve("pub.der"))))
                .isEqualTo(HexFormat.of().formatHex(key.publicKey().getEncoded()));
    }

    @Test
    void aKeyStoreInTheFormerFormatStillOpensAndInstallingAChainRewritesItInTheNewOne() throws Exception {
        // the former writer: Bouncy Castle's PKCS12 key store with its defaults (3DES key bag,
        // RC2-40 certificate bag, SHA-1 MAC, 600,000 + 2 x 300,000 iterations)
        BouncyCastleProvider bc = new BouncyCastleProvider();
        KeyPair pair = Pkcs12KeyStore.generate(CoseAlgorithm.ES256);
        X509Certificate cert = Certificates.selfSigned(pair, "gw-old-1", CoseAlgorithm.ES256, bc, Duration.ofDays(30));
        KeyStore ks = KeyStore.getInstance("PKCS12", bc);
        ks.load(null, null);
        ks.setKeyEntry(Pkcs12KeyStore.ALIAS, pair.getPrivate(), PASS.toCharArray(), new Certificate[] {cert});
        Path f = dir.resolve("old.p12");
        try (OutputStream out = Files.newOutputStream(f)) {
            ks.store(out, PASS.toCharArray());
        }
        Path pass = Files.writeString(dir.resolve("pass"), PASS + "\n");
        assertThat(SoftHsmToken.run(List.of("openssl", "pkcs12", "-legacy", "-info", "-noout", "-in", f.toString(),
                "-passin", "file:" + pass))).contains("pbeWithSHA1And40BitRC2-CBC");

        SoftwareDeviceKey opened = Pkcs12KeyStore.open(f, PASS.toCharArray());
        assertThat(opened.publicKey()).isEqualTo(pair.getPublic());
        assertThat(opened.certificateChain()).containsExactly(cert);

        SoftwareDeviceKey rewritten = Pkcs12KeyStore.installChain(f, PASS.toCharArray(), List.of(cert));
        assertThat(rewritten.publicKey()).isEqualTo(pair.getPublic());
        assertThat(SoftHsmToken.run(List.of("openssl", "pkcs12", "-info", "-noout", "-in", f.toString(),
                "-passin", "file:" + pass))).contains("MAC: sha256").contains("PBES2");
        assertThat(Pkcs12KeyStore.open(f, PASS.toCharArray()).publicKey()).isEqualTo(pair.getPublic());
    }
}
