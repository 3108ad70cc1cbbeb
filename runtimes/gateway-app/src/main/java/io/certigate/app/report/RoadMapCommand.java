package io.certigate.app.report;

import io.certigate.verifier.export.ExportFormatException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code certigate road-map --export E [--export E2 ...] -o map.svg}: the road-condition map of vehicle boxes' exports. */
@Command(name = "road-map", mixinStandardHelpOptions = true,
        description = {"Write the road-condition map (SVG, offline: no map tiles) of the located road shock events in one or"
                + " more vehicle boxes' exports, grouped into hot spots, each with its count, vehicles and verification status.",
            "Each export is verified first; a hot spot with a record that failed verification is shown failed.",
            "Exit 0: written; 2: no located road.shock event in the exports, or an export that cannot be read."})
public final class RoadMapCommand implements Callable<Integer> {
    @Option(names = "--export", required = true, paramLabel = "FILE", description = "A device's export (repeat for several vehicles).")
    List<Path> exports;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "FILE.svg", description = "SVG file to write.")
    Path out;

    @Option(names = "--radius-m", paramLabel = "M", defaultValue = "25",
            description = "Events within this distance of a hot spot's centre join it (default 25 m).")
    double radiusM;

    @Override
    public Integer call() {
        if (!(radiusM > 0)) {
            System.err.println("road-map: --radius-m must be > 0, got " + radiusM);
            return 2;
        }
        List<RoadEvent> events = new ArrayList<>();
        try {
            for (Path e : exports) {
                events.addAll(RoadMap.events(e));
            }
            if (events.isEmpty()) {
                System.err.println("road-map: no located road.shock event in " + exports);
                return 2;
            }
            System.out.println(RoadMap.write(events, "Road condition: " + exports.size()
                    + (exports.size() == 1 ? " export" : " exports"), radiusM, RoadMap.EXPORT_VERIFICATION, out,
                    exports.toArray(Path[]::new)));
            return 0;
        } catch (ExportFormatException | IOException e) {
            System.err.println("road-map: " + e.getMessage());
            return 2;
        }
    }
}
