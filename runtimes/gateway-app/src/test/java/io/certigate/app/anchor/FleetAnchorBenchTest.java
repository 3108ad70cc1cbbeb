package io.certigate.app.anchor;

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
 * {@code certigate bench anchor --fleet} with small numbers, through the CLI: the real aggregator over
 * PostgreSQL and the anvil dev chain, 10 and then 200 devices, two intervals each on virtual time.
 * Whatever the device count, each interval with statements costs exactly one fleet transaction (read
 * from the fleet account's nonce and the ledger's Anchored events), every statement gets a receipt
 * that verifies with the fleet key and names that transaction's root, the gas per reading falls with
 * the device count, and the interval with nothing new sends no transaction.
 */
@Tag("integration")
class FleetAnchorBenchTest {
    @TempDir
    Path dir;

    @Test
    void oneFleetTransactionPerIntervalWhateverTheDeviceCount() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        int status;
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            status = new CommandLine(new BenchCommand()).execute("anchor", "--fleet", "--devices", "10,200",
                    "--intervals", "2", "--records", "5", "--dir", dir.toString());
        } finally {
            System.setOut(stdout);
        }
        String text = printed.toString(StandardCharsets.UTF_8);
        System.out.println(text);
        assertThat(status).isZero();
        assertThat(text).contains("the Kafka/MQTT transport is what 'bench fleet' measures");
        String[] lines = text.strip().split("\n");
        Map<String, String> r = Arrays.stream(lines[lines.length - 1].split(" ")).map(kv -> kv.split("=", 2))
                .collect(Collectors.toMap(kv -> kv[0], kv -> kv[1]));
        for (int n : new int[] {10, 200}) {
            assertThat(r).containsEntry("fleet_txs_" + n, "2").containsEntry("anchored_events_" + n, "2")
                    .containsEntry("tx_per_hour_" + n, "6.000")
                    .containsEntry("statements_per_interval_" + n, Integer.toString(n))
                    .containsEntry("receipts_verified_" + n, Integer.toString(2 * n))
                    .containsEntry("receipts_invalid_" + n, "0")
                    .containsEntry("receipts_match_ledger_" + n, "true")
                    .containsEntry("empty_interval_txs_" + n, "0");
            assertThat(Long.parseLong(r.get("gas_per_fleet_tx_" + n))).isBetween(40_000L, 80_000L);
            assertThat(Double.parseDouble(r.get("check_ratio_" + n))).isPositive();
        }
        assertThat(Double.parseDouble(r.get("gas_per_reading_200")))
                .isLessThan(Double.parseDouble(r.get("gas_per_reading_10")) / 10);
    }
}
