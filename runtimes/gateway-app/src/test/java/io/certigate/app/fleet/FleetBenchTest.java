package io.certigate.app.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.app.bench.BenchCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code certigate bench fleet} end to end with tiny numbers: real brokers, PostgreSQL, Mosquitto and
 * fleet instances as processes of their own; every phase runs, the recovery included, and the last
 * line holds every figure.
 */
@Tag("integration")
class FleetBenchTest {
    @TempDir
    Path dir;

    @Test
    void measuresEveryPhaseAndPrintsTheFigures() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        int status;
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            status = new CommandLine(new BenchCommand()).execute("fleet", "--gateways", "4", "--records", "400", "--rate",
                    "400", "--seconds", "2", "--batch", "10", "--recovery-seconds", "60",
                    "--set", "fleet.verify.kafka.streams.commit.interval.ms=200", "--dir", dir.toString());
        } finally {
            System.setOut(stdout);
        }
        String text = printed.toString(StandardCharsets.UTF_8);
        System.out.println(text);
        assertThat(status).isZero();
        String[] lines = text.strip().split("\n");
        Map<String, String> r = Arrays.stream(lines[lines.length - 1].split(" ")).map(kv -> kv.split("=", 2))
                .collect(Collectors.toMap(kv -> kv[0], kv -> kv[1]));
        assertThat(r).containsKeys("raw_verify_per_cpu_s", "stored_rate_1inst", "fleet_cpu_s_1inst",
                "stored_per_core_s_1inst", "cpu_us_per_record_1inst", "services_cpu_us_per_record_1inst",
                "fleet_ratio_1inst", "stored_rate_2inst", "fleet_ratio_2inst", "scale_out_2_vs_1", "e2e_p50_ms",
                "e2e_p99_ms", "kept_up", "recovery_ms", "recovery_2s_ms", "recovery_lag_peak", "load_average_1m_end");
        assertThat(r.get("records_1inst")).isEqualTo("400");
        assertThat(r.get("latency_records")).isEqualTo("800");
        assertThat(Double.parseDouble(r.get("fleet_ratio_1inst"))).isPositive();
        assertThat(Long.parseLong(r.get("e2e_p99_ms"))).isNotNegative()
                .isGreaterThanOrEqualTo(Long.parseLong(r.get("e2e_p50_ms")));
        assertThat(text).contains("recovery at");
        // where the instance's CPU went, by thread group; the verify threads hold the signature checks
        assertThat(Double.parseDouble(r.get("us_per_record_verify_1inst"))).isPositive();
        assertThat(r).containsKeys("us_per_record_kafka_io_1inst", "us_per_record_store_1inst", "raw_verify_us");
        // --set reached the instances' configurations
        assertThat(java.nio.file.Files.readString(dir.resolve("a/fleet.properties")))
                .contains("fleet.verify.kafka.streams.commit.interval.ms=200");
    }
}
