package io.certigate.app.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.testbed.mqtt.MosquittoBroker;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A short bench run against a real Mosquitto: both paths deliver everything and the line is well-formed. */
@Tag("integration")
class UplinkBenchTest {
    @TempDir
    Path dir;

    @Test
    void comparesTheUplinkWithPlainPahoInOneRun() throws Exception {
        int records = Integer.getInteger("certigate.bench.records", 3000);
        try (MosquittoBroker broker = MosquittoBroker.start(dir.resolve("broker"))) {
            UplinkBench.Result r = UplinkBench.run(broker.url(), dir, records, Integer.getInteger("certigate.bench.batch", 100), Integer.getInteger("certigate.bench.window", 32), Integer.getInteger("certigate.bench.rounds", 3),
                    Integer.getInteger("certigate.bench.warmups", 1), System.out);
            System.out.println(r.line());
            int perRound = records / r.rounds();
            assertThat(r.records()).isEqualTo(perRound * r.rounds());
            assertThat(r.batches()).isEqualTo(r.rounds() * ((perRound + r.recordsPerBatch() - 1) / r.recordsPerBatch()));
            assertThat(r.uplinkRecordsPerSecond()).isPositive();
            assertThat(r.plainRecordsPerSecond()).isPositive();
            assertThat(r.line()).matches("records=\\d+ .* uplink_ratio=\\d+\\.\\d{3}");
            assertThat(r.ratio()).isPositive();
            // the operating system counts CPU time in clock ticks: a short run may count none
            assertThat(r.uplinkCpuMicrosPerRecord()).isNotNegative();
            assertThat(r.plainCpuMicrosPerRecord()).isNotNegative();
            assertThat(r.readRecordsPerSecond()).isPositive();
            assertThat(r.uplinkMarks()).isBetween((long) r.rounds(), (long) r.batches());
        }
    }
}
