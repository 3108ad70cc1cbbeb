package io.certigate.app.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One short round of {@code bench verify}: the generated export verifies and every figure is there. */
@Tag("component")
class VerifyBenchTest {
    @TempDir
    Path dir;

    @Test
    void oneRoundMeasuresTheVerifierAgainstRawVerification() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Map<String, String> r = new VerifyBench(2000, 1, 2, new PrintStream(printed, true, StandardCharsets.UTF_8)).run(dir);
        assertThat(r).containsKeys("raw_verify_rate", "verify_rate_1thread", "verify_ratio_1core", "verify_rate_all",
                "verify_speedup", "heap_after_gc_max_mb", "heap_max_mb");
        assertThat(r.get("records")).isEqualTo("2000");
        assertThat(Double.parseDouble(r.get("verify_ratio_1core"))).isPositive();
        assertThat(Double.parseDouble(r.get("verify_speedup"))).isPositive();
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("generated 2,000 records").contains("round 1:");
        assertThat(Files.size(dir.resolve("export.json"))).isPositive();
    }
}
