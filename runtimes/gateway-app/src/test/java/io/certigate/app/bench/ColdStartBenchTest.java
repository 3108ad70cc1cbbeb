package io.certigate.app.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench coldstart} on this build: one real gateway process measured and stopped. */
class ColdStartBenchTest {
    @TempDir
    Path dir;

    @Test
    @Tag("component")
    void oneRoundMeasuresTheFirstCommitAndTheKeyLoadAndSeesACleanStop() throws Exception {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        Map<String, String> figures = new ColdStartBench(null, "-Xmx64m", 1,
                new PrintStream(text, true, StandardCharsets.UTF_8)).run(dir);
        String log = text.toString(StandardCharsets.UTF_8);
        assertThat(figures).containsEntry("sigterm_exit", "0").containsEntry("stack_trace_lines", "0")
                .doesNotContainKey("baseline_coldstart_ms_median");
        long coldStart = Long.parseLong(figures.get("coldstart_ms_median"));
        long keyOpen = Long.parseLong(figures.get("key_open_ms_median"));
        assertThat(coldStart).isPositive();
        assertThat(keyOpen).isLessThan(coldStart);
        assertThat(Long.parseLong(figures.get("coldstart_cpu_ms_median"))).isPositive();
        assertThat(log).contains("this build, round 1: key store opened in").contains("the run's own key load");
    }

    @Test
    @Tag("unit")
    void theMedianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        assertThat(ColdStartBench.median(List.of(30L, 10L, 20L))).isEqualTo(20);
        assertThat(ColdStartBench.median(List.of(40L, 10L, 30L, 20L))).isEqualTo(25);
    }
}
