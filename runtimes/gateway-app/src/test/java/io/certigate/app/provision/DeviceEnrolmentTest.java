package io.certigate.app.provision;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certigate.provisioning.enrol.ProvisioningState;
import io.certigate.signing.CoseAlgorithm;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("unit")
class DeviceEnrolmentTest {

    @Test
    void anUnreadableLedgerPassphraseNamesTheKeyItWasConfiguredUnder(@TempDir Path dir) {
        Path pass = dir.resolve("ledger.pass");
        DeviceEnrolment.Settings settings = new DeviceEnrolment.Settings(
                DeviceEnrolment.identity("gw-1", "SN-1", "CG-1", "meter:0911", "provisioning.subject"), CoseAlgorithm.EDDSA,
                DeviceEnrolment.address("127.0.0.1:0", "provisioning.listen"), "file:" + pass,
                "provisioning.ledger-passphrase", Duration.ofSeconds(5), dir.resolve("root.pem"));
        assertThatThrownBy(() -> DeviceEnrolment.start(new ProvisioningState(dir), null, settings, null, null, m -> { }))
                .hasMessageContaining("provisioning.ledger-passphrase: cannot read passphrase file " + pass);
    }
}
