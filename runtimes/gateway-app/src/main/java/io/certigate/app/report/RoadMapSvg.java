package io.certigate.app.report;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The road-condition map as one SVG document: no map tiles (it works offline), the located
 * {@code road.shock} events on a Web Mercator projection (EPSG:3857: x = R·λ, y = R·ln tan(π/4 + φ/2),
 * in metres) fitted to the drawing, grouped into {@link RoadHotSpots} drawn as circles sized by
 * their count, green when every event verified, red when one failed, each with a tooltip (count,
 * vehicles, verification, peak) and a numbered list under the map. The root element states the
 * projection ({@code data-x0}, {@code data-y0}: the Mercator metres at pixel 0,0; {@code data-scale}:
 * pixels per metre) so that a reader can place a point the same way.
 */
public final class RoadMapSvg {
    static final double R = 6_378_137.0;
    static final int WIDTH = 900;
    static final int MAP_HEIGHT = 560;
    static final int MARGIN = 40;
    /** Room for the title lines above the fitted area. */
    static final int TOP = 70;
    private static final int LISTED = 15;

    private RoadMapSvg() {}

    /** Web Mercator x of a longitude, m. */
    static double x(double lon) {
        return R * Math.toRadians(lon);
    }

    /** Web Mercator y of a latitude, m (north up: larger to the north). */
    static double y(double lat) {
        return R * Math.log(Math.tan(Math.PI / 4 + Math.toRadians(lat) / 2));
    }

    /**
     * The SVG of {@code spots}.
     *
     * @param title    the map's title (what it was made from)
     * @param radiusM  the clustering radius, for the legend
     * @param verifier how the records were verified, in words, for the legend
     */
    public static String render(List<RoadHotSpots.HotSpot> spots, String title, double radiusM, String verifier, Instant made) {
        double minX = Double.MAX_VALUE, maxX = -Double.MAX_VALUE, minY = Double.MAX_VALUE, maxY = -Double.MAX_VALUE;
        int events = 0;
        java.util.Set<String> vehicles = new java.util.TreeSet<>();
        for (RoadHotSpots.HotSpot s : spots) {
            for (RoadEvent e : s.events()) {
                minX = Math.min(minX, x(e.lon()));
                maxX = Math.max(maxX, x(e.lon()));
                minY = Math.min(minY, y(e.lat()));
                maxY = Math.max(maxY, y(e.lat()));
                events++;
                vehicles.add(e.device());
            }
        }
        if (events == 0) {
            minX = maxX = minY = maxY = 0;
        }
        // the fitted area: below the two title lines, above the scale bar
        double fitHeight = MAP_HEIGHT - TOP - MARGIN;
        double span = Math.max(Math.max(maxX - minX, (maxY - minY) * (WIDTH - 2.0 * MARGIN) / fitHeight), 300);
        double scale = (WIDTH - 2.0 * MARGIN) / span; // px per Mercator metre
        double x0 = (minX + maxX) / 2 - WIDTH / 2.0 / scale;
        double y0 = (minY + maxY) / 2 + (TOP + fitHeight / 2) / scale;
        int rows = Math.min(LISTED, spots.size());
        int height = MAP_HEIGHT + 88 + 18 * rows + (spots.size() > LISTED ? 18 : 0);
        StringBuilder b = new StringBuilder(4096);
        b.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH).append("\" height=\"").append(height)
                .append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(height).append("\" font-family=\"sans-serif\"")
                .append(" font-size=\"12\" data-projection=\"EPSG:3857\" data-x0=\"").append(f(x0, 3)).append("\" data-y0=\"")
                .append(f(y0, 3)).append("\" data-scale=\"").append(f(scale, 9)).append("\">\n");
        b.append("<title>").append(Html.esc(title)).append("</title>\n");
        b.append("<rect x=\"0\" y=\"0\" width=\"").append(WIDTH).append("\" height=\"").append(MAP_HEIGHT)
                .append("\" fill=\"#f4f1ea\" stroke=\"#999\"/>\n");
        b.append("<text x=\"10\" y=\"20\" font-size=\"15\" font-weight=\"bold\">").append(Html.esc(title)).append("</text>\n");
        b.append("<text x=\"10\" y=\"38\" fill=\"#444\">").append(events).append(" located road.shock events, ")
                .append(vehicles.size()).append(vehicles.size() == 1 ? " vehicle, " : " vehicles, ").append(spots.size())
                .append(spots.size() == 1 ? " hot spot" : " hot spots").append(" (events within ").append(f(radiusM, 0))
                .append(" m of a hot spot's centre join it)</text>\n");
        for (RoadHotSpots.HotSpot s : spots) {
            for (RoadEvent e : s.events()) {
                b.append("<circle class=\"event\" cx=\"").append(f((x(e.lon()) - x0) * scale, 2)).append("\" cy=\"")
                        .append(f((y0 - y(e.lat())) * scale, 2)).append("\" r=\"2\" fill=\"")
                        .append(e.verified() ? "#555" : "#c62828").append("\"/>\n");
            }
        }
        for (int i = 0; i < spots.size(); i++) {
            RoadHotSpots.HotSpot s = spots.get(i);
            double cx = (x(s.lon()) - x0) * scale;
            double cy = (y0 - y(s.lat())) * scale;
            double r = 7 + 4 * Math.sqrt(s.count());
            String colour = s.verified() ? "#2e7d32" : "#c62828";
            b.append("<g class=\"hotspot\" id=\"hotspot-").append(i + 1).append("\" data-count=\"").append(s.count())
                    .append("\" data-lat=\"").append(f(s.lat(), 7)).append("\" data-lon=\"").append(f(s.lon(), 7))
                    .append("\" data-vehicles=\"").append(s.vehicles().size()).append("\" data-status=\"")
                    .append(s.verified() ? "verified" : "failed").append("\">\n");
            b.append("<title>").append(Html.esc(describe(i + 1, s))).append("</title>\n");
            b.append("<circle cx=\"").append(f(cx, 2)).append("\" cy=\"").append(f(cy, 2)).append("\" r=\"").append(f(r, 1))
                    .append("\" fill=\"").append(colour).append("\" fill-opacity=\"0.35\" stroke=\"").append(colour)
                    .append("\" stroke-width=\"2\"/>\n");
            b.append("<text x=\"").append(f(cx, 2)).append("\" y=\"").append(f(cy + 4, 2))
                    .append("\" text-anchor=\"middle\" font-weight=\"bold\">").append(s.count()).append("</text>\n");
            b.append("</g>\n");
        }
        scaleBar(b, scale, (minY + maxY) / 2);
        int ty = MAP_HEIGHT + 22;
        b.append("<text x=\"10\" y=\"").append(ty).append("\" fill=\"#444\">Green: every event of the hot spot verified;")
                .append(" red: at least one record failed verification. Made ").append(made).append(".</text>\n");
        ty += 18;
        b.append("<text x=\"10\" y=\"").append(ty).append("\" fill=\"#444\" font-size=\"11\">").append(Html.esc(verifier))
                .append("</text>\n");
        ty += 22;
        for (int i = 0; i < rows; i++) {
            b.append("<text class=\"hotspot-row\" x=\"10\" y=\"").append(ty).append("\">").append(Html.esc(describe(i + 1,
                    spots.get(i)))).append("</text>\n");
            ty += 18;
        }
        if (spots.size() > LISTED) {
            b.append("<text x=\"10\" y=\"").append(ty).append("\" fill=\"#444\">and ").append(spots.size() - LISTED)
                    .append(" more hot spots on the map</text>\n");
        }
        b.append("</svg>\n");
        return b.toString();
    }

    /** One hot spot in words. */
    static String describe(int n, RoadHotSpots.HotSpot s) {
        return "#" + n + " at " + f(s.lat(), 5) + ", " + f(s.lon(), 5) + ": " + s.count() + (s.count() == 1 ? " event" : " events")
                + " from " + s.vehicles().size() + (s.vehicles().size() == 1 ? " vehicle" : " vehicles") + " ("
                + String.join(", ", s.vehicles()) + "), peak " + f(s.maxPeakG(), 2) + " g, "
                + (s.verified() ? "verified" : "FAILED: " + s.failed() + " record" + (s.failed() == 1 ? "" : "s") + " did not verify");
    }

    /** A bar of a round ground length, bottom left. */
    private static void scaleBar(StringBuilder b, double scale, double midY) {
        double lat = Math.toDegrees(2 * Math.atan(Math.exp(midY / R)) - Math.PI / 2);
        double groundPerPx = Math.cos(Math.toRadians(lat)) / scale; // ground metres per pixel
        double target = groundPerPx * WIDTH / 5;
        double[] steps = {10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000};
        double len = steps[0];
        for (double s : steps) {
            if (s <= target) {
                len = s;
            }
        }
        double px = len / groundPerPx;
        int y = MAP_HEIGHT - 16;
        b.append("<g class=\"scale\"><line x1=\"20\" y1=\"").append(y).append("\" x2=\"").append(f(20 + px, 1)).append("\" y2=\"")
                .append(y).append("\" stroke=\"#222\" stroke-width=\"3\"/><text x=\"20\" y=\"").append(y - 6).append("\">")
                .append(len >= 1000 ? f(len / 1000, 0) + " km" : f(len, 0) + " m").append("</text></g>\n");
    }

    private static String f(double v, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }
}
