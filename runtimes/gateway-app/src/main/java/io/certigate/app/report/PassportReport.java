package io.certigate.app.report;

import io.certigate.core.model.ChainedReading;
import io.certigate.core.model.ReadingCodec;
import io.certigate.core.model.RecordFormatException;
import io.certigate.core.model.StoredRecord;
import io.certigate.signing.CoseException;
import io.certigate.signing.CoseSign1;
import io.certigate.verifier.Verdict;
import io.certigate.verifier.Verifier;
import io.certigate.verifier.chain.CheckedEntry;
import io.certigate.verifier.chain.EntryObserver;
import io.certigate.verifier.chain.Finding;
import io.certigate.verifier.export.ExportFile;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.LongFunction;

/**
 * A subject's passport: the history of a vehicle's odometer or a meter's index, each reading with
 * its verdicts, as one self-contained HTML page (inline SVG chart, inline CSS, no script, no
 * external resource) that can be archived or printed.
 */
public final class PassportReport {
    private PassportReport() {}

    /** The subject's readings from an export held in memory, verified; {@code anchors} maps a seq to its anchor, or null. */
    public static List<PassportEntry> entries(ExportFile.Contents c, String subject, LongFunction<String> anchors) {
        Verdict verdict = new Verifier().export(c).verdict();
        Map<Long, String> problems = new HashMap<>();
        for (Verdict.Check f : verdict.failures()) {
            if (f.seq() > 0) {
                problems.merge(f.seq(), f.detail(), (a, b) -> a + "; " + b);
            }
        }
        Collector out = new Collector(subject, anchors);
        for (StoredRecord r : c.records()) {
            if (!(r instanceof StoredRecord.Signed s)) {
                continue;
            }
            ChainedReading cr;
            try {
                cr = ReadingCodec.decode(CoseSign1.parse(s.coseUnsafe()).payload());
            } catch (CoseException | RecordFormatException e) {
                continue; // reported by the verifier as malformed; nothing to show for a subject
            }
            out.add(cr, problems.get(s.seq()));
        }
        return out.entries();
    }

    /**
     * Gathers the subject's readings while a chain is verified as a stream ({@link EntryObserver}):
     * the input is read once, and only the subject's readings are kept.
     */
    public static final class Collector implements EntryObserver {
        private final String subject;
        private final LongFunction<String> anchors;
        private final List<PassportEntry> entries = new ArrayList<>();
        private final Map<String, Double> highest = new HashMap<>();

        /** @param anchors maps a seq to its anchor, or null */
        public Collector(String subject, LongFunction<String> anchors) {
            this.subject = subject;
            this.anchors = anchors;
        }

        @Override
        public void entry(CheckedEntry e) {
            ChainedReading cr = e.reading();
            if (cr == null && e.entry().record() instanceof StoredRecord.Signed s) {
                // a signed record that failed its checks: shown with its problem if its payload is readable
                try {
                    cr = ReadingCodec.decode(CoseSign1.parse(s.coseUnsafe()).payload());
                } catch (CoseException | RecordFormatException ex) {
                    return;
                }
            }
            if (cr == null) {
                return;
            }
            String problem = e.verified() ? null : e.findings().stream().filter(f -> f.kind().isFailure())
                    .map(Finding::toString).reduce((a, b) -> a + "; " + b).orElse(null);
            add(cr, problem);
        }

        void add(ChainedReading cr, String problem) {
            if (!cr.reading().subject().equals(subject)) {
                return;
            }
            String anomaly = null;
            if (cr.reading().flags().contains("rollback-suspected")) {
                anomaly = "rollback suspected";
            }
            OptionalDouble v = cr.reading().value().asDouble();
            if (v.isPresent() && cumulative(cr.reading().kind())) {
                Double max = highest.get(cr.reading().kind());
                if (max != null && v.getAsDouble() < max && anomaly == null) {
                    anomaly = "lower than an earlier certified value (" + max + ")";
                }
                highest.merge(cr.reading().kind(), v.getAsDouble(), Math::max);
            }
            entries.add(new PassportEntry(cr, problem == null, problem, anchors == null ? null : anchors.apply(cr.seq()),
                    anomaly));
        }

        public List<PassportEntry> entries() {
            return entries;
        }
    }

    /**
     * Whether a kind only ever grows (an odometer, an energy index), so that a lower value than an
     * earlier one is an anomaly; a speed, a power or a temperature goes up and down.
     */
    static boolean cumulative(String kind) {
        return kind.equals("vehicle.odometer") || kind.startsWith("meter.energy.");
    }

    /** The page. {@code kind} is charted (e.g. vehicle.odometer); every entry is listed. */
    public static String html(String subject, String device, String kind, List<PassportEntry> entries, Instant generated) {
        StringBuilder h = new StringBuilder(16_384);
        long anomalies = entries.stream().filter(e -> e.anomaly() != null).count();
        long failed = entries.stream().filter(e -> !e.verified()).count();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<title>Passport ").append(esc(subject)).append("</title><style>")
                .append("body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse;width:100%}")
                .append("th,td{border:1px solid #ccc;padding:4px 8px;text-align:left;font-size:13px}")
                .append("tr.anomaly td{background:#fde2e1}tr.failed td{background:#fff3cd}.ok{color:#1a7f37}.bad{color:#d62728}")
                .append("</style></head><body>\n");
        h.append("<h1>Passport of ").append(esc(subject)).append("</h1>\n<p id=\"summary\">Device ").append(esc(device))
                .append(" &middot; ").append(entries.size()).append(" certified readings &middot; ")
                .append(failed == 0 ? "<span class=\"ok\">all verified</span>" : "<span class=\"bad\">" + failed + " failed verification</span>")
                .append(" &middot; ").append(anomalies).append(" anomal").append(anomalies == 1 ? "y" : "ies")
                .append(" &middot; generated ").append(generated).append("</p>\n");
        h.append(Chart.svg(kind, entries));
        h.append("<table id=\"readings\"><thead><tr><th>seq</th><th>observed (UTC)</th><th>kind</th><th>value</th>")
                .append("<th>signature &amp; chain</th><th>anchored</th><th>anomaly</th></tr></thead><tbody>\n");
        for (PassportEntry e : entries) {
            ChainedReading c = e.reading();
            h.append("<tr class=\"").append(e.anomaly() != null ? "anomaly" : !e.verified() ? "failed" : "verified").append("\">")
                    .append("<td>").append(c.seq()).append("</td><td>")
                    .append(Instant.ofEpochMilli(c.reading().observedAtMillis())).append(" (").append(c.reading().timeQuality().code())
                    .append(")</td><td>").append(esc(c.reading().kind())).append("</td><td>").append(esc(c.reading().value().toString()))
                    .append(c.reading().unit() == null ? "" : " " + esc(c.reading().unit())).append("</td><td>")
                    .append(e.verified() ? "<span class=\"ok\">verified</span>" : "<span class=\"bad\">" + esc(e.problem()) + "</span>")
                    .append("</td><td>").append(e.anchor() == null ? "not anchored" : esc(e.anchor())).append("</td><td>")
                    .append(e.anomaly() == null ? "" : esc(e.anomaly())).append("</td></tr>\n");
        }
        h.append("</tbody></table>\n</body></html>\n");
        return h.toString();
    }

    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '<': b.append("&lt;"); break;
                case '>': b.append("&gt;"); break;
                case '&': b.append("&amp;"); break;
                case '"': b.append("&quot;"); break;
                case '\'': b.append("&#39;"); break;
                default: b.append(ch);
            }
        }
        return b.toString();
    }
}
