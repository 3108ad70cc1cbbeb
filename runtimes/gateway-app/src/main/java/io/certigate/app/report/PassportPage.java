package io.certigate.app.report;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** The sections of the passport page before the readings: verdict, devices and trust, ledger, completeness, timeline. */
final class PassportPage {
    private static final String STYLE = "body{font-family:sans-serif;margin:2em;color:#222;max-width:1100px}"
            + "table{border-collapse:collapse;width:100%;margin:.5em 0}th,td{border:1px solid #ccc;padding:4px 8px;text-align:left;"
            + "font-size:13px;vertical-align:top}code{font-size:12px;word-break:break-all}"
            + "#verdict{border:2px solid #888;border-radius:6px;padding:.5em 1em;margin:1em 0}"
            + "#verdict.verdict-ok{border-color:#1a7f37}#verdict.verdict-bad{border-color:#d62728}"
            + ".headline{font-size:1.3em;font-weight:bold}.ok{color:#1a7f37}.bad{color:#d62728}.warn{color:#b26b00}"
            + "tr.rollback td{background:#fde2e1}tr.failed td{background:#fff3cd}tr.more td{font-style:italic;color:#555}"
            + ".warning{background:#fde2e1;border-left:4px solid #d62728;padding:.5em 1em}"
            + ".note{background:#fff3cd;border-left:4px solid #b26b00;padding:.5em 1em}"
            + "details.kind{margin:.5em 0;border:1px solid #ddd;padding:.3em .6em}summary{cursor:pointer}"
            + "@media print{details.kind{display:block}}";

    private final Appendable out;
    private final Evidence ev;

    PassportPage(Appendable out, Evidence ev) {
        this.out = out;
        this.ev = ev;
    }

    void head() throws IOException {
        out.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Passport of ")
                .append(Html.esc(ev.subject())).append("</title><style>").append(STYLE).append("</style></head><body>\n")
                .append("<h1>Passport of ").append(Html.esc(ev.subject())).append("</h1>\n<p id=\"about\">Certified readings of ")
                .append(Html.esc(ev.subject()));
        FleetBasis fleet = ev.fleet();
        if (fleet == null) {
            out.append(" by device <code>").append(Html.esc(ev.device())).append("</code>, from ");
        } else {
            out.append(" by ").append(Html.plural(fleet.devices().size(), "device", "devices")).append(" (");
            int i = 0;
            for (FleetBasis.Device d : fleet.devices()) {
                out.append(i++ > 0 ? ", " : "").append("<code>").append(Html.esc(d.id())).append("</code>");
            }
            out.append("), in time order, read from ");
        }
        out.append(Html.esc(ev.source())).append(". Generated ").append(Html.time(ev.generated())).append(".</p>\n");
    }

    /** What the readings were taken from, in words: "this file" or "the fleet store". */
    private String input() {
        return ev.fleet() == null ? "this file" : "the fleet store";
    }

    void verdict(long count, long failed, long firstSeq, long lastSeq, RollbackEvents rollbacks, String kind) throws IOException {
        if (ev.fleet() != null) {
            fleetVerdict(count, rollbacks, kind);
            return;
        }
        Evidence.FileCheck f = ev.file();
        Ledger l = ev.ledger();
        Completeness c = ev.completeness();
        boolean broken = f.failures() > 0 || l.failed() > 0 || !ev.trust().failures().isEmpty();
        String cls = broken || c.incomplete() ? "bad" : "ok";
        String headline;
        if (count == 0) {
            cls = "bad";
            headline = "NO READINGS: the file holds no reading of " + ev.subject() + ".";
        } else if (broken) {
            List<String> why = new ArrayList<>();
            if (f.failures() > 0) {
                why.add(Html.plural(f.failures(), "check", "checks") + " of the file's signatures and hash chain failed");
            }
            if (l.failed() > 0) {
                why.add(Html.plural(l.failed(), "anchor is", "anchors are") + " not on the ledger as claimed");
            }
            if (!ev.trust().failures().isEmpty()) {
                why.add("the trust inputs refused " + ev.trust().failures().get(0)
                        + (ev.trust().failures().size() > 1 ? " and " + (ev.trust().failures().size() - 1) + " more" : ""));
            }
            headline = "NOT VERIFIED: " + String.join("; ", why) + ".";
        } else if (c.incomplete()) {
            Completeness.Range m = c.missing().get(0);
            headline = "INCOMPLETE HISTORY: " + (c.basis() == Completeness.Basis.LEDGER ? "the ledger" : "the gateway's record")
                    + " holds readings of this device that this file does not contain (" + m + (c.missing().size() > 1
                    ? " and " + (c.missing().size() - 1) + " more range" + (c.missing().size() > 2 ? "s" : "") : "")
                    + "). What is shown below may leave out later or removed readings.";
        } else {
            headline = "VERIFIED: the " + Html.plural(count, "reading", "readings") + " of " + ev.subject()
                    + " are signed by the device and chained without a break.";
        }
        out.append("<section id=\"verdict\" class=\"verdict-").append(cls).append("\"><h2>Verdict</h2>\n<p id=\"verdict-headline\" class=\"headline ")
                .append(cls).append("\">").append(Html.esc(headline)).append("</p>\n");
        rollbackFinding(count, rollbacks, kind, c.incomplete());
        out.append("<h3>What this rests on</h3><ul id=\"basis\">\n");
        out.append("<li><b>Signatures and hash chain:</b> ").append(Html.plural(f.records(), "record", "records")).append(" of the file (seq ")
                .append(Long.toString(f.firstSeq())).append("..").append(Long.toString(f.lastSeq())).append("), of which ")
                .append(Html.plural(count, "reading", "readings")).append(" of ").append(Html.esc(ev.subject()))
                .append(count == 0 ? "" : " (seq " + firstSeq + ".." + lastSeq + ")").append(": ")
                .append(f.failures() == 0 ? "<span class=\"ok\">every signature and link checked</span>"
                        : "<span class=\"bad\">" + Html.plural(f.failures(), "check", "checks") + " failed</span>");
        if (failed > 0) {
            out.append(", ").append(Html.plural(failed, "reading", "readings")).append(" of this subject among them");
        }
        for (String s : f.firstFailures()) {
            out.append("<br><span class=\"bad\">").append(Html.esc(s)).append("</span>");
        }
        out.append("</li>\n<li><b>Keys:</b> ").append(Html.esc(trustSentence())).append("</li>\n");
        out.append("<li><b>Ledger:</b> ").append(Html.esc(ledgerSentence())).append("</li>\n");
        out.append("<li><b>Completeness:</b> ").append(Html.esc(completenessSentence())).append("</li>\n</ul></section>\n");
    }

    private void rollbackFinding(long count, RollbackEvents rollbacks, String kind, boolean incomplete) throws IOException {
        if (rollbacks.count() > 0) {
            RollbackEvents.Event first = rollbacks.events().get(0);
            out.append("<p id=\"finding\" class=\"bad\"><b>").append(Html.plural(rollbacks.count(), "rollback", "rollbacks"))
                    .append(" of the ").append(first.kind.equals("vehicle.odometer") ? "odometer" : Html.esc(first.kind))
                    .append("</b> (marked on the timeline): ").append(Html.esc(first.headline())).append(".</p>\n");
        } else if (count > 0 && kind != null && PassportWriter.cumulative(kind)) {
            out.append("<p id=\"finding\" class=\"ok\">No rollback in ").append(input()).append(": the ").append(Html.esc(kind))
                    .append(" never went below a value certified before it")
                    .append(ev.fleet() != null && ev.fleet().devices().size() > 1 ? ", across the devices, in time order" : "")
                    .append(incomplete ? " among the readings it holds; the readings it lacks are not seen here" : "")
                    .append(".</p>\n");
        }
    }

    /**
     * The verdict of a passport read from the fleet store: what the fleet tier's verification accepted,
     * per device, and plainly that the reader did not verify it again.
     */
    private void fleetVerdict(long count, RollbackEvents rollbacks, String kind) throws IOException {
        FleetBasis fleet = ev.fleet();
        long findings = fleet.findings();
        String cls = count == 0 || findings > 0 ? "bad" : "ok";
        String devices = Html.plural(fleet.devices().size(), "device", "devices");
        String these = fleet.devices().size() == 1 ? "this device" : "these devices";
        String headline;
        if (count == 0) {
            headline = "NO READINGS: the fleet store holds no reading of " + ev.subject() + ".";
        } else if (findings > 0) {
            headline = "VERIFIED BY THE FLEET, WITH FINDINGS: the " + Html.plural(count, "reading", "readings") + " of "
                    + ev.subject() + " from " + devices + " were accepted by the fleet's verification, which also recorded "
                    + Html.plural(findings, "finding", "findings") + " about " + these + " (listed below).";
        } else {
            headline = "VERIFIED BY THE FLEET: the " + Html.plural(count, "reading", "readings") + " of " + ev.subject()
                    + " from " + devices + " were accepted by the fleet's verification (signed by the device, chained"
                    + " without a break) and stored once each; no finding about " + these + ".";
        }
        out.append("<section id=\"verdict\" class=\"verdict-").append(cls).append("\"><h2>Verdict</h2>\n<p id=\"verdict-headline\" class=\"headline ")
                .append(cls).append("\">").append(Html.esc(headline)).append("</p>\n");
        rollbackFinding(count, rollbacks, kind, false);
        out.append("<h3>What this rests on</h3><ul id=\"basis\">\n");
        out.append("<li><b>The fleet tier's verification:</b> each record was accepted when it arrived: its signature checked")
                .append(" with a key of the device chained to the consortium CA the fleet trusts, its link checked against the")
                .append(" chain hash of the device's previous record, and stored exactly once per device and seq.")
                .append(fleet.unlinked() == 0 ? "" : " <span class=\"warn\">" + Html.plural(fleet.unlinked(), "record was", "records were")
                        + " accepted after a gap, without its link checked.</span>")
                .append("</li>\n");
        out.append("<li><b>Keys:</b> ").append(Html.esc(fleetTrustSentence())).append("</li>\n");
        out.append("<li><b>Devices:</b> ");
        int i = 0;
        for (FleetBasis.Device d : fleet.devices()) {
            out.append(i++ > 0 ? "; " : "").append("<code>").append(Html.esc(d.id())).append("</code> ")
                    .append(Html.plural(d.readings(), "reading", "readings")).append(" (seq ").append(Long.toString(d.firstSeq()))
                    .append("..").append(Long.toString(d.lastSeq())).append(")")
                    .append(d.findings() == 0 ? "" : ", <span class=\"bad\">" + Html.plural(d.findings(), "finding", "findings") + "</span>");
        }
        out.append(" (details below).</li>\n");
        out.append("<li><b>Read from the store:</b> ").append(Html.esc(fleet.store())).append(" at ").append(Html.time(fleet.readAt()))
                .append(". <span class=\"warn\">Not verified again by this passport:</span> whoever reads it trusts the fleet")
                .append(" operator's verification and store, unless they verify an export of the devices themselves")
                .append(" (certigate verify).</li>\n");
        out.append("<li><b>Ledger and completeness:</b> not checked here: the store holds what the gateways forwarded and the")
                .append(" verification accepted.</li>\n</ul></section>\n");
    }

    private String fleetTrustSentence() {
        List<String> t = ev.fleet().trust();
        if (t.isEmpty()) {
            return "The fleet configuration read holds no trust settings (an instance that only stores): the records were"
                    + " accepted by the fleet's verification with the trust settings of its verify instances.";
        }
        return "The fleet's verification trusts " + String.join("; ", t) + ".";
    }

    private String trustSentence() {
        Trust t = ev.trust();
        if (t.keysFromFile()) {
            return "Taken from the file itself, no trust root given. This shows that the readings were not changed since whoever"
                    + " holds those keys signed them; it does not show that the keys belong to a device the consortium provisioned.";
        }
        return "Judged with " + String.join("; ", t.inputs()) + ".";
    }

    private String ledgerSentence() {
        Ledger l = ev.ledger();
        if (l.anchors().isEmpty()) {
            return "No anchoring transaction is known" + (l.note().isEmpty() ? "" : " (" + l.note() + ")")
                    + ": nothing shows when the readings existed.";
        }
        if (l.rpcUrl() == null) {
            return l.anchors().size() + " anchoring transactions as the gateway recorded them: the gateway's claim, NOT checked"
                    + " on the ledger" + (l.note().isEmpty() ? "" : " (" + l.note() + ")") + ".";
        }
        return l.confirmed() + " of " + l.anchors().size() + " anchoring transactions confirmed on chain " + l.chainId()
                + " through " + l.rpcUrl() + (l.failed() > 0 ? ", " + l.failed() + " NOT as claimed" : "") + ".";
    }

    private String completenessSentence() {
        Completeness c = ev.completeness();
        return switch (c.basis()) {
            case NOT_CHECKED -> "Not checked against the ledger: " + c.source()
                    + ". The file alone cannot show that the history does not go on after its last reading.";
            case LEDGER, GATEWAY_CLAIM -> (c.incomplete() ? "INCOMPLETE: " + c.missing().size() + " range(s) missing"
                    : "Complete: the file covers the " + c.covered().size() + " anchored range(s)")
                    + (c.notYetAnchored().isEmpty() ? "" : ", " + c.notYetAnchored().size() + " range(s) not yet anchored")
                    + (c.requested() == null ? "" : ", within the requested " + c.requested()) + " (" + c.source() + ").";
        };
    }

    private static String capital(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    void devices() throws IOException {
        if (ev.fleet() != null) {
            fleetDevices();
            return;
        }
        Trust t = ev.trust();
        out.append("<section id=\"devices\"><h2>Devices that certified it</h2>\n<table><thead><tr><th>key id</th>")
                .append("<th>certificate subject</th><th>issuer</th><th>valid</th><th>certificate chain</th><th>registry status</th>")
                .append("</tr></thead><tbody>\n");
        for (Trust.Device d : t.devices()) {
            out.append("<tr><td><code>").append(Html.esc(d.keyId())).append("</code> (").append(Html.esc(d.algorithm()))
                    .append(")</td><td>").append(d.subject() == null ? "no certificate in the file" : Html.esc(d.subject()))
                    .append("</td><td>").append(Html.esc(d.issuer())).append("</td><td>")
                    .append(d.notBefore() == null ? "" : Html.time(d.notBefore()) + " to " + Html.time(d.notAfter()))
                    .append("</td><td>").append(Html.esc(d.chainStatus())).append("</td><td>")
                    .append(d.registryStatus() == null ? "not read (no registry given)" : Html.esc(d.registryStatus()))
                    .append("</td></tr>\n");
        }
        out.append("</tbody></table>\n<p id=\"trust\" class=\"").append(t.keysFromFile() ? "note" : "").append("\">Trust inputs: ")
                .append(Html.esc(trustSentence())).append("</p></section>\n");
    }

    /** The devices whose records of the subject the fleet store holds, each with what the fleet found about it. */
    private void fleetDevices() throws IOException {
        FleetBasis fleet = ev.fleet();
        out.append("<section id=\"devices\"><h2>Devices that certified it</h2>\n<table id=\"fleet-devices\"><thead><tr>")
                .append("<th>device</th><th>readings of ").append(Html.esc(ev.subject())).append("</th><th>seq</th>")
                .append("<th>links</th><th>records of the device in the store</th><th>erased</th><th>findings</th>")
                .append("</tr></thead><tbody>\n");
        for (FleetBasis.Device d : fleet.devices()) {
            out.append("<tr class=\"device\"><td><code>").append(Html.esc(d.id())).append("</code></td><td>")
                    .append(Long.toString(d.readings()))
                    .append(d.unreadable() == 0 ? "" : " <span class=\"bad\">(" + d.unreadable() + " unreadable, not shown)</span>")
                    .append("</td><td>").append(Long.toString(d.firstSeq())).append("..").append(Long.toString(d.lastSeq()))
                    .append("</td><td>").append(d.unlinked() == 0 ? "<span class=\"ok\">every link checked</span>"
                            : "<span class=\"warn\">" + d.unlinked() + " accepted after a gap, link not checked</span>")
                    .append("</td><td>").append(d.stored() < 0 ? "unknown" : Long.toString(d.stored())).append("</td><td>")
                    .append(d.erased() < 0 ? "unknown" : Long.toString(d.erased())).append("</td><td>");
            if (d.findings() == 0) {
                out.append("<span class=\"ok\">none</span>");
            } else {
                out.append("<span class=\"bad\">").append(Long.toString(d.findings())).append("</span><ul class=\"findings\">");
                for (String f : d.firstFindings()) {
                    out.append("<li>").append(Html.esc(f)).append("</li>");
                }
                out.append(d.findings() > d.firstFindings().size()
                        ? "<li>and " + (d.findings() - d.firstFindings().size()) + " more</li>" : "").append("</ul>");
            }
            out.append("</td></tr>\n");
        }
        out.append("</tbody></table>\n<p id=\"trust\">").append(Html.esc(fleetTrustSentence()))
                .append(" Erased records have no subject any more and are not among the readings; they are counted for the")
                .append(" whole device.</p></section>\n");
    }

    void ledger() throws IOException {
        if (ev.fleet() != null) {
            return; // the fleet store holds no anchors: the verdict says the ledger was not read
        }
        Ledger l = ev.ledger();
        out.append("<section id=\"ledger\"><h2>Ledger</h2>\n<p>Chain id ")
                .append(l.chainId() == null ? "unknown" : l.chainId().toString()).append(", anchor contract <code>")
                .append(l.contract() == null ? "unknown" : Html.esc(l.contract())).append("</code>. ")
                .append(Html.esc(ledgerSentence())).append("</p>\n");
        if (l.anchors().isEmpty()) {
            out.append("</section>\n");
            return;
        }
        boolean collapse = l.anchors().size() > 12;
        if (collapse) {
            out.append("<details><summary>").append(Integer.toString(l.anchors().size())).append(" anchoring transactions</summary>");
        }
        out.append("<table id=\"anchors\"><thead><tr><th>seq</th><th>block</th><th>transaction</th><th>Merkle root</th>")
                .append("<th>on chain</th></tr></thead><tbody>\n");
        for (Ledger.Anchor a : l.anchors()) {
            String status = switch (a.status()) {
                case CONFIRMED -> "<span class=\"ok\">confirmed</span> at " + Html.time(a.checkedAt());
                case FAILED -> "<span class=\"bad\">NOT confirmed</span>" + (a.checkedAt() == null ? "" : " at " + Html.time(a.checkedAt()));
                case UNCHECKED -> "<span class=\"warn\">gateway's claim, unchecked</span>";
            };
            out.append("<tr><td>").append(Long.toString(a.firstSeq())).append("..").append(Long.toString(a.lastSeq()))
                    .append("</td><td>").append(a.block() > 0 ? Long.toString(a.block()) : "").append("</td><td><code>")
                    .append(Html.esc(a.txHash() == null ? "not sent" : a.txHash())).append("</code></td><td><code>")
                    .append(Html.esc(a.root())).append("</code></td><td>").append(status)
                    .append(a.detail().isEmpty() ? "" : ": " + Html.esc(a.detail())).append("</td></tr>\n");
        }
        out.append("</tbody></table>\n").append(collapse ? "</details>" : "").append("</section>\n");
    }

    void completeness() throws IOException {
        Completeness c = ev.completeness();
        out.append("<section id=\"completeness\"><h2>Completeness</h2>\n");
        if (ev.fleet() != null) {
            out.append("<div id=\"completeness-unknown\" class=\"note\"><b>Completeness not checked against the ledger.</b> The fleet")
                    .append(" store holds what the gateways forwarded and the verification accepted: a gap it saw in a device's")
                    .append(" chain is a finding (listed with the device above); records a device never sent are not seen here.")
                    .append(" To compare a device's history with its anchors, export it and run certigate report with --rpc.</div>")
                    .append("</section>\n");
            return;
        }
        if (c.incomplete()) {
            out.append("<div id=\"incomplete-warning\" class=\"warning\"><b>Incomplete history.</b> ")
                    .append(c.basis() == Completeness.Basis.LEDGER ? "The ledger" : "The gateway's own record")
                    .append(" shows readings of this device that are not in this file:<ul>");
            for (Completeness.Range m : c.missing()) {
                out.append("<li>").append(Html.esc(m.toString())).append(m.note().isEmpty() ? "" : ": " + Html.esc(m.note())).append("</li>");
            }
            out.append("</ul>Whoever handed over this file left them out: readings after its end may contradict what it shows.</div>\n");
        } else if (c.basis() == Completeness.Basis.NOT_CHECKED) {
            out.append("<div id=\"completeness-unknown\" class=\"note\"><b>Completeness not checked.</b> ")
                    .append(Html.esc(capital(c.source()))).append(". A file that stops early, before a rollback for instance, would look")
                    .append(" the same: give the ledger's address (--rpc) to compare the file with the device's anchored history.</div>\n");
        } else {
            out.append("<p class=\"ok\">").append(Html.esc(completenessSentence())).append("</p>\n");
        }
        if (!c.covered().isEmpty()) {
            out.append("<p>Anchored ranges covered by the file: ");
            ranges(c.covered());
            out.append("</p>\n");
        }
        if (!c.notYetAnchored().isEmpty()) {
            out.append("<p>Not yet anchored (reported, not a failure): ");
            ranges(c.notYetAnchored());
            out.append("</p>\n");
        }
        out.append("<p class=\"source\">Basis: ").append(Html.esc(c.source())).append("</p></section>\n");
    }

    private void ranges(List<Completeness.Range> l) throws IOException {
        int shown = 0;
        for (Completeness.Range r : l) {
            if (shown++ == 20) {
                out.append(" and ").append(Integer.toString(l.size() - 20)).append(" more");
                break;
            }
            out.append(shown > 1 ? "; " : "").append(Html.esc(r.toString())).append(r.note().isEmpty() ? "" : " (" + Html.esc(r.note()) + ")");
        }
    }

    void timeline(String kind, Timeline t, String unit, List<RollbackEvents.Event> events, int allEvents) throws IOException {
        out.append("<section id=\"timeline\"><h2>Timeline</h2>\n");
        if (kind == null || t == null || t.count() == 0) {
            out.append("<p>No numeric reading to chart.</p></section>\n");
            return;
        }
        Chart chart = new Chart(t, events);
        out.append("<p>").append(Html.esc(kind)).append(": ").append(Html.plural(t.count(), "reading", "readings")).append(" from ")
                .append(Html.time(t.first())).append(" to ").append(Html.time(t.last())).append(", charted as the highest certified")
                .append(" value per ").append(Html.esc(Html.duration(t.width()))).append(".</p>\n");
        chart.write(out, kind, (kind.equals("vehicle.odometer") ? "odometer" : kind) + (unit == null ? "" : " (" + unit + ")"));
        if (!events.isEmpty()) {
            out.append("<h3>Rollbacks</h3><ol id=\"rollbacks\">\n");
            for (RollbackEvents.Event e : events) {
                out.append("<li class=\"rollback-explanation\" value=\"").append(Integer.toString(e.number)).append("\">")
                        .append(Html.esc(e.explanation())).append("</li>\n");
            }
            out.append("</ol>\n");
            if (allEvents > events.size()) {
                out.append("<p>").append(Integer.toString(allEvents - events.size())).append(" further rollback events are not listed.</p>\n");
            }
        }
        List<Timeline.Gap> gaps = chart.gaps();
        if (!gaps.isEmpty()) {
            out.append("<h3>Gaps in time</h3><ul id=\"gaps\">\n");
            for (Timeline.Gap g : gaps) {
                out.append("<li>no reading for ").append(Html.esc(Html.duration(g.length()))).append(", from ")
                        .append(Html.time(g.from())).append(" to ").append(Html.time(g.to())).append("</li>\n");
            }
            out.append("</ul>\n");
        }
        out.append("</section>\n");
    }
}
