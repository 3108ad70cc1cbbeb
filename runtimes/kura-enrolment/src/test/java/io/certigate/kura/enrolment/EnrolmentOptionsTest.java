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
        p.put("enrol.state-dir", "/var/lib/certigate/state");
        p.put("enrol.key-store", "/var/lib/certigate/device.p12");
        p.put("enrol.key-passphrase", "file:/var/lib/certigate/passphrase");
        p.put("buffer.file", "/var/lib/certigate/buffer.db");
        p.put("device.id", "hub-12");
        p.put("enrol.serial", "SN-12");
        p.put("enrol.model", "CG-ROAD-1");
        p.put("enrol.subject-kind", "site");
        p.put("enrol.subject", "A7-PR114");
        p.put("enrol.trust-root", "/etc/certigate/consortium-root.pem");
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
        assertThat(EnrolmentOptions.from(with(minimal(), "enrol.bind", "127.0.0.1:15684")).bind().getPort()).isEqualTo(15684);
        assertThat(EnrolmentOptions.from(with(minimal(), "enrol.algorithm", "es256")).algorithm()).isEqualTo(CoseAlgorithm.ES256);
    }

    @Test
    void badValuesAreRefusedNamingTheKeyAndTheValue() {
        Map<String, Object> p = minimal();
        assertThatThrownBy(() -> EnrolmentOptions.from(with(p, "enrol.algorithm", "rsa"))).hasMessageContaining("enrol.algorithm = 'rsa'");
        assertThatThrownBy(() -> EnrolmentOptions.from(with(p, "enrol.bind", "5684"))).hasMessageContaining("enrol.bind = '5684'");
        assertThatThrownBy(() -> EnrolmentOptions.from(with(p, "enrol.bind", "host:99999")))
                .hasMessageContaining("enrol.bind = 'host:99999'");
        assertThatThrownBy(() -> EnrolmentOptions.from(with(p, "enrol.timeout-s", 0))).hasMessageContaining("enrol.timeout-s = '0'");
        assertThatThrownBy(() -> EnrolmentOptions.from(with(p, "enrol.subject-kind", "ship")))
                .hasMessageContaining("enrol.subject-kind = 'ship'");
        assertThatThrownBy(() -> EnrolmentOptions.from(with(p, "enrol.key-passphrase", "hunter2")))
                .hasMessageContaining("enrol.key-passphrase must be file:PATH or env:NAME").hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> EnrolmentOptions.from(with(p, "enrol.ledger-account-key", "/var/lib/certigate/ledger.json")))
                .hasMessageContaining("go together");
        Map<String, Object> noSerial = new HashMap<>(p);
        noSerial.remove("enrol.serial");
        assertThatThrownBy(() -> EnrolmentOptions.from(noSerial)).hasMessageContaining("enrol.serial is required");
        Map<String, Object> noRoot = new HashMap<>(minimal());
        noRoot.remove("enrol.trust-root");
        assertThatThrownBy(() -> EnrolmentOptions.from(noRoot)).hasMessageContaining("enrol.trust-root is required");
    }
}
