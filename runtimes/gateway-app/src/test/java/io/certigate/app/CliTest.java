package io.certigate.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI end to end in this JVM: demo, export with filters, erase, verify and its exit codes. */
@Tag("component")
class CliTest {
    @TempDir
    Path dir;



    @Test
    void everyCommandHasHelp() {
        for (String c : new String[] {"demo", "verify", "export", "erase", "bench", "key"}) {
            CliRun.Result r = CliRun.run(c, "--help");
            assertThat(r.exit()).as(c).isZero();
            assertThat(r.out()).as(c).contains("Usage: certigate " + c);
        }
    }

    @Test
    void demoThenExportEraseAndVerify() throws Exception {
        CliRun.Result demo = CliRun.run("demo", "--duration", "2s", "--scenarios", "none", "--no-ledger", "--no-uplink", "--rate", "200", "--dir", dir.toString());
        assertThat(demo.exit()).as(demo.out() + demo.err()).isZero();
        assertThat(demo.out()).contains("result: OK").contains("demo: everything verified");
        String device = demo.out().replaceAll("(?s).*synthetic load gateway: device (load-[0-9a-f]{4}),.*", "$1");
        assertThat(device).matches("load-[0-9a-f]{4}");

        Path buffer = dir.resolve("load/buffer.db");
        Path filtered = dir.resolve("filtered.json");
        CliRun.Result ex = CliRun.run("export", "--buffer", buffer.toString(), "--device", device, "-o", filtered.toString(),
                "--from-seq", "10", "--to-seq", "60", "--kind", "vehicle.odometer");
        assertThat(ex.exit()).as(ex.err()).isZero();
        assertThat(ex.out()).contains("exported 51 records");

        CliRun.Result erase = CliRun.run("erase", "--buffer", buffer.toString(), "--device", device, "--from-seq", "20", "--to-seq", "25", "--yes");
        assertThat(erase.out()).contains("erased 6 records");
        Path all = dir.resolve("all.json");
        assertThat(CliRun.run("export", "--buffer", buffer.toString(), "--device", device, "-o", all.toString()).exit()).isZero();
        CliRun.Result ok = CliRun.run("verify", all.toString(), "--json");
        assertThat(ok.exit()).as(ok.out()).isZero();
        JsonNode report = new ObjectMapper().readTree(ok.out());
        assertThat(report.get("ok").asBoolean()).isTrue();
        assertThat(report.get("erased").asLong()).isEqualTo(6);

        // drop a record from the file: a gap, reported by seq, exit 1
        ObjectNode doc = (ObjectNode) new ObjectMapper().readTree(all.toFile());
        ((ArrayNode) doc.get("records")).remove(40);
        Path cut = dir.resolve("cut.json");
        Files.writeString(cut, doc.toPrettyString());
        CliRun.Result bad = CliRun.run("verify", cut.toString());
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.out()).contains("FAIL gap at seq 41").contains("result: FAILED");
    }

    @Test
    void badInputGivesAClearErrorNamingIt() throws Exception {
        Path notJson = Files.writeString(dir.resolve("x.json"), "{ nope");
        CliRun.Result r = CliRun.run("verify", notJson.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains(notJson.toString());
        CliRun.Result d = CliRun.run("demo", "--duration", "soon");
        assertThat(d.exit()).isEqualTo(2);
        assertThat(d.err()).contains("'soon' is not a duration");
        CliRun.Result nothing = CliRun.run("demo", "--scenarios", "none", "--dir", dir.resolve("d1").toString());
        assertThat(nothing.exit()).isEqualTo(2);
        assertThat(nothing.err()).contains("nothing to run");
        CliRun.Result noSubject = CliRun.run("demo", "--scenarios", "rfid,road", "--report", "p.html");
        assertThat(noSubject.exit()).isEqualTo(2);
        assertThat(noSubject.err()).contains("--report p.html needs the vehicle or the meter scenario");
        CliRun.Result unknown = CliRun.run("demo", "--scenarios", "vehicle,boat");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown scenario 'boat'");
        Path foreign = Files.writeString(dir.resolve("buffer.db"), "not a database at all, just text");
        CliRun.Result e = CliRun.run("export", "--buffer", foreign.toString(), "--device", "gw", "-o", dir.resolve("o.json").toString());
        assertThat(e.exit()).isEqualTo(1);
        assertThat(e.err()).contains("not an SQLite database").contains(foreign.toString());
    }
}
