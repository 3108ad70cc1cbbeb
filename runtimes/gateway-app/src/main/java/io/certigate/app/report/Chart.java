package io.certigate.app.report;

import java.util.List;
import java.util.Locale;

/** The inline SVG timeline of a numeric kind: a line through the readings, anomalies marked in red. */
final class Chart {
    private static final int W = 900;
    private static final int H = 300;
    private static final int PAD = 50;

    private Chart() {}

    static String svg(String kind, List<PassportEntry> entries) {
        List<PassportEntry> pts = entries.stream()
                .filter(e -> e.reading().reading().kind().equals(kind) && e.reading().reading().value().asDouble().isPresent())
                .toList();
        StringBuilder s = new StringBuilder();
        s.append("<svg id=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(W).append("\" height=\"").append(H)
                .append("\" viewBox=\"0 0 ").append(W).append(' ').append(H).append("\" role=\"img\" aria-label=\"")
                .append(PassportReport.esc(kind)).append(" over time\">");
        s.append("<rect x=\"0\" y=\"0\" width=\"").append(W).append("\" height=\"").append(H).append("\" fill=\"#fafafa\"/>");
        if (pts.isEmpty()) {
            s.append("<text x=\"").append(PAD).append("\" y=\"").append(H / 2).append("\">no ").append(PassportReport.esc(kind))
                    .append(" readings</text></svg>\n");
            return s.toString();
        }
        long t0 = Long.MAX_VALUE;
        long t1 = Long.MIN_VALUE;
        double v0 = Double.MAX_VALUE;
        double v1 = -Double.MAX_VALUE;
        for (PassportEntry e : pts) {
            long t = e.reading().reading().observedAtMillis();
            double v = e.reading().reading().value().asDouble().getAsDouble();
            t0 = Math.min(t0, t);
            t1 = Math.max(t1, t);
            v0 = Math.min(v0, v);
            v1 = Math.max(v1, v);
        }
        double dt = Math.max(1, t1 - t0);
        double dv = v1 > v0 ? v1 - v0 : 1;
        String unit = pts.get(0).reading().reading().unit();
        s.append("<line x1=\"").append(PAD).append("\" y1=\"").append(H - PAD).append("\" x2=\"").append(W - PAD / 2)
                .append("\" y2=\"").append(H - PAD).append("\" stroke=\"#888\"/>");
        s.append("<line x1=\"").append(PAD).append("\" y1=\"").append(PAD / 2).append("\" x2=\"").append(PAD)
                .append("\" y2=\"").append(H - PAD).append("\" stroke=\"#888\"/>");
        s.append(label(4, PAD / 2 + 4, fmt(v1) + (unit == null ? "" : " " + unit)));
        s.append(label(4, H - PAD, fmt(v0)));
        s.append(label(PAD, H - PAD + 18, java.time.Instant.ofEpochMilli(t0).toString()));
        s.append(label(W - 230, H - PAD + 18, java.time.Instant.ofEpochMilli(t1).toString()));
        StringBuilder line = new StringBuilder();
        StringBuilder marks = new StringBuilder();
        for (PassportEntry e : pts) {
            double x = PAD + (e.reading().reading().observedAtMillis() - t0) / dt * (W - 1.5 * PAD);
            double y = (H - PAD) - (e.reading().reading().value().asDouble().getAsDouble() - v0) / dv * (H - 1.5 * PAD);
            line.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            if (e.anomaly() != null || !e.verified()) {
                marks.append(String.format(Locale.ROOT, "<circle class=\"anomaly\" cx=\"%.1f\" cy=\"%.1f\" r=\"6\" fill=\"%s\">"
                        + "<title>seq %d: %s</title></circle>", x, y, e.anomaly() != null ? "#d62728" : "#e69f00",
                        e.reading().seq(), PassportReport.esc(e.anomaly() != null ? e.anomaly() : e.problem())));
            }
        }
        s.append("<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"2\" points=\"").append(line.toString().trim())
                .append("\"/>").append(marks).append("</svg>\n");
        return s.toString();
    }

    private static String label(int x, int y, String text) {
        return "<text x=\"" + x + "\" y=\"" + y + "\" font-size=\"11\" fill=\"#444\">" + PassportReport.esc(text) + "</text>";
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }
}
