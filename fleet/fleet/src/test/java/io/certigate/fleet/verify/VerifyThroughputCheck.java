package io.certigate.fleet.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.core.model.StoredRecord;
import io.certigate.fleet.collector.DeviceKeys;
import io.certigate.signing.SignatureVerifier;
import io.certigate.uplink.testing.TestDevice;
import io.certigate.verifier.Verifier;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The processor's cost against raw signature checks, on one thread and its CPU time: records of
 * one device in batches of 100 through the topology ({@code TopologyTestDriver}: RocksDB stores,
 * no network) versus {@code Verifier.signature} alone over the same records. On demand only:
 * {@code -Dcertigate.fleet.verify.bench=20000} (the number of records).
 */
@Tag("component")
@EnabledIfSystemProperty(named = "certigate.fleet.verify.bench", matches = "\\d+")
class VerifyThroughputCheck {
    @TempDir
    Path dir;

    @Test
    void verifiedRecordsPerCpuSecondAgainstRawSignatureChecks() throws Exception {
        int n = Integer.getInteger("certigate.fleet.verify.bench");
        TestDevice device = TestDevice.create(dir, "dev-1");
        try {
            device.produce(n);
            List<StoredRecord> all = device.buffer().range(1, n);
            List<byte[]> batches = new ArrayList<>();
            for (int from = 0; from < n; from += 100) {
                batches.add(VerifyDriver.batch("dev-1", all.subList(from, Math.min(n, from + 100))));
            }
            ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
            Verifier verifier = new Verifier(SignatureVerifier.BOUNCY_CASTLE);
            double raw = 0;
            double piped = 0;
            for (int round = 0; round < 3; round++) { // alternated, the first round warms up
                long t0 = cpu.getCurrentThreadCpuTime();
                for (StoredRecord r : all) {
                    assertThat(verifier.signature("dev-1", ((StoredRecord.Signed) r).cose(), device.key().publicKey()).ok())
                            .isTrue();
                }
                raw = n / ((cpu.getCurrentThreadCpuTime() - t0) / 1e9);
                DeviceKeys keys = new DeviceKeys(List.of(), false);
                keys.add("dev-1", device.key().publicKey());
                try (VerifyDriver d = new VerifyDriver(FleetVerifySettings.defaults(), keys, dir.resolve("state-" + round))) {
                    t0 = cpu.getCurrentThreadCpuTime();
                    long verified = 0;
                    for (byte[] b : batches) {
                        d.readings("dev-1", b);
                        verified += d.verifiedCount();
                    }
                    piped = n / ((cpu.getCurrentThreadCpuTime() - t0) / 1e9);
                    assertThat(verified).isEqualTo(n);
                }
                System.out.printf("round %d: raw %.0f/s, topology %.0f/s%n", round, raw, piped);
            }
            System.out.printf("fleet verify: %d records, raw signature checks %.0f/s CPU, through the topology %.0f/s"
                    + " CPU, ratio %.2f%n", n, raw, piped, piped / raw);
        } finally {
            device.close();
        }
    }
}
