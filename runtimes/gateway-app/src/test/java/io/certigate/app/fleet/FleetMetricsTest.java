package io.certigate.app.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.core.metrics.Metrics;
import io.certigate.fleet.ingest.IngestMetrics;
import io.certigate.fleet.store.StoreMetrics;
import io.certigate.fleet.topics.FindingType;
import io.certigate.fleet.verify.FleetVerifyMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A fleet instance's families against docs/metrics.md's fleet section. */
@Tag("unit")
class FleetMetricsTest {
    @Test
    void theFleetSectionOfTheDocumentationListsExactlyTheFamiliesAnInstanceServes() throws Exception {
        Metrics m = new Metrics();
        FleetMetrics.ingest(m, new IngestMetrics());
        FleetMetrics.verify(m, new FleetVerifyMetrics());
        FleetMetrics.store(m, new StoreMetrics());
        FleetMetrics.lag(m, () -> Map.of("certigate-fleet-verify", 0L));
        FleetMetrics.devices(m, () -> 7);
        Map<String, String> served = new TreeMap<>();
        Matcher type = Pattern.compile("(?m)^# TYPE (\\S+) (counter|gauge)$").matcher(m.render());
        while (type.find()) {
            served.put(type.group(1), type.group(2));
        }
        String doc = Files.readString(Path.of("..", "..", "docs", "metrics.md"));
        String section = doc.substring(doc.indexOf("## Fleet tier"), doc.indexOf("## Alert rules"));
        Map<String, String> documented = new TreeMap<>();
        Matcher row = Pattern.compile("(?m)^\\| ((?:`certigate_[a-z_]+`(?:, )?)+) \\| (counter|gauge)").matcher(section);
        while (row.find()) {
            Matcher name = Pattern.compile("`(certigate_[a-z_]+)`").matcher(row.group(1));
            while (name.find()) {
                assertThat(documented.put(name.group(1), row.group(2))).as("%s listed twice", name.group(1)).isNull();
            }
        }
        assertThat(documented).isEqualTo(served);
    }

    @Test
    void findingsAreCountedPerTypeAndTheIngestsRefusalsPerReason() {
        Metrics m = new Metrics();
        FleetMetrics.ingest(m, new IngestMetrics());
        FleetMetrics.verify(m, new FleetVerifyMetrics());
        String text = m.render();
        for (FindingType t : FindingType.values()) {
            assertThat(text).contains("certigate_fleet_findings_total{type=\"" + t.code() + "\"} 0");
        }
        assertThat(text).contains("certigate_fleet_ingest_refused_total{reason=\"oversized\"} 0");
    }
}
