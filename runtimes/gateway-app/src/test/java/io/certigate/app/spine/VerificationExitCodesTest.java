package io.certigate.app.spine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certigate.app.CertigateCli;
import io.certigate.app.CliRun;
import io.certigate.verifier.VerdictJson;
import io.certigate.verifier.proof.ProofBundle;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exit codes every verifying command shares ({@link VerificationExit}): 0 verified, 1 the data
 * fails, 2 the input or settings are unusable, 3 out of memory (never reported as a failure of the
 * data); and {@code verify --json}'s one schema for an export and a buffer.
 */
@Tag("component")
class VerificationExitCodesTest {
    static final String SUBJECT = "SYNTH0000000000001";

    @TempDir
    Path dir;
    Path export;
    Path buffer;
    String device;

    @BeforeEach
    void demo() {
        CliRun.Result demo = CliRun.run("demo", "--duration", "1s", "--scenarios", "none", "--no-ledger", "--no-uplink",
                "--rate", "50", "--dir", dir.resolve("demo").toString());
        assertThat(demo.exit()).as(demo.out() + demo.err()).isZero();
        export = dir.resolve("demo/load/export.json");
        buffer = dir.resolve("demo/load/buffer.db");
        device = demo.out().replaceAll("(?s).*synthetic load gateway: device (load-[0-9a-f]{4}),.*", "$1");
    }

    @Test
    void verifiedIsZeroAndTheJsonIsTheSameSchemaForAnExportAndABuffer() throws Exception {
        CliRun.Result e = CliRun.run("verify", export.toString(), "--json", "--quiet");
        assertThat(e.exit()).as(e.out() + e.err()).isEqualTo(VerificationExit.VERIFIED);
        CliRun.Result b = CliRun.run("verify", "--buffer", buffer.toString(), "--device", device, "--json");
        assertThat(b.exit()).as(b.out() + b.err()).isZero();
        JsonNode ej = new ObjectMapper().readTree(e.out());
        JsonNode bj = new ObjectMapper().readTree(b.out());
        assertThat(ej.get("format").asText()).isEqualTo(VerdictJson.FORMAT);
        assertThat(ej.at("/input/kind").asText()).isEqualTo("export");
        assertThat(bj.at("/input/kind").asText()).isEqualTo("buffer");
        assertThat(iterator(ej)).containsExactlyElementsOf(iterator(bj));
        // without a trust input or a ledger: valid, with what was not checked said (keys from the file, completeness)
        assertThat(ej.get("result").asText()).isEqualTo("valid-partial");
        assertThat(ej.get("records").asLong()).isPositive().isEqualTo(bj.get("records").asLong());
        assertThat(ej.get("verified").asLong()).isEqualTo(ej.get("records").asLong());
        assertThat(e.err()).as("quiet, and stderr is not a terminal").isEmpty();

        CliRun.Result r = CliRun.run("report", "--export", export.toString(), "--subject", SUBJECT, "-o",
                dir.resolve("p.html").toString());
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
    }

    private static java.util.List<String> iterator(JsonNode n) {
        java.util.List<String> names = new java.util.ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void aFailureOfTheDataIsOne() throws Exception {
        ObjectNode doc = (ObjectNode) new ObjectMapper().readTree(export.toFile());
        ((ArrayNode) doc.get("records")).remove(3);
        Path cut = Files.writeString(dir.resolve("cut.json"), doc.toPrettyString());
        CliRun.Result v = CliRun.run("verify", cut.toString());
        assertThat(v.exit()).isEqualTo(VerificationExit.FAILED);
        assertThat(v.out()).contains("FAIL gap at seq 4");
        CliRun.Result r = CliRun.run("report", "--export", cut.toString(), "--subject", SUBJECT, "-o",
                dir.resolve("p.html").toString());
        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(VerificationExit.FAILED);
        assertThat(dir.resolve("p.html")).exists();
    }

    @Test
    void unusableInputOrSettingsIsTwo() throws Exception {
        Path notJson = Files.writeString(dir.resolve("x.json"), "{ nope");
        Path missing = dir.resolve("missing.json");
        Path badBundle = Files.writeString(dir.resolve("b.json"), "{\"format\": \"" + ProofBundle.FORMAT + "\"}");
        String[][] cases = {
            {"verify", notJson.toString()},
            {"verify", missing.toString()},
            {"verify", badBundle.toString(), "--json"},
            {"verify", export.toString(), "--threads", "0"},
            {"verify", "--buffer", dir.resolve("nothing.db").toString(), "--device", "gw"},
            {"verify", "--buffer", buffer.toString()},
            {"verify"},
            {"proof", "verify", notJson.toString(), "--offline"},
            {"proof", "verify", missing.toString(), "--offline"},
            {"trust", badBundle.toString(), "--root", notJson.toString(), "--rpc", "http://127.0.0.1:1/", "--chain-id",
                "1337", "--registry", "0x0000000000000000000000000000000000000001"},
            {"report", "--export", notJson.toString(), "--subject", SUBJECT, "-o", dir.resolve("r.html").toString()},
            {"report", "--export", export.toString(), "--subject", "nobody", "-o", dir.resolve("r.html").toString()},
        };
        for (String[] c : cases) {
            CliRun.Result r = CliRun.run(c);
            assertThat(r.exit()).as(String.join(" ", c) + "\n" + r.out() + r.err()).isEqualTo(VerificationExit.UNUSABLE);
            assertThat(r.err()).as(String.join(" ", c)).isNotEmpty();
        }
        assertThat(dir.resolve("r.html")).doesNotExist();
    }

    @Test
    void runningOutOfMemoryIsThreeNotAFailureOfTheData() throws Exception {
        // a proof bundle is read whole (it is small by design): one far larger than the heap
        Path big = dir.resolve("big-bundle.json");
        try (BufferedWriter w = Files.newBufferedWriter(big, StandardCharsets.UTF_8)) {
            w.write("{\"format\": \"" + ProofBundle.FORMAT + "\", \"padding\": \"");
            char[] block = new char[1 << 16];
            java.util.Arrays.fill(block, 'a');
            for (int i = 0; i < 48 * 16; i++) {
                w.write(block);
            }
            w.write("\"}");
        }
        for (String[] args : new String[][] {{"verify", big.toString()}, {"proof", "verify", big.toString(), "--offline"}}) {
            String[] cmd = new String[args.length + 5];
            cmd[0] = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            cmd[1] = "-Xmx16m";
            cmd[2] = "-cp";
            cmd[3] = System.getProperty("java.class.path");
            cmd[4] = CertigateCli.class.getName();
            System.arraycopy(args, 0, cmd, 5, args.length);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(out).isEqualTo(VerificationExit.OUT_OF_RESOURCES);
            assertThat(out).contains("ran out of memory").contains("nothing was concluded about the data");
        }
    }
}
