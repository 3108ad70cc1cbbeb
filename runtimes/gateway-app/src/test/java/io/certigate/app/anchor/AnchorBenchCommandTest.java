package io.certigate.app.anchor;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.app.bench.BenchCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code bench anchor}'s options: the fleet ones only with {@code --fleet}, refused before any work starts. */
@Tag("unit")
class AnchorBenchCommandTest {
    private static String refused(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream stderr = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertThat(new CommandLine(new BenchCommand()).execute(args)).isEqualTo(2);
        } finally {
            System.setErr(stderr);
        }
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void fleetOptionsOnlyWithFleet() {
        assertThat(refused("anchor", "--devices", "10")).contains("apply only with --fleet");
        assertThat(refused("anchor", "--records", "5")).contains("apply only with --fleet");
        assertThat(refused("anchor", "--fleet", "--quick")).contains("--quick only without it");
    }

    @Test
    void fleetCountsArePositive() {
        assertThat(refused("anchor", "--fleet", "--devices", "10,0")).contains("at least 1");
        assertThat(refused("anchor", "--fleet", "--intervals", "0")).contains("at least 1");
        assertThat(refused("anchor", "--fleet", "--devices", "10,many")).contains("separated by commas");
    }
}
