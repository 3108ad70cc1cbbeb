package io.certigate.app.uplink;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.app.CertigateCli;
import io.certigate.testbed.mqtt.MosquittoBroker;
import io.certigate.uplink.mqtt.MqttUplink;
import io.certigate.uplink.mqtt.MqttUplinkOptions;
import io.certigate.uplink.testing.Await;
import io.certigate.uplink.testing.TestDevice;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@Tag("integration")
class CollectCommandTest {
    @TempDir
    Path dir;

    private static String run(String... args) {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new CertigateCli());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(out, true));
        int code = cli.execute(args);
        return code + "\n" + out;
    }

    private static String lastLine(String s) {
        String[] lines = s.strip().split("\n");
        return lines[lines.length - 1];
    }

    @Test
    void collectsWhatTheGatewayPublishedWhileItWasAwayAndPrintsTheSummaryLast() throws Exception {
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
        try (MosquittoBroker broker = MosquittoBroker.start(dir.resolve("broker"));
                TestDevice device = TestDevice.create(dir, "truck-9")) {
            String db = dir.resolve("collected.db").toString();
            // first run creates the persistent session; the broker queues for it afterwards
            String first = run("collect", "--mqtt", broker.url(), "--db", db, "--duration", "1s", "--trust-on-first-use");
            assertThat(first).startsWith("0\n");
            assertThat(lastLine(first)).startsWith("received=0 unique=0 duplicates=0 missing=0 bad_signature=0");

            device.produce(250);
            MqttUplink uplink = new MqttUplink(device.buffer(), device.key().certificateChain(),
                    MqttUplinkOptions.defaults(broker.url(), device.id()), Clock.systemUTC(), scheduler,
                    new SplittableRandom(3));
            device.sequencer().addCommitListener(uplink.commitListener());
            uplink.start();
            Await.until(Duration.ofSeconds(30), () -> "delivery", () -> device.undelivered() == 0);
            uplink.close();

            String second = run("collect", "--mqtt", broker.url(), "--db", db, "--duration", "3s", "--trust-on-first-use");
            assertThat(second).startsWith("0\n");
            assertThat(lastLine(second))
                    .startsWith("received=250 unique=250 duplicates=0 missing=0 bad_signature=0 broken_link=0")
                    .endsWith(" devices=1 unprovable_tombstones=0");
        } finally {
            scheduler.shutdownNow();
        }
    }

    @Test
    void refusesAnSslBrokerWithoutItsCa() {
        String out = run("collect", "--mqtt", "ssl://localhost:1", "--db", dir.resolve("x.db").toString(), "--duration", "1s");
        assertThat(out).startsWith("2\n").contains("--tls-ca");
    }
}
