package io.certigate.app.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.app.CliRun;
import io.certigate.app.spine.VerifyCommand;
import io.certigate.core.buffer.RecordBuffer;
import io.certigate.verifier.chain.VerificationReport;
import io.certigate.verifier.export.ExportFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code certigate demo} as one gateway per field scenario: each with its own key, buffer and chain,
 * forwarded and (with the ledger) anchored, verified per device; the vehicle keeps its certified
 * odometer and the road hub its sensor marks inside their own buffers.
 */
class DemoCommandTest {
    private static final Pattern DEVICE = Pattern.compile("  ([A-Za-z ]+): device ([a-z]+-[0-9a-f]{4}), ");

    @TempDir
    Path dir;

    /** Gateway kind to device id, from the demo's opening lines. */
    private static java.util.Map<String, String> devices(String out) {
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
        Matcher x = DEVICE.matcher(out);
        while (x.find()) {
            m.put(x.group(1), x.group(2));
        }
        return m;
    }

    private static VerificationReport verify(Path export) throws Exception {
        return VerifyCommand.verify(ExportFile.read(export));
    }

    private static long count(Path buffer, String device, String sql) throws Exception {
        // the device is checked by opening the buffer read-only; the count is the test's own read
        RecordBuffer.openReadOnly(buffer, device).close();
        try (var c = io.certigate.core.io.SqliteFiles.openReadOnly(buffer); var st = c.createStatement();
                var rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : -1L;
        }
    }

    @Test
    @Tag("component")
    void eachScenarioIsAGatewayOfItsOwnWithItsOwnChain() throws Exception {
        CliRun.Result r = CliRun.run("demo", "--duration", "12s", "--no-ledger", "--scenarios", "vehicle,road", "--rate", "50",
                "--dir", dir.toString());
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).endsWith("demo: everything verified\n").contains("ledger: skipped (--no-ledger)");
        var devices = devices(r.out());
        assertThat(devices).containsOnlyKeys("vehicle box", "road hub", "synthetic load gateway");
        assertThat(new HashSet<>(devices.values())).hasSize(3);
        Set<String> keyIds = new HashSet<>();
        for (var e : List.of(List.of("vehicle", "vehicle box"), List.of("road", "road hub"), List.of("load", "synthetic load gateway"))) {
            Path d = dir.resolve(e.get(0));
            String id = devices.get(e.get(1));
            VerificationReport v = verify(d.resolve("export.json"));
            assertThat(v.ok()).as(id).isTrue();
            assertThat(v.device()).isEqualTo(id);
            assertThat(v.firstSeq()).as("a chain of its own starts at 1").isEqualTo(1);
            assertThat(v.verified()).isPositive().isEqualTo(v.records());
            ExportFile.read(d.resolve("export.json")).keys().forEach(k -> keyIds.add(java.util.HexFormat.of().formatHex(k.getEncoded())));
            assertThat(r.out()).contains("committed " + v.records() + " signed readings; exported to " + d.resolve("export.json"));
        }
        assertThat(keyIds).as("one key per gateway").hasSize(3);
        // the vehicle box's certified odometer and the road hub's sensor marks live in their own buffers
        assertThat(count(dir.resolve("vehicle/buffer.db"), devices.get("vehicle box"),
                "SELECT count(*) FROM obd_odometer WHERE vin = '1M8GDM9AXKP042788'")).isEqualTo(1);
        assertThat(count(dir.resolve("road/buffer.db"), devices.get("road hub"), "SELECT count(*) FROM coap_sensor_seq"))
                .isEqualTo(5);
        try (var files = Files.list(dir.resolve("road"))) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("sequences"));
        }
        // the uplink carried the three chains to the one collector
        assertThat(r.out()).containsPattern("received=\\d+ unique=\\d+ duplicates=0 missing=0 bad_signature=0 broken_link=0"
                + " conflicts=0 malformed=0 unverified=0 devices=3");
    }

    @Test
    @Tag("integration")
    void everyGatewayIsAnchoredAndTheVehiclesPassportIsWritten() throws Exception {
        Path passport = dir.resolve("passport.html");
        CliRun.Result r = CliRun.run("demo", "--duration", "14s", "--dir", dir.toString(), "--report", passport.toString());
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).endsWith("demo: everything verified\n");
        var devices = devices(r.out());
        assertThat(devices).containsOnlyKeys("vehicle box", "Linky meter gateway", "RFID station", "road hub");
        assertThat(r.out()).contains("devices=4");
        Set<String> accounts = new HashSet<>();
        for (String role : List.of("vehicle", "meter", "rfid", "road")) {
            Path d = dir.resolve(role);
            assertThat(verify(d.resolve("export.json")).ok()).as(role).isTrue();
            String id = verify(d.resolve("export.json")).device();
            assertThat(r.out()).containsPattern(id + ": anchored (\\d+) of \\1 batches");
            assertThat(r.out()).contains("written to " + d.resolve("proof.json") + "; verified on chain: all ");
            CliRun.Result proof = CliRun.run("proof", "verify", d.resolve("proof.json").toString(), "--offline");
            assertThat(proof.exit()).as(role + ": " + proof.out()).isZero();
            Matcher m = Pattern.compile("ledger account of " + id + ": (0x[0-9a-f]{40})").matcher(r.out());
            assertThat(m.find()).as(id + " has a ledger account").isTrue();
            accounts.add(m.group(1));
        }
        assertThat(accounts).as("one ledger account per gateway").hasSize(4);
        String html = Files.readString(passport, StandardCharsets.UTF_8);
        assertThat(html).contains("1M8GDM9AXKP042788").contains(devices.get("vehicle box")).contains("rollback").contains("block ");
        Matcher flagged = Pattern.compile("vehicle: (\\d+) odometer readings flagged rollback-suspected").matcher(r.out());
        assertThat(flagged.find()).isTrue();
        assertThat(Integer.parseInt(flagged.group(1))).as("the rollback happened within the run").isPositive();
        // one rollback event holding every flagged reading, not the speed or engine figures going down
        assertThat(r.out()).containsPattern("passport report: wrote " + Pattern.quote(passport.toString())
                + ": \\d+ readings of 1M8GDM9AXKP042788, 1 rollback \\(" + flagged.group(1) + " readings? inside\\)");
        // the demo's anchors checked on its chain, every reading in an anchored batch
        assertThat(html).contains("(checked on chain)").doesNotContain("NOT confirmed").doesNotContain(">not anchored<");
        // the same report from the vehicle's export with the report command
        CliRun.Result again = CliRun.run("report", "--export", dir.resolve("vehicle/export.json").toString(), "--subject",
                "1M8GDM9AXKP042788", "-o", dir.resolve("again.html").toString());
        assertThat(again.exit()).as(again.err()).isZero();
    }
}
