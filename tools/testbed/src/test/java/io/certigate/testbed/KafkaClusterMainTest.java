package io.certigate.testbed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** scripts/kafka-cluster's commands on folders without a running cluster, and their usage errors. */
@Tag("component")
class KafkaClusterMainTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) throws Exception {
        return KafkaClusterMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void usageErrorsAreExitCode2() throws Exception {
        assertThat(run("start")).isEqualTo(2);
        assertThat(run("restart", dir.toString())).isEqualTo(2);
        assertThat(run("start", dir.toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--classpath-file is missing", "usage: kafka-cluster");
        assertThatThrownBy(() -> run("start", dir.toString(), "--brokers", "three"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("--brokers needs a number, not three");
        assertThat(out.size()).isZero();
    }

    @Test
    void aFolderWithoutAClusterHasNoStatusAndNothingToStop() throws Exception {
        assertThat(run("status", dir.toString())).isEqualTo(1);
        assertThat(run("stop", dir.toString())).isZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("no Kafka cluster in " + dir,
                "no Kafka broker of " + dir + " is running");
    }
}
