package io.certigate.simulators.motion;

import java.util.ArrayList;
import java.util.List;

/**
 * A vehicle driving along a polyline at a constant speed, looping: where it is and how fast it goes
 * at a time since the start, and where along the route a point is. Distances are on a local
 * equirectangular projection around the first vertex (metres east and north), exact enough over
 * the few kilometres of a test route.
 *
 * @param vertices  the polyline, each {@code {lat, lon}} in decimal degrees, at least two
 * @param speedKmh  the constant speed, > 0
 */
public record Route(List<double[]> vertices, double speedKmh) {
    private static final double EARTH_RADIUS_M = 6_371_008.8;

    public Route {
        if (vertices.size() < 2 || !(speedKmh > 0)) {
            throw new IllegalArgumentException("a route needs two vertices and a speed > 0");
        }
        vertices = vertices.stream().map(double[]::clone).toList();
    }

    /** A loop through central Lyon (about 2.4 km): the demo's and the tests' route. */
    public static Route demo() {
        List<double[]> v = new ArrayList<>();
        v.add(new double[] {45.7640, 4.8357});
        v.add(new double[] {45.7676, 4.8340});
        v.add(new double[] {45.7702, 4.8397});
        v.add(new double[] {45.7668, 4.8452});
        v.add(new double[] {45.7631, 4.8420});
        v.add(new double[] {45.7640, 4.8357});
        return new Route(v, 50);
    }

    /** A point on the route. */
    public record Point(double lat, double lon, double distanceM) {}

    /** The route's length, m. */
    public double lengthM() {
        double total = 0;
        for (int i = 1; i < vertices.size(); i++) {
            total += segment(i);
        }
        return total;
    }

    /** Where the vehicle is {@code elapsedMillis} after the start (it loops). */
    public Point at(long elapsedMillis) {
        return atDistance(speedKmh / 3.6 * elapsedMillis / 1000.0);
    }

    /** The point {@code distanceM} along the route (modulo its length). */
    public Point atDistance(double distanceM) {
        double len = lengthM();
        double d = ((distanceM % len) + len) % len;
        double rest = d;
        for (int i = 1; i < vertices.size(); i++) {
            double seg = segment(i);
            if (rest <= seg || i == vertices.size() - 1) {
                double f = seg == 0 ? 0 : Math.min(1, rest / seg);
                double[] a = vertices.get(i - 1);
                double[] b = vertices.get(i);
                return new Point(a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]), d);
            }
            rest -= seg;
        }
        throw new IllegalStateException();
    }

    /** Milliseconds after the start at which the vehicle first passes {@code distanceM}. */
    public long millisAt(double distanceM) {
        return Math.round(distanceM / (speedKmh / 3.6) * 1000);
    }

    private double segment(int i) {
        return distanceM(vertices.get(i - 1), vertices.get(i));
    }

    /** Distance between two {@code {lat, lon}} points on the local equirectangular projection, m. */
    public static double distanceM(double[] a, double[] b) {
        double phi = Math.toRadians((a[0] + b[0]) / 2);
        double dx = Math.toRadians(b[1] - a[1]) * Math.cos(phi) * EARTH_RADIUS_M;
        double dy = Math.toRadians(b[0] - a[0]) * EARTH_RADIUS_M;
        return Math.hypot(dx, dy);
    }
}
