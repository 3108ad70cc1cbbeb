package io.certigate.app.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * Road events grouped into hot spots by distance: events taken in time order, each joins the
 * nearest hot spot whose centre (the mean of its events) is within {@code radiusM} metres, or starts
 * a new one. Distances on a local equirectangular projection (exact enough at street scale). A hot
 * spot is verified when every one of its events is; one failed record makes it failed.
 */
public final class RoadHotSpots {
    /** The default radius: a defect and the few metres of GNSS error and reaction time around it. */
    public static final double DEFAULT_RADIUS_M = 25;
    private static final double EARTH_RADIUS_M = 6_371_008.8;

    private RoadHotSpots() {}

    /** A hot spot: its events, its centre, its vehicles. */
    public record HotSpot(List<RoadEvent> events, double lat, double lon) {
        public int count() {
            return events.size();
        }

        /** The devices (vehicle boxes) that reported it, sorted. */
        public List<String> vehicles() {
            return List.copyOf(new TreeSet<>(events.stream().map(RoadEvent::device).toList()));
        }

        public boolean verified() {
            return events.stream().allMatch(RoadEvent::verified);
        }

        public long failed() {
            return events.stream().filter(e -> !e.verified()).count();
        }

        public double maxPeakG() {
            return events.stream().mapToDouble(RoadEvent::peakG).max().orElse(0);
        }
    }

    /** The hot spots of {@code events}, most events first (then north to south). */
    public static List<HotSpot> cluster(List<RoadEvent> events, double radiusM) {
        List<RoadEvent> sorted = new ArrayList<>(events);
        sorted.sort(Comparator.comparingLong(RoadEvent::atMillis).thenComparing(RoadEvent::device).thenComparingLong(RoadEvent::seq));
        List<List<RoadEvent>> groups = new ArrayList<>();
        List<double[]> centres = new ArrayList<>();
        for (RoadEvent e : sorted) {
            int best = -1;
            double bestD = Double.MAX_VALUE;
            for (int i = 0; i < centres.size(); i++) {
                double d = distanceM(centres.get(i)[0], centres.get(i)[1], e.lat(), e.lon());
                if (d <= radiusM && d < bestD) {
                    best = i;
                    bestD = d;
                }
            }
            if (best < 0) {
                groups.add(new ArrayList<>(List.of(e)));
                centres.add(new double[] {e.lat(), e.lon()});
            } else {
                List<RoadEvent> g = groups.get(best);
                g.add(e);
                double[] c = centres.get(best);
                c[0] += (e.lat() - c[0]) / g.size();
                c[1] += (e.lon() - c[1]) / g.size();
            }
        }
        List<HotSpot> spots = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
            spots.add(new HotSpot(List.copyOf(groups.get(i)), centres.get(i)[0], centres.get(i)[1]));
        }
        spots.sort(Comparator.comparingInt(HotSpot::count).reversed().thenComparing(Comparator.comparingDouble(HotSpot::lat).reversed()));
        return spots;
    }

    /** Distance on the local equirectangular projection, m. */
    public static double distanceM(double lat1, double lon1, double lat2, double lon2) {
        double phi = Math.toRadians((lat1 + lat2) / 2);
        double dx = Math.toRadians(lon2 - lon1) * Math.cos(phi) * EARTH_RADIUS_M;
        double dy = Math.toRadians(lat2 - lat1) * EARTH_RADIUS_M;
        return Math.hypot(dx, dy);
    }
}
