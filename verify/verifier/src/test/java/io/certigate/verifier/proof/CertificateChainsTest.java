package io.certigate.verifier.proof;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.CoseSign1;
import io.certigate.signing.Pkcs12KeyStore;
import io.certigate.signing.SoftwareDeviceKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The chain a bundle carries: the one whose key id the record names (a device with a rotated key has two). */
@Tag("component")
class CertificateChainsTest {
    @TempDir
    Path dir;

    @Test
    void theChainOfTheSigningKeyIsPickedAndOnlyAnExactMatchCountsForOfSigningKey() throws Exception {
        SoftwareDeviceKey old = Pkcs12KeyStore.create(dir.resolve("old.p12"), CoseAlgorithm.EDDSA, "gw", "pw".toCharArray());
        SoftwareDeviceKey current = Pkcs12KeyStore.create(dir.resolve("new.p12"), CoseAlgorithm.ES256, "gw",
                "pw".toCharArray());
        SoftwareDeviceKey stranger = Pkcs12KeyStore.create(dir.resolve("x.p12"), CoseAlgorithm.EDDSA, "gw",
                "pw".toCharArray());
        List<List<X509Certificate>> chains = List.of(old.certificateChain(), current.certificateChain());
        byte[] byOld = CoseSign1.sign(old, "a".getBytes(StandardCharsets.US_ASCII));
        byte[] byStranger = CoseSign1.sign(stranger, "b".getBytes(StandardCharsets.US_ASCII));

        assertThat(CertificateChains.forRecord(chains, byOld)).isEqualTo(old.certificateChain());
        assertThat(CertificateChains.ofSigningKey(chains, byOld)).contains(old.certificateChain());
        assertThat(CertificateChains.forRecord(chains, byStranger)).as("the newest when none matches")
                .isEqualTo(current.certificateChain());
        assertThat(CertificateChains.ofSigningKey(chains, byStranger)).isEmpty();
        assertThat(CertificateChains.forRecord(List.of(), byOld)).isEmpty();
    }
}
