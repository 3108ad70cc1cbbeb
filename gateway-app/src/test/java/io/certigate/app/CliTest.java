package io.certigate.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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

    private record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            var cl = CertigateCli.commandLine();
            cl.setOut(new java.io.PrintWriter(System.out, true));
            cl.setErr(new java.io.PrintWriter(System.err, true));
            int code = cl.execute(args);
            return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void everyCommandHasHelp() {
        for (String c : new String[] {"demo", "verify", "export", "erase", "bench", "key"}) {
            Run r = run(c, "--help");
            assertThat(r.exit()).as(c).isZero();
            assertThat(r.out()).as(c).contains("Usage: certigate " + c);
        }
    }

    @Test
    void demoThenExportEraseAndVerify() throws Exception {
        Run demo = run("demo", "--duration", "2s", "--scenarios", "none", "--no-ledger", "--no-uplink", "--rate", "200", "--dir", dir.toString());
        assertThat(demo.exit()).as(demo.out() + demo.err()).isZero();
        assertThat(demo.out()).contains("result: OK").contains("demo: everything verified");
        String device = demo.out().replaceAll("(?s).*device (gw-demo-[0-9a-f]+),.*", "$1");

        Path buffer = dir.resolve("buffer.db");
        Path filtered = dir.resolve("filtered.json");
        Run ex = run("export", "--buffer", buffer.toString(), "--device", device, "-o", filtered.toString(),
                "--from-seq", "10", "--to-seq", "60", "--kind", "vehicle.odometer");
        assertThat(ex.exit()).as(ex.err()).isZero();
        assertThat(ex.out()).contains("exported 51 records");

        Run erase = run("erase", "--buffer", buffer.toString(), "--device", device, "--from-seq", "20", "--to-seq", "25", "--yes");
        assertThat(erase.out()).contains("erased 6 records");
        Path all = dir.resolve("all.json");
        assertThat(run("export", "--buffer", buffer.toString(), "--device", device, "-o", all.toString()).exit()).isZero();
        Run ok = run("verify", all.toString(), "--json");
        assertThat(ok.exit()).as(ok.out()).isZero();
        JsonNode report = new ObjectMapper().readTree(ok.out());
        assertThat(report.get("ok").asBoolean()).isTrue();
        assertThat(report.get("erased").asLong()).isEqualTo(6);

        // drop a record from the file: a gap, reported by seq, exit 1
        ObjectNode doc = (ObjectNode) new ObjectMapper().readTree(all.toFile());
        ((ArrayNode) doc.get("records")).remove(40);
        Path cut = dir.resolve("cut.json");
        Files.writeString(cut, doc.toPrettyString());
        Run bad = run("verify", cut.toString());
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.out()).contains("FAIL gap at seq 41").contains("result: FAILED");
    }

    @Test
    void badInputGivesAClearErrorNamingIt() throws Exception {
        Path notJson = Files.writeString(dir.resolve("x.json"), "{ nope");
        Run r = run("verify", notJson.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains(notJson.toString());
        Run d = run("demo", "--duration", "soon");
        assertThat(d.exit()).isEqualTo(2);
        assertThat(d.err()).contains("'soon' is not a duration");
        Path foreign = Files.writeString(dir.resolve("buffer.db"), "not a database at all, just text");
        Run e = run("export", "--buffer", foreign.toString(), "--device", "gw", "-o", dir.resolve("o.json").toString());
        assertThat(e.exit()).isEqualTo(1);
        assertThat(e.err()).contains("not an SQLite database").contains(foreign.toString());
    }
}
