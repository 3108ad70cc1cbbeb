package io.certigate.app.demo;

import io.certigate.app.DurationConverter;
import io.certigate.app.anchor.DemoAnchoring;
import io.certigate.app.report.ReportCommand;
import io.certigate.app.spine.VerifyCommand;
import io.certigate.core.export.Exporter;
import io.certigate.core.export.Selection;
import io.certigate.verifier.chain.VerificationReport;
import io.certigate.verifier.export.ExportFile;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code certigate demo}: the field scenarios, each on a gateway of its own (a vehicle box, a Linky
 * meter gateway, an RFID station, a road hub; {@link DemoDevice}: own key, buffer and chain), all
 * forwarded over one MQTT uplink to a reference collector and anchored on one dev chain, each with
 * its own ledger account; then per device an export, an independent verification of it and a
 * proof bundle verified on the chain. Exits 0 only if everything verified.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run the field scenarios through the whole stack, then export and verify every gateway's chain.",
            "Each scenario (a vehicle box, a Linky meter gateway, an RFID station, a road hub) runs on a simulated"
                + " gateway of its own, with embedded defaults: an MQTT broker, an anvil dev chain and simulated devices."})
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "20s", converter = DurationConverter.class,
            description = "How long the sources run (default 20s).")
    Duration duration;

    @Option(names = "--dir", paramLabel = "DIR", description = "Work directory (default: a new temporary directory, kept afterwards);"
            + " one sub-directory per gateway.")
    Path dir;

    @Option(names = "--rate", paramLabel = "N", defaultValue = "0",
            description = "Extra synthetic load on a gateway of its own ('load'), readings per second (default 0: none).")
    int rate;

    @Option(names = "--no-ledger", description = "Skip anchoring (no dev chain is started).")
    boolean noLedger;

    @Option(names = "--mqtt", paramLabel = "URL", description = "Publish to this external MQTT broker (tcp://host:port) instead of the embedded one.")
    String mqtt;

    @Option(names = "--no-uplink", description = "Do not forward readings over MQTT.")
    boolean noUplink;

    @Option(names = "--scenarios", split = ",", paramLabel = "NAME", defaultValue = "vehicle,meter,rfid,road",
            description = "Field scenarios to run, comma-separated (default: all): vehicle, meter, rfid, road; or none.")
    List<String> selected;

    @Option(names = "--report", paramLabel = "FILE",
            description = "Write the passport report (HTML) of the vehicle's VIN, or without the vehicle of the Linky meter, to FILE.")
    Path report;

    /** The field scenarios the demo knows, each the gateway it runs on. */
    enum Scenario {
        vehicle("vehicle box"), meter("Linky meter gateway"), rfid("RFID station"), road("road hub");

        final String gateway;

        Scenario(String gateway) {
            this.gateway = gateway;
        }

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

    /** What became of one gateway. */
    private record Outcome(DemoDevice device, Path export, VerificationReport report, boolean anchored) {
        boolean ok() {
            return report.ok() && device.committed() > 0 && report.verified() + report.erased() == report.records() && anchored;
        }
    }

    @Override
    public Integer call() throws Exception {
        Map<Scenario, DemoScenario> scenarios = new LinkedHashMap<>();
        for (String name : selected) {
            if (!name.isBlank() && !name.trim().equals("none")) {
                Scenario s;
                try {
                    s = Scenario.valueOf(name.trim());
                } catch (IllegalArgumentException e) {
                    System.err.println("demo: unknown scenario '" + name + "' (expected vehicle, meter, rfid, road or none)");
                    return 2;
                }
                scenarios.putIfAbsent(s, s.create());
            }
        }
        if (mqtt != null && noUplink) {
            System.err.println("demo: --mqtt " + mqtt + " names the uplink's broker, and --no-uplink turns the uplink off");
            return 2;
        }
        if (scenarios.isEmpty() && rate <= 0) {
            System.err.println("demo: nothing to run: --scenarios none and no --rate");
            return 2;
        }
        Scenario passport = scenarios.containsKey(Scenario.vehicle) ? Scenario.vehicle
                : scenarios.containsKey(Scenario.meter) ? Scenario.meter : null;
        if (report != null && passport == null) {
            System.err.println("demo: --report " + report + " needs the vehicle or the meter scenario (--scenarios)");
            return 2;
        }
        Path work = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("certigate-demo-");
        System.out.println("certigate demo: work directory " + work);
        String suffix = String.format("%04x", new SecureRandom().nextInt() & 0xffff);

        List<DemoDevice> devices = new ArrayList<>();
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
        try {
            for (Map.Entry<Scenario, DemoScenario> e : scenarios.entrySet()) {
                devices.add(DemoDevice.open(work, e.getKey().name(), e.getKey().gateway, e.getValue(), suffix));
            }
            if (rate > 0) {
                devices.add(DemoDevice.open(work, "load", "synthetic load gateway", new SyntheticLoadScenario(rate), suffix));
            }
            for (DemoDevice d : devices) {
                System.out.println("  " + d.kind() + ": device " + d.deviceId() + ", " + d.spine().key().describe() + ", buffer "
                        + d.dir().resolve("buffer.db"));
            }
            return run(work, devices, scheduler, passport == null ? null : passport.name()) ? 0 : 1;
        } finally {
            scheduler.shutdownNow();
            for (DemoDevice d : devices) {
                d.close();
            }
        }
    }

    private boolean run(Path work, List<DemoDevice> devices, ScheduledExecutorService scheduler, String passportRole)
            throws Exception {
        Map<DemoDevice, DemoAnchoring.Device> anchored = new LinkedHashMap<>();
        List<Outcome> outcomes = new ArrayList<>();
        boolean uplinkOk = true;
        Optional<String> passportLine = Optional.empty();
        roadMapLine = null;
        try (DemoAnchoring anchoring = noLedger ? null : DemoAnchoring.start(work, System.out);
                DemoUplink uplink = noUplink ? null : DemoUplink.start(mqtt, work, Clock.systemUTC(), scheduler)) {
            for (DemoDevice d : devices) {
                if (anchoring != null) {
                    anchored.put(d, anchoring.attach(d.spine().buffer(), d.spine().sequencer(), d.dir(), System.out));
                }
                if (uplink != null) {
                    uplink.attach(d.spine().buffer(), d.spine().sequencer(), d.spine().key());
                }
            }
            if (uplink != null) {
                System.out.println("  uplink: MQTT QoS 1 to " + uplink.brokerUrl() + (uplink.embedded() ? " (embedded broker)" : "")
                        + ", one client per gateway, reference collector subscribed");
            }
            try {
                for (DemoDevice d : devices) {
                    d.start(scheduler, System.out);
                }
                System.out.println("  running for " + duration.toSeconds() + " s ...");
                Thread.sleep(duration.toMillis());
            } finally {
                for (DemoDevice d : devices) {
                    d.stop();
                }
            }
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
            }
            for (DemoDevice d : devices) {
                DemoAnchoring.Device a = anchored.get(d);
                boolean anchoredOk = a == null || a.finish(d.spine().key().certificateChain(), System.out);
                Path export = d.dir().resolve("export.json");
                Exporter.export(d.spine().buffer(), Selection.ALL, export);
                ExportFile.Contents contents = ExportFile.read(export);
                outcomes.add(new Outcome(d, export, VerifyCommand.verify(contents), anchoredOk));
                if (d.scenario() instanceof VehicleScenario) {
                    roadMapLine = roadMap(export, report);
                }
                if (report != null && d.role().equals(passportRole)) {
                    ReportCommand.Anchoring anchors = a == null || anchoring == null ? ReportCommand.Anchoring.NONE
                            : new ReportCommand.Anchoring(a.batches(), anchoring.rpcUrl(), null);
                    DemoScenario.Passport p = d.scenario().passport();
                    passportLine = ReportCommand.write(export, export.toString(), p.subject(), p.kind(), anchors, report, export,
                            d.spine().buffer().file());
                    if (passportLine.isEmpty()) {
                        passportLine = Optional.of("FAILED: no readings of " + p.subject() + " in " + export);
                    }
                }
            }
        }
        return summary(outcomes, uplinkOk, passportLine);
    }

    /** What the road map line of the summary says; null without a vehicle. */
    private String roadMapLine;

    /**
     * The road map of the vehicle's located shock events, in the vehicle's folder and, with
     * {@code --report}, next to the passport.
     */
    private static String roadMap(Path export, Path passport) {
        try {
            List<io.certigate.app.report.RoadEvent> events = io.certigate.app.report.RoadMap.events(export);
            if (events.isEmpty()) {
                return "no located road.shock event: no road map";
            }
            Path out = passport != null ? passport.toAbsolutePath().resolveSibling("road-map.svg")
                    : export.resolveSibling("road-map.svg");
            return io.certigate.app.report.RoadMap.write(events, "Road condition: the demo's vehicle box",
                    io.certigate.app.report.RoadHotSpots.DEFAULT_RADIUS_M, io.certigate.app.report.RoadMap.EXPORT_VERIFICATION,
                    out, export);
        } catch (Exception e) {
            return "FAILED: road map: " + e.getMessage();
        }
    }

    private boolean summary(List<Outcome> outcomes, boolean uplinkOk, Optional<String> passportLine) {
        System.out.println();
        System.out.println("summary");
        boolean ok = uplinkOk;
        for (Outcome o : outcomes) {
            DemoDevice d = o.device();
            System.out.println("  " + d.kind() + " " + d.deviceId() + " (" + d.dir() + ")");
            d.scenario().summary().forEach(line -> System.out.println("    " + d.scenario().name() + ": " + line));
            System.out.println("    committed " + d.committed() + " signed readings; exported to " + o.export()
                    + "; independent verification:");
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            VerifyCommand.print(o.report(), new PrintStream(printed, true, StandardCharsets.UTF_8));
            printed.toString(StandardCharsets.UTF_8).lines().forEach(line -> System.out.println("      " + line));
            if (!o.anchored()) {
                System.out.println("    anchoring: FAILED (see above)");
            }
            System.out.println("    " + (o.ok() ? "verified" : "NOT verified"));
            ok &= o.ok();
        }
        if (noLedger) {
            System.out.println("  ledger: skipped (--no-ledger): nothing was anchored");
        }
        if (!uplinkOk) {
            System.out.println("  uplink: FAILED (not drained, missing records or bad signatures; see above)");
        }
        if (roadMapLine != null) {
            System.out.println("  " + roadMapLine);
            ok &= !roadMapLine.startsWith("FAILED");
        }
        if (passportLine.isPresent()) {
            System.out.println("  passport report: " + passportLine.get());
            ok &= !passportLine.get().startsWith("FAILED");
        }
        System.out.println(ok ? "demo: everything verified" : "demo: verification FAILED");
        return ok;
    }
}
