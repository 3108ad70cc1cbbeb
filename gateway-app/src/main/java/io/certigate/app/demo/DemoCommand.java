package io.certigate.app.demo;

import io.certigate.app.DurationConverter;
import io.certigate.app.anchor.DemoAnchoring;
import io.certigate.uplink.DemoUplink;
import io.certigate.app.spine.VerifyCommand;
import io.certigate.core.buffer.RecordBuffer;
import io.certigate.core.export.ExportFile;
import io.certigate.core.export.Exporter;
import io.certigate.core.export.Selection;
import io.certigate.core.sequencer.Sequencer;
import io.certigate.core.spine.Spine;
import io.certigate.core.verify.VerificationReport;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.Pkcs12KeyStore;
import io.certigate.signing.SoftwareDeviceKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code certigate demo}: the whole spine on embedded defaults. A fresh software key and a SQLite
 * buffer in a work directory, the field scenarios feeding the sequencer, then an export and an
 * independent verification of it. Exits 0 only if everything verified.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run simulated sources through the whole gateway on embedded defaults, then export and verify.")
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--duration", defaultValue = "20s", converter = DurationConverter.class,
            description = "How long the sources run (default 20s).")
    Duration duration;

    @Option(names = "--dir", description = "Work directory (default: a new temporary directory, kept afterwards).")
    Path dir;

    @Option(names = "--rate", defaultValue = "0", description = "Extra synthetic load, readings per second (default 0: none).")
    int rate;

    @Option(names = "--no-ledger", description = "Skip anchoring (no dev chain is started).")
    boolean noLedger;

    @Option(names = "--mqtt", description = "Publish to this external MQTT broker (tcp://host:port) instead of the embedded one.")
    String mqtt;

    @Option(names = "--no-uplink", description = "Do not forward readings over MQTT.")
    boolean noUplink;

    @Option(names = "--scenarios", split = ",", defaultValue = "vehicle,meter,rfid,road",
            description = "Field scenarios to run, comma-separated (default: all): vehicle, meter, rfid, road; or none.")
    List<String> selected;

    /** The field scenarios the demo knows. */
    enum Scenario {
        vehicle, meter, rfid, road;

        DemoScenario create() {
            switch (this) {
                case vehicle:
                    return new VehicleScenario();
                case meter:
                    return new LinkyHomeMeterScenario();
                case rfid:
                    return new RfidStationScenario();
                case road:
                    return new RoadHubScenario();
                default:
                    throw new IllegalStateException(name());
            }
        }
    }

    @Override
    public Integer call() throws Exception {
        Path work = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("certigate-demo-");
        System.out.println("certigate demo: work directory " + work);
        Path passFile = work.resolve("key.pass");
        if (!Files.exists(passFile)) {
            byte[] secret = new byte[24];
            new SecureRandom().nextBytes(secret);
            Files.writeString(passFile, Base64.getUrlEncoder().withoutPadding().encodeToString(secret) + "\n",
                    StandardCharsets.US_ASCII);
            Files.setPosixFilePermissions(passFile, PosixFilePermissions.fromString("rw-------"));
        }
        String device = "gw-demo-" + Long.toHexString(new SecureRandom().nextInt() & 0xffffL);
        Path keyStore = work.resolve("device.p12");
        char[] pass = io.certigate.signing.Passphrase.fromFile(passFile);
        SoftwareDeviceKey key = Files.exists(keyStore) ? Pkcs12KeyStore.open(keyStore, pass)
                : Pkcs12KeyStore.create(keyStore, CoseAlgorithm.EDDSA, device, pass);
        device = key.certificateChain().get(0).getSubjectX500Principal().getName().replaceAll("^.*CN=([^,]+).*$", "$1");
        System.out.println("  device " + device + ", " + key.describe());

        List<DemoScenario> scenarios = new ArrayList<>();
        for (String name : selected) {
            if (!name.isBlank() && !name.equals("none")) {
                try {
                    scenarios.add(Scenario.valueOf(name.trim()).create());
                } catch (IllegalArgumentException e) {
                    System.err.println("demo: unknown scenario '" + name + "' (expected vehicle, meter, rfid, road or none)");
                    return 2;
                }
            }
        }
        if (rate > 0) {
            scenarios.add(new SyntheticLoadScenario(rate));
        }
        ExecutorService writer = Executors.newSingleThreadExecutor(r -> new Thread(r, "sequencer"));
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
        Path bufferFile = work.resolve("buffer.db");
        long committed;
        boolean anchoredOk = true;
        boolean uplinkOk = true;
        try (Spine spine = Spine.open(key, bufferFile, RecordBuffer.Options.defaults(device),
                Sequencer.Options.DEFAULT, Clock.systemUTC(), writer);
                DemoAnchoring anchoring = noLedger ? null
                        : DemoAnchoring.start(work, spine.buffer(), spine.sequencer(), System.out);
                DemoUplink uplink = noUplink ? null : DemoUplink.start(mqtt, work, Clock.systemUTC(), scheduler)) {
            if (uplink != null) {
                uplink.attach(spine.buffer(), spine.sequencer(), key);
                System.out.println("  uplink: MQTT QoS 1 to " + uplink.brokerUrl() + (uplink.embedded() ? " (embedded broker)" : "")
                        + ", reference collector subscribed");
            }
            DemoScenario.Context ctx = new DemoScenario.Context(spine.sequencer(), work, Clock.systemUTC(), scheduler,
                    System.out);
            List<AutoCloseable> running = new ArrayList<>();
            try {
                for (DemoScenario s : scenarios) {
                    System.out.println("  starting " + s.name());
                    running.add(s.start(ctx));
                }
                System.out.println("  running for " + duration.toSeconds() + " s ...");
                Thread.sleep(duration.toMillis());
            } finally {
                for (AutoCloseable r : running) {
                    r.close();
                }
            }
            spine.sequencer().close();
            committed = spine.sequencer().committedCount();
            if (uplink != null) {
                System.out.println();
                System.out.println("uplink");
                boolean drained = uplink.awaitDrained(Duration.ofSeconds(60));
                uplink.summary().forEach(line -> System.out.println("  " + line));
                uplinkOk = drained && uplink.report().missing() == 0 && uplink.report().badSignature() == 0;
            }
            if (anchoring != null) {
                System.out.println();
                System.out.println("anchoring");
                anchoredOk = anchoring.finish(key.certificateChain(), System.out);
            }
        } finally {
            scheduler.shutdownNow();
            writer.shutdownNow();
        }

        Path export = work.resolve("export.json");
        try (RecordBuffer buffer = RecordBuffer.open(bufferFile, RecordBuffer.Options.defaults(device))) {
            Exporter.export(buffer, Selection.ALL, export);
        }
        VerificationReport report = VerifyCommand.verify(ExportFile.read(export));
        System.out.println();
        System.out.println("summary");
        for (DemoScenario s : scenarios) {
            s.summary().forEach(line -> System.out.println("  " + s.name() + ": " + line));
        }
        System.out.println("  committed " + committed + " signed readings to " + bufferFile);
        System.out.println("  exported to " + export + "; independent verification:");
        VerifyCommand.print(report, System.out);
        if (noLedger) {
            System.out.println("  ledger: skipped (--no-ledger): nothing was anchored");
        }
        boolean ok = report.ok() && committed > 0 && report.verified() + report.erased() == report.records() && anchoredOk && uplinkOk;
        System.out.println(ok ? "demo: everything verified" : "demo: verification FAILED");
        return ok ? 0 : 1;
    }
}
