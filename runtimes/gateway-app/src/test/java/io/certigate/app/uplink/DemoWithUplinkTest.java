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

/**
 * {@code certigate demo} with its uplink: embedded Moquette broker, one MQTT publisher per gateway
 * and the collector in one JVM (component), or an external Mosquitto broker with {@code --mqtt}
 * (integration).
 */
class DemoWithUplinkTest {
    @TempDir
    Path dir;

    @Test
    @Tag("component")
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

    /** {@code --mqtt}: the gateways publish to an external broker (Debian's mosquitto), each its own client. */
    @Test
    @Tag("integration")
    void theDemoPublishesEveryGatewayToAnExternalBroker() throws Exception {
        try (var broker = io.certigate.testbed.mqtt.MosquittoBroker.start(dir.resolve("broker"))) {
            var r = io.certigate.app.CliRun.run("demo", "--duration", "6s", "--scenarios", "rfid,meter", "--no-ledger", "--rate", "100",
                    "--mqtt", broker.url(), "--dir", dir.resolve("work").toString());
            assertThat(r.exit()).as(r.out() + r.err()).isZero();
            assertThat(r.out()).contains("uplink: MQTT QoS 1 to " + broker.url() + ", one client per gateway")
                    .doesNotContain("(embedded broker)")
                    .containsPattern("uplink rfid-[0-9a-f]{4} -> " + java.util.regex.Pattern.quote(broker.url()) + ": [1-9]\\d* records sent")
                    .containsPattern("uplink meter-[0-9a-f]{4} -> ")
                    .containsPattern("uplink load-[0-9a-f]{4} -> ")
                    .containsPattern("missing=0 bad_signature=0 broken_link=0 conflicts=0 malformed=0 unverified=0 devices=3")
                    .endsWith("demo: everything verified\n");
        }
    }
}
