package io.certigate.app.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.core.metrics.Metrics;
import io.certigate.fleet.anchor.AnchorMetrics;
import io.certigate.fleet.anchor.FleetAggregator;
import io.certigate.fleet.anchor.StatementInbox;
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
        FleetMetrics.anchor(m, new AnchorMetrics(), java.time.Clock.systemUTC());
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

    @Test
    void theAnchorRolesCountersFollowItsStepsAndItsLedgerOutage() {
        AnchorMetrics a = new AnchorMetrics();
        io.certigate.testbed.time.ManualClock clock = new io.certigate.testbed.time.ManualClock();
        Metrics m = new Metrics();
        FleetMetrics.anchor(m, a, clock);
        assertThat(m.render()).contains("certigate_fleet_anchor_leader 0")
                .doesNotContain("certigate_fleet_anchor_pending{");
        a.taken(new StatementInbox.Taken(5, 1));
        a.step(new FleetAggregator.Step(true, 4, 1, 3, FleetAggregator.LedgerOutcome.OUTAGE, 0, 0), clock.millis());
        clock.advance(java.time.Duration.ofSeconds(30));
        a.step(new FleetAggregator.Step(true, 0, 0, 0, FleetAggregator.LedgerOutcome.OUTAGE, 0, 0), clock.millis());
        a.backlog(new FleetAggregator.Backlog(2, 4, 0, 1));
        String text = m.render();
        assertThat(text).contains("certigate_fleet_anchor_statements_total{outcome=\"taken\"} 5")
                .contains("certigate_fleet_anchor_statements_total{outcome=\"resent\"} 1")
                .contains("certigate_fleet_anchor_statements_total{outcome=\"accepted\"} 4")
                .contains("certigate_fleet_anchor_statements_total{outcome=\"refused\"} 1")
                .contains("certigate_fleet_anchor_intervals_total{state=\"fixed\"} 1")
                .contains("certigate_fleet_anchor_leader 1")
                .contains("certigate_fleet_anchor_ledger_outage_seconds 30")
                .contains("certigate_fleet_anchor_pending{what=\"unanchored_intervals\"} 1");
        a.step(new FleetAggregator.Step(true, 0, 0, 0, FleetAggregator.LedgerOutcome.PROGRESS, 4, 1), clock.millis());
        text = m.render();
        assertThat(text).contains("certigate_fleet_anchor_ledger_outage_seconds 0")
                .contains("certigate_fleet_anchor_intervals_total{state=\"anchored\"} 1")
                .contains("certigate_fleet_anchor_receipts_delivered_total 4");
        a.databaseFailed();
        assertThat(m.render()).contains("certigate_fleet_anchor_leader 0")
                .contains("certigate_fleet_anchor_database_failures_total 1");
    }
}
