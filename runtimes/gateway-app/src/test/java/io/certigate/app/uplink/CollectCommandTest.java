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
import java.nio.file.Files;
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
                    .endsWith(" devices=1 unprovable_tombstones=0 unverified_dropped=0 unverified_expired=0");
        } finally {
            scheduler.shutdownNow();
        }
    }

    @Test
    void logsInToABrokerThatRequiresAPasswordReadFromAFile() throws Exception {
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
        try (MosquittoBroker broker = MosquittoBroker.in(dir.resolve("broker")).password("collector", "collector secret")
                .password("truck-9", "device secret").start();
                TestDevice device = TestDevice.create(dir, "truck-9")) {
            String db = dir.resolve("collected.db").toString();
            Path secret = Files.writeString(dir.resolve("collector.pass"), "collector secret\n");
            String[] login = {"--username", "collector", "--password-source", "file:" + secret};
            // the session the broker keeps for the collector is made by a first run that logs in
            String first = run(concat(new String[] {"collect", "--mqtt", broker.url(), "--db", db, "--duration", "1s",
                "--trust-on-first-use"}, login));
            assertThat(first).startsWith("0\n");
            assertThat(broker.log()).contains("u'collector'");

            device.produce(30);
            MqttUplink uplink = new MqttUplink(device.buffer(), device.key().certificateChain(),
                    MqttUplinkOptions.defaults(broker.url(), device.id()).withCredentials("truck-9",
                            "device secret".toCharArray()), Clock.systemUTC(), scheduler, new SplittableRandom(3));
            device.sequencer().addCommitListener(uplink.commitListener());
            uplink.start();
            Await.until(Duration.ofSeconds(30), () -> "delivery", () -> device.undelivered() == 0);
            uplink.close();

            String second = run(concat(new String[] {"collect", "--mqtt", broker.url(), "--db", db, "--duration", "3s",
                "--trust-on-first-use"}, login));
            assertThat(lastLine(second)).startsWith("received=30 unique=30 duplicates=0 missing=0");
        } finally {
            scheduler.shutdownNow();
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void refusesCredentialsInClearToAnotherHostAndIncompleteLoginOptions() throws Exception {
        String db = dir.resolve("x.db").toString();
        Path secret = Files.writeString(dir.resolve("p"), "s3cret");
        String clear = run("collect", "--mqtt", "tcp://broker.example:1883", "--db", db, "--username", "collector",
                "--password-source", "file:" + secret);
        assertThat(clear).startsWith("2\n").contains("in clear").contains("--allow-plaintext-credentials")
                .doesNotContain("s3cret");
        assertThat(run("collect", "--mqtt", "tcp://localhost:1", "--db", db, "--password-source", "file:" + secret))
                .startsWith("2\n").contains("--password-source needs --username");
        assertThat(run("collect", "--mqtt", "tcp://localhost:1", "--db", db, "--username", "c", "--password-source",
                "s3cret")).startsWith("2\n").contains("--password-source").contains("file:PATH").doesNotContain("s3cret");
        assertThat(run("collect", "--mqtt", "ssl://localhost:1", "--db", db, "--tls-ca", secret.toString(),
                "--tls-client-keystore", secret.toString())).startsWith("2\n").contains("go together");
        assertThat(run("collect", "--mqtt", "tcp://localhost:1", "--db", db, "--registry",
                "0x0000000000000000000000000000000000000001")).startsWith("2\n").contains("go together");
        assertThat(Files.exists(dir.resolve("x.db"))).as("nothing created on a refused start").isFalse();
    }

    @Test
    void refusesAnSslBrokerWithoutItsCa() {
        String out = run("collect", "--mqtt", "ssl://localhost:1", "--db", dir.resolve("x.db").toString(), "--duration", "1s");
        assertThat(out).startsWith("2\n").contains("--tls-ca");
    }
}
