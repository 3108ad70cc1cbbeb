package io.certigate.app.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The inline SVG timeline of the charted kind: the highest certified value per time bucket as a
 * blue line (broken across gaps in time, which are shaded and labelled), readings inside a rollback
 * event as red dots, each rollback event marked once with its number, axes with nice value ticks
 * and calendar date ticks (UTC).
 */
final class Chart {
    static final String CERTIFIED = "#1f77b4";
    static final String ROLLBACK = "#d62728";
    private static final int W = 960;
    private static final int H = 380;
    private static final int LEFT = 90;
    private static final int RIGHT = 20;
    private static final int TOP = 20;
    private static final int BOTTOM = 70;

    private final Timeline timeline;
    private final List<RollbackEvents.Event> events;
    private final List<Timeline.Gap> gaps;
    private final long t0;
    private final long t1;
    private final Ticks.Values y;

    Chart(Timeline timeline, List<RollbackEvents.Event> events) {
        this.timeline = timeline;
        this.events = events;
        this.gaps = timeline.gaps(Timeline.MINUTE);
        long pad = timeline.last() > timeline.first() ? 0 : Timeline.MINUTE;
        this.t0 = timeline.first() - pad;
        this.t1 = timeline.last() + pad;
        this.y = Ticks.values(timeline.min(), timeline.max(), 6);
    }

    List<Timeline.Gap> gaps() {
        return gaps;
    }

    private double x(long t) {
        return LEFT + (double) (t - t0) / (t1 - t0) * (W - LEFT - RIGHT);
    }

    private double y(double v) {
        return (H - BOTTOM) - (v - y.lo()) / (y.hi() - y.lo()) * (H - BOTTOM - TOP);
    }

    /** The SVG element. {@code axisTitle} names the charted quantity with its unit. */
    void write(Appendable out, String kind, String axisTitle) throws java.io.IOException {
        StringBuilder s = new StringBuilder(64 * 1024);
        s.append("<svg id=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(W).append("\" height=\"").append(H)
                .append("\" viewBox=\"0 0 ").append(W).append(' ').append(H).append("\" role=\"img\" aria-label=\"")
                .append(Html.esc(kind)).append(" over time\" font-family=\"sans-serif\">");
        s.append("<rect x=\"0\" y=\"0\" width=\"").append(W).append("\" height=\"").append(H).append("\" fill=\"#fafafa\"/>");
        for (Timeline.Gap g : gaps) {
            double a = x(g.from());
            double b = x(g.to());
            s.append(fmt("<rect class=\"gap\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#e6e6e6\">"
                    + "<title>no reading for %s</title></rect>", a, TOP, Math.max(1, b - a), H - BOTTOM - TOP,
                    Html.esc(Html.duration(g.length()))));
            s.append(fmt("<text x=\"%.1f\" y=\"%d\" font-size=\"10\" fill=\"#666\" text-anchor=\"middle\">gap %s</text>",
                    (a + b) / 2, TOP + 12, Html.esc(Html.duration(g.length()))));
        }
        axes(s, axisTitle);
        certifiedLine(s);
        for (Timeline.Bucket b : timeline.buckets()) {
            if (!Double.isNaN(b.rolledBack)) {
                s.append(fmt("<circle class=\"rolled-back\" cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>",
                        x(b.rolledBackAt), y(b.rolledBack), ROLLBACK));
            }
        }
        for (RollbackEvents.Event e : events) {
            double ex = x(e.time);
            double ey = y(e.value);
            s.append(fmt("<g class=\"rollback-marker\" data-event=\"%d\"><line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" "
                    + "stroke=\"%s\" stroke-dasharray=\"4 3\"/><circle cx=\"%.1f\" cy=\"%.1f\" r=\"9\" fill=\"%s\"/>"
                    + "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" font-weight=\"bold\" fill=\"#fff\" text-anchor=\"middle\">%d</text>"
                    + "<title>Rollback %d: %s</title></g>", e.number, ex, TOP, ex, H - BOTTOM, ROLLBACK, ex, ey, ROLLBACK, ex, ey + 4,
                    e.number, e.number, Html.esc(e.headline())));
        }
        legend(s);
        s.append("</svg>\n");
        out.append(s);
    }

    private void axes(StringBuilder s, String axisTitle) {
        int x0 = LEFT;
        int x1 = W - RIGHT;
        int yb = H - BOTTOM;
        for (double v : y.ticks()) {
            double yy = y(v);
            s.append(fmt("<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>", x0, yy, x1, yy));
            s.append(fmt("<text class=\"ytick\" x=\"%d\" y=\"%.1f\" font-size=\"11\" fill=\"#444\" text-anchor=\"end\">%s</text>",
                    x0 - 6, yy + 4, Html.esc(y.label(v))));
        }
        Ticks.Dates d = Ticks.dates(t0, t1, 8);
        for (long t : d.ticks()) {
            double xx = x(t);
            s.append(fmt("<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#888\"/>", xx, yb, xx, yb + 5));
            s.append(fmt("<text class=\"xtick\" x=\"%.1f\" y=\"%d\" font-size=\"11\" fill=\"#444\" text-anchor=\"middle\">%s</text>",
                    xx, yb + 18, Html.esc(d.label(t))));
        }
        s.append(fmt("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>", x0, yb, x1, yb));
        s.append(fmt("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>", x0, TOP, x0, yb));
        String when = d.unit().equals("seconds") || d.unit().equals("minutes")
                ? "time (UTC) on " + Html.day(t0) + (Html.day(t0).equals(Html.day(t1)) ? "" : " to " + Html.day(t1))
                : d.unit().equals("hours") ? "date and time (UTC)" : "date (UTC)";
        s.append(fmt("<text class=\"xtitle\" x=\"%d\" y=\"%d\" font-size=\"12\" fill=\"#222\" text-anchor=\"middle\">%s</text>",
                (x0 + x1) / 2, yb + 36, Html.esc(when)));
        s.append(fmt("<text class=\"ytitle\" transform=\"translate(16 %d) rotate(-90)\" font-size=\"12\" fill=\"#222\" "
                + "text-anchor=\"middle\">%s</text>", (TOP + yb) / 2, Html.esc(axisTitle)));
    }

    private void certifiedLine(StringBuilder s) {
        List<StringBuilder> segments = new ArrayList<>();
        StringBuilder current = null;
        int points = 0;
        StringBuilder dots = new StringBuilder();
        long prevStart = Long.MIN_VALUE;
        for (Timeline.Bucket b : timeline.buckets()) {
            if (Double.isNaN(b.certified)) {
                continue;
            }
            long at = b.certifiedAt;
            if (current == null || crossesGap(prevStart, b.start)) {
                current = new StringBuilder();
                segments.add(current);
            }
            current.append(fmt("%.1f,%.1f ", x(at), y(b.certified)));
            dots.append(fmt("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"/>", x(at),
                    y(b.certified), CERTIFIED));
            points++;
            prevStart = b.start;
        }
        for (StringBuilder seg : segments) {
            s.append("<polyline class=\"certified\" fill=\"none\" stroke=\"").append(CERTIFIED)
                    .append("\" stroke-width=\"2\" points=\"").append(seg.toString().trim()).append("\"/>");
        }
        if (points <= 120) {
            s.append(dots);
        }
    }

    private boolean crossesGap(long from, long to) {
        for (Timeline.Gap g : gaps) {
            if (from < g.to() && to >= g.from() && from <= g.from()) {
                return true;
            }
        }
        return false;
    }

    private void legend(StringBuilder s) {
        int ly = H - 14;
        s.append(fmt("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"/>", LEFT, ly - 4, LEFT + 24,
                ly - 4, CERTIFIED));
        s.append(fmt("<text x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"#444\">certified value (highest per %s)</text>",
                LEFT + 30, ly, Html.esc(Html.duration(timeline.width()))));
        s.append(fmt("<circle cx=\"%d\" cy=\"%d\" r=\"4\" fill=\"%s\"/>", LEFT + 260, ly - 4, ROLLBACK));
        s.append(fmt("<text x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"#444\">below an earlier certified value"
                + " (numbered: where a rollback starts)</text>", LEFT + 270, ly));
        s.append(fmt("<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"10\" fill=\"#e6e6e6\"/>", LEFT + 700, ly - 9));
        s.append(fmt("<text x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"#444\">no readings (a gap in time)</text>", LEFT + 720, ly));
    }

    private static String fmt(String f, Object... args) {
        return String.format(Locale.ROOT, f, args);
    }
}
