package io.certigate.app.uplink;

import io.certigate.fleet.collector.Collector;
import io.certigate.fleet.collector.CollectorReport;
import io.certigate.fleet.collector.DeviceKeys;
import io.certigate.fleet.collector.MqttCollector;
import io.certigate.uplink.UplinkException;
import io.certigate.uplink.mqtt.TlsSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code certigate collect}: the reference collector. Subscribes to every device's readings and
 * status, verifies each record's signature and the chain links, stores each (device, seq) once in
 * SQLite and reports gaps. The last output line is {@code key=value} pairs.
 */
@Command(name = "collect", mixinStandardHelpOptions = true,
        description = {"Subscribe to certigate uplink topics, verify, deduplicate and store every record.",
            "Device keys come from --keys (export files or PEM certificates, CN = device id), from status messages whose"
                + " certificate chain validates to --ca, or, with --trust-on-first-use, from the first status message of"
                + " each device.",
            "The last line is key=value pairs: received, unique, duplicates, missing, bad_signature and more."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:collected; no integrity problem", "1:a bad signature, broken link or fork was seen",
            "2:cannot start (database, keys, broker settings)"})
public final class CollectCommand implements Callable<Integer> {

    @Option(names = "--mqtt", required = true, paramLabel = "URL", description = "Broker, tcp://host:port or ssl://host:port.")
    String url;

    @Option(names = "--db", required = true, paramLabel = "FILE", description = "Collector SQLite database (created if absent).")
    Path db;

    @Option(names = "--duration", paramLabel = "D", converter = io.certigate.app.DurationConverter.class,
            description = "How long to collect (30s, 5m, PT1H); until interrupted if absent.")
    Duration duration;

    @Option(names = "--keys", paramLabel = "FILE", description = "Device export file or PEM device certificates (repeatable).")
    List<Path> keyFiles = new ArrayList<>();

    @Option(names = "--ca", paramLabel = "FILE", description = "Consortium CA certificates (PEM) for keys carried by status messages.")
    Path caFile;

    @Option(names = "--trust-on-first-use", description = "Pin the key of each device's first status message (demo only).")
    boolean trustOnFirstUse;

    @Option(names = "--tls-ca", paramLabel = "FILE", description = "CA certificates (PEM) of the broker, for ssl:// URLs.")
    Path tlsCa;

    @Option(names = "--client-id", paramLabel = "ID", defaultValue = "certigate-collector",
            description = "Client id of the persistent MQTT session (default: ${DEFAULT-VALUE}).")
    String clientId;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        DeviceKeys keys;
        MqttCollector.Options options;
        try {
            List<X509Certificate> cas = caFile == null ? List.of() : TlsSettings.readCertificates(caFile);
            keys = new DeviceKeys(cas, trustOnFirstUse);
            for (Path f : keyFiles) {
                keys.load(f);
            }
            options = MqttCollector.Options.defaults(url).withClientId(clientId);
            if (tlsCa != null && !url.startsWith("ssl://")) {
                err.println("collect: --tls-ca applies to ssl:// brokers only, not " + url);
                return 2;
            }
            if (tlsCa != null) {
                options = options.withTls(TlsSettings.fromFiles(tlsCa, null, null));
            } else if (url.startsWith("ssl://")) {
                err.println("collect: an ssl:// broker needs --tls-ca");
                return 2;
            }
        } catch (IOException | IllegalArgumentException e) {
            err.println("collect: " + e.getMessage());
            return 2;
        }
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "collector");
            t.setDaemon(true);
            return t;
        });
        Collector collector;
        try {
            collector = Collector.start(db, keys, options, Clock.systemUTC(), scheduler);
        } catch (UplinkException e) {
            err.println("collect: " + e.getMessage());
            scheduler.shutdownNow();
            return 2;
        }
        out.println("collecting from " + url + " into " + db + (duration == null ? " until interrupted" : " for " + duration));
        out.flush();
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch reported = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                reported.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            if (duration == null) {
                stop.await();
            } else {
                stop.await(duration.toMillis(), TimeUnit.MILLISECONDS);
            }
            CollectorReport r = collector.report();
            collector.close();
            out.println(r.line());
            out.flush();
            return r.badSignature() + r.brokenLink() + r.conflicts() > 0 ? 1 : 0;
        } finally {
            reported.countDown();
            scheduler.shutdownNow();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it waits for the report printed above
            }
        }
    }
}
