package io.certigate.signing;

import io.certigate.signing.testing.SoftHsmToken;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** OpenSSL, an independent PKCS#10 implementation, reads and verifies our requests. */
@Tag("component")
class CsrOpenSslTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(CoseAlgorithm.class)
    void openSslVerifiesTheRequestAndSeesTheIdentity(CoseAlgorithm alg) throws Exception {
        Path csr = dir.resolve("device-" + alg + ".der");
        Files.write(csr, Csr.build(CsrTest.key(alg), CsrTest.VEHICLE));
        String out = SoftHsmToken.run(List.of("openssl", "req", "-inform", "DER", "-in", csr.toString(),
                "-noout", "-verify", "-text"));
        assertThat(out).contains("verify OK")
                .contains("CN = gw-0042").contains("serialNumber = SN-77-0042")
                .contains("URI:urn:certigate:model:CG-OBD-2").contains("URI:urn:certigate:vin:WVWZZZ1JZXW000001")
                .contains("Digital Signature");
    }
}
