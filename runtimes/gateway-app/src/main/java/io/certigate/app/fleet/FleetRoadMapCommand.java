package io.certigate.app.fleet;

import io.certigate.app.report.RoadEvent;
import io.certigate.app.report.RoadMap;
import io.certigate.core.model.ChainedReading;
import io.certigate.core.model.ReadingCodec;
import io.certigate.core.model.RecordFormatException;
import io.certigate.fleet.store.FleetStore;
import io.certigate.fleet.store.StoreOptions;
import io.certigate.fleet.topics.Finding;
import io.certigate.fleet.topics.FindingType;
import io.certigate.fleet.topics.VerifiedRecord;
import io.certigate.motion.RoadShocks;
import io.certigate.signing.CoseException;
import io.certigate.signing.CoseSign1;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code certigate fleet road-map --config F -o map.svg}: the road-condition map across the fleet's
 * vehicles, from the road.shock readings in the fleet store (their subject, {@code road} by default).
 */
@Command(name = "road-map", mixinStandardHelpOptions = true,
        description = {"Write the road-condition map (SVG, offline) of the located road shock events of every vehicle in the"
                + " fleet store, grouped into hot spots with their count, vehicles and verification status.",
            "The records are shown as the fleet tier's verification accepted them; a record of a device the fleet holds a"
                + " finding about at that seq (a fork, a broken link) is shown failed.",
            "The store is the one named by the configuration's fleet.store.* keys."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:written", "2:no located road.shock event in the store, bad configuration, or the store did not answer"})
public final class FleetRoadMapCommand implements Callable<Integer> {
    /** How the fleet's records are judged, in words for the map. */
    static final String FLEET_VERIFICATION = "The records are those the fleet tier's verification accepted (signature with a"
            + " trusted device key, chain link); a record with a fleet finding at its seq is shown failed.";

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "A fleet instance's properties file.")
    Path config;

    @Option(names = "--subject", defaultValue = RoadShocks.DEFAULT_SUBJECT, paramLabel = "SUBJECT",
            description = "The road events' subject (motion.subject on the vehicles; default road).")
    String subject;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "FILE.svg", description = "SVG file to write.")
    Path out;

    @Option(names = "--radius-m", paramLabel = "M", defaultValue = "25",
            description = "Events within this distance of a hot spot's centre join it (default 25 m).")
    double radiusM;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        StoreOptions store;
        try {
            store = FleetConfig.storeOptions(config);
        } catch (IOException | IllegalArgumentException e) {
            err.println("fleet road-map: " + e.getMessage());
            return 2;
        }
        try {
            FleetStore fleet = new FleetStore(store.connector());
            List<RoadEvent> events = events(fleet, subject);
            if (events.isEmpty()) {
                err.println("fleet road-map: no located road.shock event of subject '" + subject + "' in the store "
                        + store.jdbcUrl().replaceFirst("\\?.*", ""));
                return 2;
            }
            stdout.println(RoadMap.write(events, "Road condition across the fleet (" + store.jdbcUrl().replaceFirst("\\?.*", "")
                    + ")", radiusM, FLEET_VERIFICATION, out));
            return 0;
        } catch (SQLException | IOException | IllegalArgumentException e) {
            err.println("fleet road-map: " + e.getMessage());
            return 2;
        }
    }

    /** The located road events of {@code subject} in the store, a record covered by a finding of its device marked failed. */
    static List<RoadEvent> events(FleetStore fleet, String subject) throws SQLException {
        Map<String, List<long[]>> findings = new HashMap<>();
        for (FindingType t : FindingType.values()) {
            fleet.findings(t, (Finding f) -> findings.computeIfAbsent(f.device(), d -> new ArrayList<>())
                    .add(new long[] {f.seq(), Math.max(f.seq(), f.lastSeq())}));
        }
        List<RoadEvent> events = new ArrayList<>();
        fleet.timeline(subject, r -> {
            RoadEvent e = event(r, findings.getOrDefault(r.device(), List.of()));
            if (e != null) {
                events.add(e);
            }
        });
        return events;
    }

    /** The road event of a stored record, or null when it is not a located road.shock reading. */
    static RoadEvent event(VerifiedRecord r, List<long[]> findingRanges) {
        if (r.erased() || !RoadShocks.KIND.equals(r.kind())) {
            return null;
        }
        ChainedReading cr;
        try {
            cr = ReadingCodec.decode(CoseSign1.parse(r.cose()).payload());
        } catch (CoseException | RecordFormatException e) {
            return null;
        }
        boolean covered = findingRanges.stream().anyMatch(f -> f[0] <= r.seq() && r.seq() <= f[1]);
        return RoadEvent.of(r.device(), r.seq(), cr.reading(), !covered);
    }
}
