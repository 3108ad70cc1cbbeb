package io.certigate.provisioning.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certigate.provisioning.ca.ProvisioningException;
import io.certigate.testbed.device.TestPki;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The party profile checked before a holder or consumer is registered: certificates of a test
 * consortium CA as the consumer API's tests issue them (TLS client certificates), and the ones that
 * must be refused, each with the reason in the message.
 */
@Tag("unit")
class PartyCertificateTest {
    private final TestPki consortium = TestPki.create("consortium");
    private final KeyPair key = TestPki.p256();

    PartyCertificateTest() throws Exception {}

    @Test
    void aClientCertificateOfTheConsortiumIsAPartys() throws Exception {
        X509Certificate cert = consortium.issue(key.getPublic(), "consumer:insurer", false);
        assertThat(PartyCertificate.check(List.of(cert), List.of(consortium.caCertificate()), Instant.now()))
                .isEqualTo(cert);
        assertThat(PartyCertificate.check(List.of(cert, consortium.caCertificate()), List.of(consortium.caCertificate()),
                Instant.now())).as("with the root after it").isEqualTo(cert);
        assertThat(PartyCertificate.defaultId(cert)).isEqualTo("consumer:insurer");
    }

    @Test
    void aCertificateOfAnotherCaIsRefused() throws Exception {
        X509Certificate cert = TestPki.create("elsewhere").issue(key.getPublic(), "consumer:insurer", false);
        assertThatThrownBy(() -> PartyCertificate.check(List.of(cert), List.of(consortium.caCertificate()), Instant.now()))
                .isInstanceOf(ProvisioningException.class).hasMessageContaining("not a certificate of the consortium CA");
    }

    @Test
    void aDeviceCertificateIsRefused() throws Exception {
        X509Certificate device = consortium.issueDevice(key.getPublic(), "tcu-1");
        assertThatThrownBy(() -> PartyCertificate.check(List.of(device), List.of(consortium.caCertificate()),
                Instant.now())).isInstanceOf(ProvisioningException.class)
                .hasMessageContaining("is a device certificate (urn:certigate:")
                .hasMessageContaining("certigate provision");
    }

    @Test
    void aServerCertificateIsRefused() throws Exception {
        X509Certificate server = consortium.issue(key.getPublic(), "consumer:insurer", true);
        assertThatThrownBy(() -> PartyCertificate.check(List.of(server), List.of(consortium.caCertificate()),
                Instant.now())).isInstanceOf(ProvisioningException.class).hasMessageContaining("lacks clientAuth");
    }

    @Test
    void theCaCertificateItselfIsRefused() {
        assertThatThrownBy(() -> PartyCertificate.check(List.of(consortium.caCertificate()),
                List.of(consortium.caCertificate()), Instant.now())).isInstanceOf(ProvisioningException.class)
                .hasMessageContaining("CA certificate");
    }

    @Test
    void aCertificateOutsideItsValidityIsRefused() throws Exception {
        X509Certificate cert = consortium.issue(key.getPublic(), "consumer:insurer", false);
        assertThatThrownBy(() -> PartyCertificate.check(List.of(cert), List.of(consortium.caCertificate()),
                cert.getNotAfter().toInstant().plusSeconds(1))).isInstanceOf(ProvisioningException.class)
                .hasMessageContaining("expired");
    }

    @Test
    void partyIdsNameTheirRole() throws Exception {
        assertThat(PartyCertificate.checkId("holder:dana")).isEqualTo("holder:dana");
        assertThat(PartyCertificate.checkId("consumer:city-roads")).isEqualTo("consumer:city-roads");
        for (String bad : new String[] {"dana", "tcu-1", "holder:", "admin:x", "consumer:a b", "holder:" + "x".repeat(65)}) {
            assertThatThrownBy(() -> PartyCertificate.checkId(bad)).as(bad).isInstanceOf(ProvisioningException.class)
                    .hasMessageContaining("holder:<name> or consumer:<name>");
        }
        assertThat(PartyCertificate.defaultId(consortium.issue(key.getPublic(), "dana", false))).isNull();
    }
}
