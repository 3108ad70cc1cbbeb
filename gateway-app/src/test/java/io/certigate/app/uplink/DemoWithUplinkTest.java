package io.certigate.app.uplink;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.app.CertigateCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code certigate demo} with its uplink: embedded Moquette broker, MQTT publisher and collector in one JVM. */
@Tag("component")
class DemoWithUplinkTest {
    @TempDir
    Path dir;

    @Test
    void theDemoForwardsEveryReadingToItsCollector() {
        PrintStream out = System.out;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            var cl = CertigateCli.commandLine();
            cl.setOut(new java.io.PrintWriter(System.out, true));
            code = cl.execute("demo", "--duration", "2s", "--scenarios", "none", "--no-ledger", "--rate", "200",
                    "--dir", dir.toString());
        } finally {
            System.setOut(out);
        }
        String text = o.toString(StandardCharsets.UTF_8);
        assertThat(code).as(text).isZero();
        assertThat(text).contains("(embedded broker)");
        assertThat(text).containsPattern("received=(\\d+) unique=\\d+ duplicates=\\d+ missing=0 bad_signature=0 broken_link=0");
        assertThat(text).doesNotContain("unique=0 ");
    }
}
