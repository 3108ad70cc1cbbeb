package io.certigate.app.report;

import io.certigate.core.model.Reading;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.Consumer;

/**
 * A subject's passport, built from its readings one at a time ({@link #accept}) in memory that does
 * not grow with their number, then written as one self-contained HTML page ({@link #write}: inline
 * CSS and SVG, no script, no external resource) that opens with the verdict and what it rests on:
 * one device's file and its checks, or the fleet store and the fleet tier's verification
 * ({@link Evidence#fleet()}), whose readings come from several devices, each listed with its device.
 *
 * <pre>
 * PassportWriter p = new PassportWriter(null);
 * entries.forEachRemaining(p);
 * p.write(writer, evidence);
 * </pre>
 */
public final class PassportWriter implements Consumer<PassportEntry> {
    private static final int MAX_TIMELINES = 16;

    private final String chartKind;
    private final Map<String, KindTable> tables = new LinkedHashMap<>();
    private final Map<String, Timeline> timelines = new LinkedHashMap<>();
    private final Map<String, String> units = new LinkedHashMap<>();
    private final RollbackEvents rollbacks = new RollbackEvents();
    private long count;
    private long failed;
    private long inRollback;
    private long firstSeq;
    private long lastSeq;

    /** @param chartKind the kind to chart, or null for the odometer, else the first numeric kind */
    public PassportWriter(String chartKind) {
        this.chartKind = chartKind;
    }

    /**
     * Whether a kind only ever grows (an odometer, an energy index), so that a lower value than an
     * earlier one is a rollback; a speed, a power or a temperature goes up and down.
     */
    public static boolean cumulative(String kind) {
        return kind.equals("vehicle.odometer") || kind.startsWith("meter.energy.");
    }

    /**
     * The next reading of the subject: in seq order from one device's file, in time order across
     * devices from the fleet store (a rollback is then any value below one certified earlier by any of them).
     */
    @Override
    public void accept(PassportEntry e) {
        Reading r = e.reading().reading();
        long seq = e.reading().seq();
        count++;
        failed += e.verified() ? 0 : 1;
        firstSeq = firstSeq == 0 ? seq : Math.min(firstSeq, seq);
        lastSeq = Math.max(lastSeq, seq);
        OptionalDouble v = r.value().asDouble();
        RollbackEvents.Role role = RollbackEvents.Role.NONE;
        if (v.isPresent() && cumulative(r.kind())) {
            role = rollbacks.accept(r.kind(), r.unit(), e.reading().device(), seq, r.observedAtMillis(), v.getAsDouble(),
                    r.flags().contains("rollback-suspected"));
        }
        inRollback += role == RollbackEvents.Role.NONE ? 0 : 1;
        if (v.isPresent()) {
            Timeline t = timelines.get(r.kind());
            if (t == null && timelines.size() < MAX_TIMELINES) {
                t = new Timeline();
                timelines.put(r.kind(), t);
                units.put(r.kind(), r.unit());
            }
            if (t != null) {
                t.add(r.observedAtMillis(), v.getAsDouble(), role != RollbackEvents.Role.NONE);
            }
        }
        tables.computeIfAbsent(r.kind(), KindTable::new)
                .add(new KindTable.Row(e, role, role == RollbackEvents.Role.NONE ? 0 : rollbacks.currentNumber(r.kind())));
    }

    /** Readings accepted so far. */
    public long count() {
        return count;
    }

    /** Rollback events found so far. */
    public int rollbacks() {
        return rollbacks.count();
    }

    /** Readings inside rollback events so far. */
    public long inRollback() {
        return inRollback;
    }

    /** The kind charted: the one asked for, else the odometer, else the first numeric kind; null when none. */
    public String chartedKind() {
        if (chartKind != null) {
            return chartKind;
        }
        if (timelines.containsKey("vehicle.odometer")) {
            return "vehicle.odometer";
        }
        return timelines.isEmpty() ? null : timelines.keySet().iterator().next();
    }

    /** Writes the page. */
    public void write(Appendable out, Evidence ev) throws IOException {
        rollbacks.input(ev.acrossDevices() ? "the store's readings" : "this file");
        PassportPage page = new PassportPage(out, ev);
        page.head();
        page.verdict(count, failed, firstSeq, lastSeq, rollbacks, chartedKind());
        page.devices();
        page.ledger();
        page.completeness();
        boolean acrossDevices = ev.acrossDevices();
        String kind = chartedKind();
        Timeline t = kind == null ? null : timelines.get(kind);
        page.timeline(kind, t, units.get(kind), kind == null ? List.of() : rollbacks.events(kind), rollbacks.count());
        out.append("<section id=\"readings\"><h2>Readings</h2><p>").append(Html.plural(count, "certified reading", "certified readings"))
                .append(" of ").append(Html.esc(ev.subject())).append(", by kind. Open a kind to see its readings per day")
                .append(" and the readings themselves.</p>\n");
        for (KindTable k : tables.values()) {
            k.write(out, ev.ledger(), acrossDevices);
        }
        out.append("</section>\n</body></html>\n");
    }
}
