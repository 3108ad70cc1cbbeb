package io.certigate.kura.enrolment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.Csr;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The enrolment agent's options as its component builds them from a ConfigAdmin property map. */
@Tag("unit")
class EnrolmentOptionsTest {

    static Map<String, Object> minimal() {
        Map<String, Object> p = new HashMap<>();
        p.put("provisioning.state-dir", "/var/lib/certigate/state");
        p.put("key.store", "/var/lib/certigate/device.p12");
        p.put("key.passphrase", "file:/var/lib/certigate/passphrase");
        p.put("buffer.file", "/var/lib/certigate/buffer.db");
        p.put("device.id", "hub-12");
        p.put("provisioning.serial", "SN-12");
        p.put("provisioning.model", "CG-ROAD-1");
        p.put("provisioning.subject", "site:A7-PR114");
        p.put("provisioning.trust-root", "/etc/certigate/consortium-root.pem");
        return p;
    }

    static Map<String, Object> with(Map<String, Object> p, String key, Object value) {
        Map<String, Object> m = new HashMap<>(p);
        m.put(key, value);
        return m;
    }

    @Test
    void defaultsAreThoseOfCertigateEnrol() {
        EnrolmentOptions o = EnrolmentOptions.from(minimal());
        assertThat(o.stateDir()).isEqualTo(Path.of("/var/lib/certigate/state"));
        assertThat(o.algorithm()).isEqualTo(CoseAlgorithm.EDDSA);
        assertThat(o.bind().getPort()).isEqualTo(5684);
        assertThat(o.bindHost()).isEqualTo("0.0.0.0");
        assertThat(o.timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(o.maxHandshakes()).isEqualTo(20);
        assertThat(o.identity()).isEqualTo(new Csr.Identity("hub-12", "SN-12", "CG-ROAD-1", Csr.SubjectKind.SITE, "A7-PR114"));
        assertThat(o.ledgerAccountKey()).isNull();
        assertThat(EnrolmentOptions.from(minimal())).isEqualTo(o);
        assertThat(EnrolmentOptions.from(with(minimal(), "provisioning.listen", "127.0.0.1:15684")).bind().getPort()).isEqualTo(15684);
        assertThat(EnrolmentOptions.from(with(minimal(), "provisioning.algorithm", "es256")).algorithm()).isEqualTo(CoseAlgorithm.ES256);
    }

    @Test
    void badValuesAreRefusedNamingTheKeyAndTheValue() {
        Map<String, Object> p = minimal();
        assertThatThrownBy(() -> EnrolmentOptions.from(with(p, "provisioning.algorithm", "rsa"))).hasMessageContaining("provisioning.algorithm = 'rsa'");
        assertThatThrownBy(() -> EnrolmentOptions.from(with(p, "provisioning.listen", "5684"))).hasMessageContaining("provisioning.listen = '5684'");
        assertThatThrownBy(() -> EnrolmentOptions.from(with(p, "provisioning.listen", "host:99999")))
                .hasMessageContaining("provisioning.listen = 'host:99999'");
        assertThatThrownBy(() -> EnrolmentOptions.from(with(p, "provisioning.timeout-s", 0))).hasMessageContaining("provisioning.timeout-s = '0'");
        assertThatThrownBy(() -> EnrolmentOptions.from(with(p, "provisioning.subject", "ship:A7")))
                .hasMessageContaining("provisioning.subject = 'ship:A7'");
        assertThatThrownBy(() -> EnrolmentOptions.from(with(p, "key.passphrase", "hunter2")))
                .hasMessageContaining("key.passphrase must be file:PATH or env:NAME").hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> EnrolmentOptions.from(with(p, "provisioning.ledger-account-key", "/var/lib/certigate/ledger.json")))
                .hasMessageContaining("go together");
        Map<String, Object> noSerial = new HashMap<>(p);
        noSerial.remove("provisioning.serial");
        assertThatThrownBy(() -> EnrolmentOptions.from(noSerial)).hasMessageContaining("provisioning.serial is required");
        Map<String, Object> noRoot = new HashMap<>(minimal());
        noRoot.remove("provisioning.trust-root");
        assertThatThrownBy(() -> EnrolmentOptions.from(noRoot)).hasMessageContaining("provisioning.trust-root is required");
    }

    @Test
    void aConfigurationStoredUnderTheFormerIdsIsReadTheSame() {
        Map<String, Object> old = new HashMap<>();
        old.put("enrol.state-dir", "/var/lib/certigate/state");
        old.put("enrol.key-store", "/var/lib/certigate/device.p12");
        old.put("enrol.key-passphrase", "file:/var/lib/certigate/passphrase");
        old.put("buffer.file", "/var/lib/certigate/buffer.db");
        old.put("device.id", "hub-12");
        old.put("enrol.serial", "SN-12");
        old.put("enrol.model", "CG-ROAD-1");
        old.put("enrol.subject-kind", "site");
        old.put("enrol.subject", "A7-PR114");
        old.put("enrol.bind", "127.0.0.1:15684");
        old.put("enrol.timeout-s", 12L);
        old.put("enrol.max-handshakes", 5);
        old.put("enrol.ledger-account-key", "/var/lib/certigate/ledger.json");
        old.put("enrol.ledger-account-pass", "env:LEDGER_PASS");
        old.put("provisioning.trust-root", "/etc/certigate/consortium-root.pem"); // no former id: new with this key
        Map<String, Object> current = with(with(with(with(with(minimal(), "provisioning.listen", "127.0.0.1:15684"),
                "provisioning.timeout-s", 12L), "provisioning.max-handshakes", 5),
                "provisioning.ledger-account-key", "/var/lib/certigate/ledger.json"),
                "provisioning.ledger-passphrase", "env:LEDGER_PASS");
        assertThat(EnrolmentOptions.from(old)).isEqualTo(EnrolmentOptions.from(current));
        // the current key wins over a former one
        assertThat(EnrolmentOptions.from(with(current, "enrol.timeout-s", 99L)).timeout()).isEqualTo(Duration.ofSeconds(12));
    }
}
