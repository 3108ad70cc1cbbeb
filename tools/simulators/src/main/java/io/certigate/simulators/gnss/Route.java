package io.certigate.simulators.gnss;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * A drive: a polyline of WGS 84 points, the stretches where the sky is hidden (tunnels: the
 * receiver loses its fix there), and the road defects along it, each at a known distance from the
 * start. Distances are great-circle (haversine, mean Earth radius); between two points the vehicle
 * moves on the straight line in latitude/longitude, which is what a short road segment is.
 */
public final class Route {
    static final double EARTH_RADIUS_M = 6_371_008.8;

    /** A point in decimal degrees. */
    public record Point(double latitude, double longitude) {}

    /** A stretch without sky view, {@code from} and {@code to} in metres from the start. */
    public record Tunnel(double from, double to) {
        public boolean contains(double distance) {
            return distance >= from && distance < to;
        }
    }

    /**
     * A road defect the vehicle drives over: where it is and how hard a wheel hits it.
     *
     * @param id        stable name, e.g. {@code pothole-1}
     * @param distance  metres from the route's start
     * @param latitude  decimal degrees, 7 places
     * @param longitude decimal degrees, 7 places
     * @param peakG     vertical acceleration peak a car at the route's speed sees, in g (for the motion simulator)
     */
    public record RoadDefect(String id, double distance, BigDecimal latitude, BigDecimal longitude, double peakG) {}

    private final List<Point> points;
    private final double[] cumulative;
    private final List<Tunnel> tunnels;
    private final List<RoadDefect> defects;

    /**
     * @param defectsAt defect names, distances (m) and peaks, in order along the route; their
     *                  coordinates are computed from the polyline
     */
    public Route(List<Point> points, List<Tunnel> tunnels, List<String> defectIds, List<Double> defectDistances,
            List<Double> defectPeaks) {
        if (points.size() < 2) {
            throw new IllegalArgumentException("a route needs at least two points");
        }
        this.points = List.copyOf(points);
        this.cumulative = new double[points.size()];
        for (int i = 1; i < points.size(); i++) {
            cumulative[i] = cumulative[i - 1] + distance(points.get(i - 1), points.get(i));
        }
        this.tunnels = List.copyOf(tunnels);
        List<RoadDefect> d = new ArrayList<>();
        for (int i = 0; i < defectIds.size(); i++) {
            Point p = at(defectDistances.get(i));
            d.add(new RoadDefect(defectIds.get(i), defectDistances.get(i), seven(p.latitude()), seven(p.longitude()),
                    defectPeaks.get(i)));
        }
        this.defects = List.copyOf(d);
    }

    /**
     * The demo route: about 5.5 km through Lyon's Part-Dieu district and back along the Rhône, with
     * a 300 m underpass and five defects (three potholes, a bump, a deformed joint).
     */
    public static Route demo() {
        return new Route(List.of(
                new Point(45.7605, 4.8590), new Point(45.7606, 4.8660), new Point(45.7640, 4.8662),
                new Point(45.7642, 4.8560), new Point(45.7600, 4.8420), new Point(45.7540, 4.8425),
                new Point(45.7545, 4.8585), new Point(45.7605, 4.8590)),
                List.of(new Tunnel(1100, 1400)),
                List.of("pothole-1", "bump-1", "pothole-2", "joint-1", "pothole-3"),
                List.of(320.0, 950.0, 1750.0, 2600.0, 3700.0),
                List.of(1.4, 0.9, 1.8, 1.1, 2.2));
    }

    public List<Point> points() {
        return points;
    }

    public List<Tunnel> tunnels() {
        return tunnels;
    }

    public List<RoadDefect> defects() {
        return defects;
    }

    /** Length in metres. */
    public double length() {
        return cumulative[cumulative.length - 1];
    }

    /** Whether {@code distance} (m, wrapped around the route) is in a tunnel. */
    public boolean inTunnel(double distance) {
        double d = wrap(distance);
        return tunnels.stream().anyMatch(t -> t.contains(d));
    }

    /** Where the vehicle is after {@code distance} metres (a vehicle that reaches the end starts over). */
    public Point at(double distance) {
        double d = wrap(distance);
        int i = segment(d);
        double segLen = cumulative[i + 1] - cumulative[i];
        double f = segLen == 0 ? 0 : (d - cumulative[i]) / segLen;
        Point a = points.get(i);
        Point b = points.get(i + 1);
        return new Point(a.latitude() + f * (b.latitude() - a.latitude()), a.longitude() + f * (b.longitude() - a.longitude()));
    }

    /** Course over ground at {@code distance}, degrees true. */
    public double courseAt(double distance) {
        int i = segment(wrap(distance));
        Point a = points.get(i);
        Point b = points.get(i + 1);
        double phi1 = Math.toRadians(a.latitude());
        double phi2 = Math.toRadians(b.latitude());
        double dl = Math.toRadians(b.longitude() - a.longitude());
        double y = Math.sin(dl) * Math.cos(phi2);
        double x = Math.cos(phi1) * Math.sin(phi2) - Math.sin(phi1) * Math.cos(phi2) * Math.cos(dl);
        return (Math.toDegrees(Math.atan2(y, x)) + 360) % 360;
    }

    private int segment(double d) {
        for (int i = 0; i < cumulative.length - 1; i++) {
            if (d < cumulative[i + 1]) {
                return i;
            }
        }
        return cumulative.length - 2;
    }

    private double wrap(double distance) {
        double len = length();
        double d = distance % len;
        return d < 0 ? d + len : d;
    }

    /** Haversine distance in metres. */
    public static double distance(Point a, Point b) {
        double phi1 = Math.toRadians(a.latitude());
        double phi2 = Math.toRadians(b.latitude());
        double dphi = phi2 - phi1;
        double dl = Math.toRadians(b.longitude() - a.longitude());
        double h = Math.sin(dphi / 2) * Math.sin(dphi / 2) + Math.cos(phi1) * Math.cos(phi2) * Math.sin(dl / 2) * Math.sin(dl / 2);
        return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
    }

    static BigDecimal seven(double degrees) {
        return BigDecimal.valueOf(degrees).setScale(7, RoundingMode.HALF_EVEN);
    }
}
