package io.certigate.app.report;

import io.certigate.app.spine.VerifyCommand;
import io.certigate.core.io.OutputFile;
import io.certigate.core.model.ChainedReading;
import io.certigate.core.model.ReadingCodec;
import io.certigate.core.model.RecordFormatException;
import io.certigate.core.model.StoredRecord;
import io.certigate.signing.CoseException;
import io.certigate.signing.CoseSign1;
import io.certigate.verifier.chain.Finding;
import io.certigate.verifier.chain.VerificationReport;
import io.certigate.verifier.export.ExportFile;
import io.certigate.verifier.export.ExportFormatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The road-condition map of devices' exports: each export verified (its signatures with its keys,
 * its chain), its located {@code road.shock} readings placed on the map, a record the verifier
 * reported a failure at counted as failed ({@link RoadMapSvg}, {@link RoadHotSpots}).
 */
public final class RoadMap {
    /** How an export's records are judged, in words for the map. */
    public static final String EXPORT_VERIFICATION = "Each export was verified by certigate's verifier (signatures with the"
            + " keys the file carries, chain links); the keys were not judged against a trust root here: certigate report"
            + " --trust-root does that.";

    private RoadMap() {}

    /** The located road events of one export, each marked verified unless the verifier reported a failure at its seq. */
    public static List<RoadEvent> events(Path export) throws ExportFormatException {
        ExportFile.Contents c = ExportFile.read(export);
        VerificationReport report = VerifyCommand.verify(c);
        Set<Long> failed = new HashSet<>();
        for (Finding f : report.findings()) {
            if (f.kind().isFailure()) {
                failed.add(f.seq());
            }
        }
        List<RoadEvent> events = new ArrayList<>();
        for (StoredRecord r : c.records()) {
            if (!(r instanceof StoredRecord.Signed s)) {
                continue;
            }
            ChainedReading cr;
            try {
                cr = ReadingCodec.decode(CoseSign1.parse(s.cose()).payload());
            } catch (CoseException | RecordFormatException e) {
                continue; // malformed: a failure the verifier reported; nothing to place
            }
            RoadEvent e = RoadEvent.of(c.device(), cr.seq(), cr.reading(), !failed.contains(cr.seq()));
            if (e != null) {
                events.add(e);
            }
        }
        return events;
    }

    /**
     * Writes the map of {@code events} to {@code out} (whole or not at all).
     *
     * @return the line describing what was written
     */
    public static String write(List<RoadEvent> events, String title, double radiusM, String verification, Path out,
            Path... inputs) throws IOException {
        List<RoadHotSpots.HotSpot> spots = RoadHotSpots.cluster(events, radiusM);
        String svg = RoadMapSvg.render(spots, title, radiusM, verification, Instant.now());
        OutputFile.write(out, svg.getBytes(StandardCharsets.UTF_8), inputs);
        long failed = spots.stream().filter(s -> !s.verified()).count();
        long vehicles = events.stream().map(RoadEvent::device).distinct().count();
        return "road map " + out + ": " + events.size() + " located road.shock events from " + vehicles
                + (vehicles == 1 ? " vehicle" : " vehicles") + " in " + spots.size() + " hot spots (" + (spots.size() - failed)
                + " verified, " + failed + " failed)";
    }
}
