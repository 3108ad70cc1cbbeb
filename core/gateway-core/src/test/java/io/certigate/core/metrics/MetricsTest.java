package io.certigate.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certigate.core.testing.Exposition;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class MetricsTest {
    @Test
    void rendersHelpTypeAndSamplesInNameAndLabelOrder() {
        Metrics m = new Metrics();
        AtomicLong delivered = new AtomicLong(42);
        m.gauge("certigate_uplink_connected", "1 while connected.", () -> 1, "transport", "mqtt");
        m.counter("certigate_uplink_delivered_total", "Records delivered.", delivered::get, "transport", "mqtt");
        m.counter("certigate_adapter_reconnects_total", "Reconnects.", "adapter", "tic").add(3);
        m.counter("certigate_adapter_reconnects_total", "Reconnects.", "adapter", "obd").increment();
        m.gauge("certigate_build_info", "Build.", () -> 1, "version", "0.1.0", "java", "17.0.9");

        assertThat(m.render()).isEqualTo(""
                + "# HELP certigate_adapter_reconnects_total Reconnects.\n"
                + "# TYPE certigate_adapter_reconnects_total counter\n"
                + "certigate_adapter_reconnects_total{adapter=\"obd\"} 1\n"
                + "certigate_adapter_reconnects_total{adapter=\"tic\"} 3\n"
                + "# HELP certigate_build_info Build.\n"
                + "# TYPE certigate_build_info gauge\n"
                + "certigate_build_info{version=\"0.1.0\",java=\"17.0.9\"} 1\n"
                + "# HELP certigate_uplink_connected 1 while connected.\n"
                + "# TYPE certigate_uplink_connected gauge\n"
                + "certigate_uplink_connected{transport=\"mqtt\"} 1\n"
                + "# HELP certigate_uplink_delivered_total Records delivered.\n"
                + "# TYPE certigate_uplink_delivered_total counter\n"
                + "certigate_uplink_delivered_total{transport=\"mqtt\"} 42\n");
        delivered.set(50);
        assertThat(m.render()).contains("certigate_uplink_delivered_total{transport=\"mqtt\"} 50\n");
    }

    @Test
    void escapesLabelValuesAndHelpTexts() {
        Metrics m = new Metrics();
        m.gauge("g", "a \\ backslash\nand a line", () -> 2, "path", "C:\\dir \"x\"\nnext");

        String text = m.render();
        assertThat(text).isEqualTo("# HELP g a \\\\ backslash\\nand a line\n"
                + "# TYPE g gauge\n"
                + "g{path=\"C:\\\\dir \\\"x\\\"\\nnext\"} 2\n");
        Exposition parsed = Exposition.parse(text);
        assertThat(parsed.family("g").help()).isEqualTo("a \\ backslash\nand a line");
        assertThat(parsed.family("g").samples().get(0).labels()).containsEntry("path", "C:\\dir \"x\"\nnext");
    }

    @Test
    void formatsFractionsInfinitiesAndLargeValues() {
        assertThat(Metrics.format(1.5)).isEqualTo("1.5");
        assertThat(Metrics.format(0)).isEqualTo("0");
        assertThat(Metrics.format(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
        assertThat(Metrics.format(Double.NEGATIVE_INFINITY)).isEqualTo("-Inf");
        assertThat(Metrics.format(1.7e300)).isEqualTo("1.7E300");
        assertThat(Metrics.format(1_765_000_000_123L)).isEqualTo("1765000000123");
    }

    @Test
    void refusesNamesThatBreakTheConventions() {
        Metrics m = new Metrics();
        assertThatThrownBy(() -> m.counter("certigate_reconnects", "x"))
                .hasMessageContaining("counter certigate_reconnects must end in _total");
        assertThatThrownBy(() -> m.gauge("certigate_refused_total", "x", () -> 1))
                .hasMessageContaining("gauge certigate_refused_total must not end in _total");
        assertThatThrownBy(() -> m.gauge("certigate-bytes", "x", () -> 1)).hasMessageContaining("'certigate-bytes'");
        assertThatThrownBy(() -> m.gauge("g", "x", () -> 1, "file-name", "db")).hasMessageContaining("'file-name'");
        assertThatThrownBy(() -> m.gauge("g", "x", () -> 1, "__name", "db")).hasMessageContaining("'__name'");
        assertThatThrownBy(() -> m.gauge("g", "x", () -> 1, "file")).hasMessageContaining("name/value pairs");
        assertThatThrownBy(() -> m.gauge("g", " ", () -> 1)).hasMessageContaining("needs a help text");
        m.gauge("certigate_buffer_bytes", "Bytes.", () -> 1, "file", "db");
        assertThatThrownBy(() -> m.gauge("certigate_buffer_bytes", "Other help.", () -> 1, "file", "wal"))
                .hasMessageContaining("already registered as a gauge with help 'Bytes.'");
    }

    @Test
    void theSameCounterSeriesIsOneAdder() {
        Metrics m = new Metrics();
        LongAdder a = m.counter("x_total", "X.", "kind", "k");
        LongAdder b = m.counter("x_total", "X.", "kind", "k");
        assertThat(a).isSameAs(b);
        m.counter("y_total", "Y.", () -> 1L);
        assertThatThrownBy(() -> m.counter("y_total", "Y.")).hasMessageContaining("read from a component");
    }

    @Test
    void aFailingOrNaNSeriesIsLeftOutButItsFamilyStays() {
        Metrics m = new Metrics();
        m.gauge("certigate_anchor_lag_records", "Lag.", () -> {
            throw new IllegalStateException("buffer closed");
        });
        m.gauge("certigate_uplink_last_error_timestamp_seconds", "When.", () -> Double.NaN);
        m.gauge("certigate_chain_head_seq", "Head.", () -> 7);

        String text = m.render();
        assertThat(text).contains("# TYPE certigate_anchor_lag_records gauge\n# HELP certigate_chain_head_seq")
                .doesNotContain("\ncertigate_anchor_lag_records ")
                .doesNotContain("\ncertigate_uplink_last_error_timestamp_seconds ")
                .contains("certigate_chain_head_seq 7\n");
        assertThat(Exposition.parse(text).families()).containsKeys("certigate_anchor_lag_records",
                "certigate_uplink_last_error_timestamp_seconds");
    }

    @Test
    void varyingFamiliesPutTheirFixedLabelsFirst() {
        Metrics m = new Metrics();
        Map<String, Long> alerts = new TreeMap<>(Map.of("rollback-suspected", 2L));
        m.varying("certigate_alerts_total", "Alerts.", Metrics.Type.COUNTER, "kind", () -> alerts);
        m.varying("certigate_uplink_last_error_info", "Last error.", Metrics.Type.GAUGE, "reason",
                () -> Map.of("unreachable", 1), "transport", "mqtt");

        assertThat(m.render()).contains("certigate_alerts_total{kind=\"rollback-suspected\"} 2\n")
                .contains("certigate_uplink_last_error_info{transport=\"mqtt\",reason=\"unreachable\"} 1\n");
        alerts.put("index-rollback-suspected", 1L);
        assertThat(Exposition.parse(m.render()).value("certigate_alerts_total", "kind", "index-rollback-suspected"))
                .isEqualTo(1.0);
        assertThatThrownBy(() -> m.varying("z_total", "Z.", Metrics.Type.COUNTER, "bad label", Map::of))
                .hasMessageContaining("'bad label'");
    }

    @Test
    void theStrictReaderRefusesWhatAScraperWouldChokeOn() {
        assertThatThrownBy(() -> Exposition.parse("x 1\n")).hasMessageContaining("no HELP or no TYPE");
        assertThatThrownBy(() -> Exposition.parse("# HELP x X.\n# TYPE x gauge\nx 1")).hasMessageContaining("line feed");
        assertThatThrownBy(() -> Exposition.parse("# HELP a_total A.\n# TYPE a_total gauge\na_total 1\n"))
                .hasMessageContaining("ends in _total but is a gauge");
        assertThatThrownBy(() -> Exposition.parse("# HELP a A.\n# TYPE a counter\na 1\n"))
                .hasMessageContaining("does not end in _total");
        assertThatThrownBy(() -> Exposition.parse("# HELP a A.\n# TYPE a gauge\n# HELP b B.\n# TYPE b gauge\n"
                + "a 1\nb 1\na{x=\"1\"} 2\n")).hasMessageContaining("not contiguous");
        assertThatThrownBy(() -> Exposition.parse("# HELP a A.\n# TYPE a gauge\na{x=\"1} 2\n"))
                .hasMessageContaining("unterminated");
        assertThatThrownBy(() -> Exposition.parse("# HELP a A.\n# TYPE a gauge\na{x=\"\\t\"} 2\n"))
                .hasMessageContaining("bad escape");
        assertThatThrownBy(() -> Exposition.parse("# HELP a A.\n# TYPE a gauge\na 1\na 2\n"))
                .hasMessageContaining("series repeated");
        assertThatThrownBy(() -> Exposition.parse("# HELP a A.\n# TYPE a gauge\na one\n"))
                .hasMessageContaining("'one' is not a number");
        assertThatThrownBy(() -> Exposition.parse("# HELP a A.\n")).hasMessageContaining("HELP line only");
    }
}
