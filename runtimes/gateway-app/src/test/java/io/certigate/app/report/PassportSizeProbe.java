package io.certigate.app.report;

import io.certigate.core.model.ChainedReading;
import io.certigate.core.model.Reading;
import io.certigate.core.model.ReadingValue;
import io.certigate.core.model.TimeQuality;
import java.io.BufferedWriter;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the passport of a generated history of {@code N} odometer readings (one every 30 s, a
 * rollback every 50,000 readings followed by rising readings, a ten-day pause, a reading failing
 * its check every 40,000, 1,000 readings per anchor batch) to {@code OUT}, feeding the readings one
 * at a time as a streaming reader would; run in a JVM of its own with a small heap by
 * {@link PassportSizeTest}. Prints the heap used at the end.
 *
 * <p>Usage: {@code PassportSizeProbe OUT N}
 */
public final class PassportSizeProbe {
    private PassportSizeProbe() {}

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        long n = Long.parseLong(args[1]);
        String device = "gw-size-probe";
        String vin = "VF1RFB00X57177144";
        List<Ledger.Anchor> anchors = new ArrayList<>();
        for (long first = 1; first <= n; first += 1000) {
            anchors.add(new Ledger.Anchor(first, Math.min(n, first + 999), "0x" + "ab".repeat(32), "0x" + "cd".repeat(32),
                    100 + first / 1000, Ledger.Status.UNCHECKED, null, ""));
        }
        Ledger ledger = new Ledger(1337L, "0x" + "12".repeat(20), null, anchors, "no --rpc given");
        PassportWriter passport = new PassportWriter(null);
        long t0 = 1_700_000_000_000L;
        long tenths = 1_000_000;
        byte[] zeros = new byte[32];
        byte[] salt = new byte[16];
        for (long seq = 1; seq <= n; seq++) {
            long t = t0 + seq * 30_000L + (seq > n / 2 ? 10 * 86_400_000L : 0);
            tenths += seq % 50_000 == 0 ? -200_000 : 3;
            Reading r = new Reading(t, TimeQuality.GNSS, "obd", "vehicle.odometer", vin,
                    ReadingValue.of(BigDecimal.valueOf(tenths, 1)), "km");
            boolean bad = seq % 40_000 == 0;
            passport.accept(new PassportEntry(new ChainedReading(device, seq, zeros, salt, r), !bad,
                    bad ? "signature does not verify" : null, ledger.find(seq)));
        }
        Evidence ev = new Evidence(vin, device, "generated", Instant.parse("2026-12-01T00:00:00Z"),
                new Evidence.FileCheck(n, n / 40_000, List.of(), 1, n), new Trust(List.of(), List.of()), ledger,
                Completeness.notChecked("only the file was read"));
        try (Writer w = new BufferedWriter(Files.newBufferedWriter(out, StandardCharsets.UTF_8), 64 * 1024)) {
            passport.write(w, ev);
        }
        Runtime rt = Runtime.getRuntime();
        System.out.println("readings=" + passport.count() + " rollbacks=" + passport.rollbacks() + " bytes=" + Files.size(out)
                + " heapMax=" + rt.maxMemory());
    }
}
