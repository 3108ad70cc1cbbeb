package io.certigate.app.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.core.metrics.AdapterHealth;
import io.certigate.core.metrics.Metrics;
import io.certigate.core.testing.Exposition;
import io.certigate.uplink.UplinkHealth;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** How uplink and adapter health map to series, and docs/metrics.md against what the run serves. */
@Tag("unit")
class MetricsRegistrationTest {
    @Test
    void uplinkHealthBecomesConnectedCountersAndALastErrorWithTimeAndKind() {
        AtomicReference<UplinkHealth> h = new AtomicReference<>(new UplinkHealth(true, 120, 0, null, 0));
        Metrics m = new Metrics();
        UplinkMetrics.register(m, "mqtt", h::get);

        Exposition up = Exposition.parse(m.render());
        assertThat(up.value("certigate_uplink_connected", "transport", "mqtt")).isEqualTo(1);
        assertThat(up.value("certigate_uplink_delivered_total", "transport", "mqtt")).isEqualTo(120);
        assertThat(up.value("certigate_uplink_reconnects_total", "transport", "mqtt")).isZero();
        assertThat(up.family("certigate_uplink_last_error_timestamp_seconds").samples()).as("no error yet").isEmpty();
        assertThat(up.family("certigate_uplink_last_error_info").samples()).isEmpty();

        h.set(new UplinkHealth(false, 120, 3, UplinkHealth.Problem.CREDENTIALS, 1_765_000_000_500L));
        Exposition down = Exposition.parse(m.render());
        assertThat(down.value("certigate_uplink_connected", "transport", "mqtt")).isZero();
        assertThat(down.value("certigate_uplink_reconnects_total", "transport", "mqtt")).isEqualTo(3);
        assertThat(down.value("certigate_uplink_last_error_timestamp_seconds", "transport", "mqtt")).isEqualTo(1_765_000_000.5);
        assertThat(down.value("certigate_uplink_last_error_info", "transport", "mqtt", "reason", "credentials")).isEqualTo(1);
        assertThat(down.family("certigate_uplink_last_error_info").samples()).hasSize(1);
    }

    @Test
    void adapterHealthIsLabelledWithTheAdapter() {
        Metrics m = new Metrics();
        AdapterMetrics.register(m, "rfid:ttyUSB0", () -> new AdapterHealth(false, 7, 2, 40));
        AdapterMetrics.register(m, "obd", () -> new AdapterHealth(true, 0, 5, 900));

        Exposition e = Exposition.parse(m.render());
        assertThat(e.value("certigate_adapter_connected", "adapter", "rfid:ttyUSB0")).isZero();
        assertThat(e.value("certigate_adapter_reconnects_total", "adapter", "rfid:ttyUSB0")).isEqualTo(7);
        assertThat(e.value("certigate_adapter_malformed_total", "adapter", "rfid:ttyUSB0")).isEqualTo(2);
        assertThat(e.value("certigate_adapter_readings_total", "adapter", "rfid:ttyUSB0")).isEqualTo(40);
        assertThat(e.value("certigate_adapter_connected", "adapter", "obd")).isEqualTo(1);
        assertThat(e.value("certigate_adapter_readings_total", "adapter", "obd")).isEqualTo(900);
    }

    @Test
    void buildInfoCarriesTheFilteredProjectVersion() {
        assertThat(BuildInfo.version()).matches("\\d+\\.\\d+\\.\\d+.*");
        Metrics m = new Metrics();
        BuildInfo.register(m);
        assertThat(Exposition.parse(m.render()).family("certigate_build_info").samples()).singleElement()
                .satisfies(s -> assertThat(s.labels()).containsEntry("version", BuildInfo.version())
                        .containsEntry("java", Runtime.version().toString()));
    }

    @Test
    void theDocumentationListsExactlyTheFamiliesARunServesWithTheirTypes() throws Exception {
        Path doc = Path.of("..", "..", "docs", "metrics.md");
        Map<String, String> documented = new TreeMap<>();
        String text = Files.readString(doc);
        int fleet = text.indexOf("## Fleet tier"); // a fleet instance's families: FleetMetricsTest
        Matcher row = Pattern.compile("(?m)^\\| `(certigate_[a-z_]+)` \\| (counter|gauge)")
                .matcher(fleet < 0 ? text : text.substring(0, fleet) + text.substring(text.indexOf("## Alert rules")));
        while (row.find()) {
            assertThat(documented.put(row.group(1), row.group(2))).as("%s listed twice", row.group(1)).isNull();
        }
        assertThat(documented).isEqualTo(new TreeMap<>(ServedFamilies.ALL));
    }
}
