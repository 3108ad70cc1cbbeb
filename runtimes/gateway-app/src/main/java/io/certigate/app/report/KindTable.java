package io.certigate.app.report;

import io.certigate.core.model.ChainedReading;
import io.certigate.core.model.Reading;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * The readings of one kind, collapsed: per day (per month beyond {@link #MAX_PERIODS} days) a
 * summary row, the first and last {@link #EDGE} readings in full, and the readings that need a
 * look (a failed check, the start of a rollback event), the first {@link #NOTABLE} of them. Memory
 * does not grow with the number of readings.
 */
final class KindTable {
    static final int EDGE = 25;
    static final int NOTABLE = 100;
    static final int MAX_PERIODS = 400;

    /** A reading as listed, with its place in a rollback event (0: none). */
    record Row(PassportEntry entry, RollbackEvents.Role role, int event) {}

    private static final class Period {
        long count;
        long firstSeq = Long.MAX_VALUE;
        long lastSeq;
        double min = Double.NaN;
        double max = Double.NaN;
        long failed;
        long rollback;

        void add(Period p) {
            count += p.count;
            firstSeq = Math.min(firstSeq, p.firstSeq);
            lastSeq = Math.max(lastSeq, p.lastSeq);
            min = Double.isNaN(min) ? p.min : Double.isNaN(p.min) ? min : Math.min(min, p.min);
            max = Double.isNaN(max) ? p.max : Double.isNaN(p.max) ? max : Math.max(max, p.max);
            failed += p.failed;
            rollback += p.rollback;
        }
    }

    private final String kind;
    private final List<Row> head = new ArrayList<>();
    private final ArrayDeque<Row> tail = new ArrayDeque<>();
    private final List<Row> notable = new ArrayList<>();
    private TreeMap<String, Period> periods = new TreeMap<>();
    private boolean monthly;
    private long count;
    private long notableCount;
    private long failed;
    private long rollback;
    private String unit;

    KindTable(String kind) {
        this.kind = kind;
    }

    void add(Row r) {
        count++;
        ChainedReading c = r.entry().reading();
        unit = unit == null ? c.reading().unit() : unit;
        if (head.size() < EDGE) {
            head.add(r);
        } else {
            tail.addLast(r);
            if (tail.size() > EDGE) {
                tail.removeFirst();
            }
        }
        boolean bad = !r.entry().verified();
        failed += bad ? 1 : 0;
        rollback += r.role() != RollbackEvents.Role.NONE ? 1 : 0;
        if (bad || r.role() == RollbackEvents.Role.START) {
            notableCount++;
            if (notable.size() < NOTABLE) {
                notable.add(r);
            }
        }
        Period p = periods.computeIfAbsent(period(c.reading().observedAtMillis()), k -> new Period());
        p.count++;
        p.firstSeq = Math.min(p.firstSeq, c.seq());
        p.lastSeq = Math.max(p.lastSeq, c.seq());
        OptionalDouble v = c.reading().value().asDouble();
        if (v.isPresent()) {
            p.min = Double.isNaN(p.min) ? v.getAsDouble() : Math.min(p.min, v.getAsDouble());
            p.max = Double.isNaN(p.max) ? v.getAsDouble() : Math.max(p.max, v.getAsDouble());
        }
        p.failed += bad ? 1 : 0;
        p.rollback += r.role() != RollbackEvents.Role.NONE ? 1 : 0;
        if (!monthly && periods.size() > MAX_PERIODS) {
            monthly = true;
            TreeMap<String, Period> m = new TreeMap<>();
            periods.forEach((day, q) -> m.computeIfAbsent(day.substring(0, 7), k -> new Period()).add(q));
            periods = m;
        }
    }

    private String period(long t) {
        LocalDate d = LocalDate.ofInstant(Instant.ofEpochMilli(t), ZoneOffset.UTC);
        return monthly ? YearMonth.from(d).toString() : d.toString();
    }

    long count() {
        return count;
    }

    long failed() {
        return failed;
    }

    /**
     * The collapsed section of this kind; each listed reading's anchor as {@code ledger} finally judged
     * it (its batch root recomputed once the whole input went by). {@code acrossDevices}: the readings
     * come from several devices in time order (a fleet passport), so each is listed with its device and
     * the per-period table leaves out seq ranges, which mean nothing across devices.
     */
    void write(Appendable out, Ledger ledger, boolean acrossDevices) throws IOException {
        out.append("<details class=\"kind\" id=\"kind-").append(Html.esc(kind)).append("\"><summary><b>").append(Html.esc(kind))
                .append("</b>: ").append(Html.plural(count, "reading", "readings"))
                .append(failed == 0 ? ", all verified" : ", <span class=\"bad\">" + failed + " failed verification</span>")
                .append(rollback == 0 ? "" : ", " + Html.plural(rollback, "reading", "readings") + " inside rollback events")
                .append("</summary>\n");
        out.append("<h4>Per ").append(monthly ? "month" : "day").append("</h4><table class=\"periods\"><thead><tr><th>")
                .append(monthly ? "month" : "day").append(" (UTC)</th><th>readings</th><th>lowest</th><th>highest</th>")
                .append(acrossDevices ? "" : "<th>seq</th>").append("<th>failed</th><th>in a rollback</th></tr></thead><tbody>\n");
        for (var e : periods.entrySet()) {
            Period p = e.getValue();
            out.append("<tr><td>").append(e.getKey()).append("</td><td>").append(Long.toString(p.count)).append("</td><td>")
                    .append(Double.isNaN(p.min) ? "" : Html.esc(Html.quantity(p.min, unit))).append("</td><td>")
                    .append(Double.isNaN(p.max) ? "" : Html.esc(Html.quantity(p.max, unit))).append("</td><td>")
                    .append(acrossDevices ? "" : p.firstSeq + ".." + p.lastSeq + "</td><td>")
                    .append(p.failed == 0 ? "" : "<span class=\"bad\">" + p.failed + "</span>").append("</td><td>")
                    .append(p.rollback == 0 ? "" : "<span class=\"bad\">" + p.rollback + "</span>").append("</td></tr>\n");
        }
        out.append("</tbody></table>\n");
        if (count > 2L * EDGE && notableCount > 0) {
            out.append("<h4>Readings that need a look</h4>");
            rows(out, ledger, acrossDevices, notable, notableCount > notable.size()
                    ? "and " + (notableCount - notable.size()) + " more, listed in the per-day table" : null);
        }
        out.append("<h4>").append(count <= 2L * EDGE ? "Every reading" : "First and last " + EDGE + " readings").append("</h4>");
        List<Row> shown = new ArrayList<>(head);
        String between = null;
        if (count > head.size() + tail.size()) {
            between = Html.plural(count - head.size() - tail.size(), "reading", "readings")
                    + " not listed here: see the per-day table above; every reading is in "
                    + (acrossDevices ? "the fleet store" : "the file itself");
        }
        rows(out, ledger, acrossDevices, shown, between);
        if (!tail.isEmpty()) {
            rowsContinued(out, ledger, acrossDevices, new ArrayList<>(tail));
        }
        out.append("</details>\n");
    }

    private void rows(Appendable out, Ledger ledger, boolean acrossDevices, List<Row> rows, String after) throws IOException {
        out.append("<table class=\"readings\"><thead><tr>").append(acrossDevices ? "<th>device</th>" : "")
                .append("<th>seq</th><th>observed (UTC)</th><th>value</th><th>signature &amp; chain</th>")
                .append(acrossDevices ? "" : "<th>anchored</th>").append("<th>note</th></tr></thead><tbody>\n");
        for (Row r : rows) {
            row(out, ledger, acrossDevices, r);
        }
        if (after != null) {
            out.append("<tr class=\"more\"><td colspan=\"6\">&hellip; ").append(Html.esc(after)).append("</td></tr>\n");
        }
        out.append("</tbody></table>\n");
    }

    private void rowsContinued(Appendable out, Ledger ledger, boolean acrossDevices, List<Row> rows) throws IOException {
        out.append("<table class=\"readings\"><tbody>\n");
        for (Row r : rows) {
            row(out, ledger, acrossDevices, r);
        }
        out.append("</tbody></table>\n");
    }

    private static void row(Appendable out, Ledger ledger, boolean acrossDevices, Row r) throws IOException {
        PassportEntry e = r.entry();
        Ledger.Anchor judged = e.anchor() == null ? null : ledger.find(e.reading().seq());
        Ledger.Anchor anchor = judged != null ? judged : e.anchor();
        Reading g = e.reading().reading();
        String note = switch (r.role()) {
            case START -> "rollback " + r.event() + " starts here";
            case IN_EVENT -> "inside rollback " + r.event();
            case NONE -> "";
        };
        List<String> alerts = g.flags().stream().filter(Reading::isAlert).toList();
        if (!alerts.isEmpty()) {
            note = (note.isEmpty() ? "" : note + "; ") + "flagged " + String.join(", ", alerts);
        }
        out.append("<tr class=\"").append(!e.verified() ? "failed" : r.role() != RollbackEvents.Role.NONE ? "rollback" : "verified")
                .append("\">").append(acrossDevices ? "<td><code>" + Html.esc(e.reading().device()) + "</code></td>" : "")
                .append("<td>").append(Long.toString(e.reading().seq())).append("</td><td>")
                .append(Html.time(g.observedAtMillis())).append(" (").append(g.timeQuality().code()).append(")</td><td>")
                .append(Html.esc(g.value().toString())).append(g.unit() == null ? "" : " " + Html.esc(g.unit())).append("</td><td>")
                .append(e.verified() ? "<span class=\"ok\">" + (acrossDevices ? "verified by the fleet" : "verified") + "</span>"
                        : "<span class=\"bad\">" + Html.esc(e.problem()) + "</span>")
                .append("</td><td>").append(acrossDevices ? "" : (anchor == null ? "not anchored" : Html.esc(anchor.cell())) + "</td><td>")
                .append(Html.esc(note)).append("</td></tr>\n");
    }
}
