package io.certigate.app.report;

import io.certigate.core.model.ChainedReading;
import io.certigate.core.model.ReadingCodec;
import io.certigate.core.model.RecordFormatException;
import io.certigate.core.model.StoredRecord;
import io.certigate.signing.CoseException;
import io.certigate.signing.CoseSign1;
import io.certigate.signing.KeyIds;
import io.certigate.verifier.chain.Finding;
import io.certigate.verifier.chain.VerificationReport;
import io.certigate.verifier.export.ExportFile;
import io.certigate.verifier.merkle.MerkleTree;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * What a passport is made of when its input is an export: the subject's readings one at a time
 * with their verdicts ({@link #entries}), the file's own check ({@link #fileCheck}), the seq ranges
 * the file holds ({@link #coverage}) and its keys ({@link #keysFromFile}). A streaming export reader
 * can take this class's place: the passport itself only consumes {@link PassportEntry}s.
 */
public final class PassportReport {
    private static final int FIRST_FAILURES = 5;

    private PassportReport() {}

    /** The subject's readings of the export, in file order, each with its verdict from {@code report} and its anchor. */
    public static Iterator<PassportEntry> entries(ExportFile.Contents c, String subject, VerificationReport report, Ledger ledger) {
        Map<Long, String> problems = new HashMap<>();
        for (Finding f : report.findings()) {
            if (f.kind().isFailure() && f.seq() > 0) {
                problems.merge(f.seq(), f.toString(), (a, b) -> a + "; " + b);
            }
        }
        Iterator<StoredRecord> records = c.records().iterator();
        return new Iterator<>() {
            private PassportEntry next;

            @Override
            public boolean hasNext() {
                while (next == null && records.hasNext()) {
                    if (records.next() instanceof StoredRecord.Signed s) {
                        ChainedReading cr = decode(s);
                        if (cr != null && cr.reading().subject().equals(subject)) {
                            String problem = problems.get(s.seq());
                            next = new PassportEntry(cr, problem == null, problem, ledger.find(s.seq()));
                        }
                    }
                }
                return next != null;
            }

            @Override
            public PassportEntry next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                PassportEntry e = next;
                next = null;
                return e;
            }
        };
    }

    private static ChainedReading decode(StoredRecord.Signed s) {
        try {
            return ReadingCodec.decode(CoseSign1.parse(s.coseUnsafe()).payload());
        } catch (CoseException | RecordFormatException e) {
            return null; // reported by the verifier as malformed; nothing to show for a subject
        }
    }

    /**
     * Each anchor whose whole batch is in the file, with its Merkle root recomputed from the file's
     * leaves (records, tombstones and hash-only entries alike, RFC 9162 §2.1.1) and compared with the
     * anchored root: a record changed or dropped inside an anchored batch fails the anchor even
     * without per-record proofs. Anchors the file holds only part of are left as they are (the
     * completeness section names what is missing).
     */
    public static Ledger withRecomputedRoots(Ledger ledger, ExportFile.Contents c) {
        List<StoredRecord> records = c.records();
        List<Ledger.Anchor> out = new ArrayList<>();
        int i = 0;
        for (Ledger.Anchor a : ledger.anchors()) {
            if (a.status() == Ledger.Status.FAILED || a.block() <= 0) {
                out.add(a);
                continue;
            }
            while (i < records.size() && records.get(i).seq() < a.firstSeq()) {
                i++;
            }
            List<byte[]> leaves = new ArrayList<>();
            long expect = a.firstSeq();
            int j = i;
            while (j < records.size() && records.get(j).seq() <= a.lastSeq() && records.get(j).seq() == expect) {
                leaves.add(records.get(j).leafHash());
                expect++;
                j++;
            }
            if (expect != a.lastSeq() + 1) {
                out.add(a);
                continue;
            }
            String root = "0x" + HexFormat.of().formatHex(MerkleTree.build(leaves).root());
            boolean same = root.equalsIgnoreCase(a.root());
            String detail = (a.detail().isEmpty() ? "" : a.detail() + "; ") + (same
                    ? "the root recomputed from the file's " + leaves.size() + " leaves matches"
                    : "the file's records of seq " + a.firstSeq() + ".." + a.lastSeq() + " give root " + root
                            + ", not the anchored one: a record was changed or dropped");
            out.add(new Ledger.Anchor(a.firstSeq(), a.lastSeq(), a.root(), a.txHash(), a.block(),
                    same ? a.status() : Ledger.Status.FAILED, a.checkedAt(), detail));
        }
        return new Ledger(ledger.chainId(), ledger.contract(), ledger.rpcUrl(), out, ledger.note());
    }

    /** The file's own check over all its records. */
    public static Evidence.FileCheck fileCheck(VerificationReport r) {
        List<String> first = r.findings().stream().filter(f -> f.kind().isFailure()).limit(FIRST_FAILURES).map(Finding::toString)
                .toList();
        return new Evidence.FileCheck(r.records(), r.failures(), first, r.firstSeq(), r.lastSeq());
    }

    /** The seq ranges the file holds (signed records, tombstones and hash-only entries alike), merged. */
    public static List<long[]> coverage(ExportFile.Contents c) {
        List<long[]> out = new ArrayList<>();
        for (StoredRecord r : c.records()) {
            long seq = r.seq();
            long[] last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && seq >= last[0] && seq <= last[1] + 1) {
                last[1] = Math.max(last[1], seq);
            } else {
                out.add(new long[] {seq, seq});
            }
        }
        out.sort((a, b) -> Long.compare(a[0], b[0]));
        List<long[]> merged = new ArrayList<>();
        for (long[] r : out) {
            long[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && r[0] <= last[1] + 1) {
                last[1] = Math.max(last[1], r[1]);
            } else {
                merged.add(r.clone());
            }
        }
        return merged;
    }

    /** The keys as the file carries them, each with its certificate when the file has one; no trust input. */
    public static Trust keysFromFile(ExportFile.Contents c) {
        List<Trust.Device> devices = new ArrayList<>();
        for (PublicKey k : c.keys()) {
            byte[] kid = KeyIds.of(k);
            X509Certificate cert = c.certificateChain().isEmpty() ? null : c.certificateChain().get(0);
            if (cert != null && !Arrays.equals(KeyIds.of(cert.getPublicKey()), kid)) {
                cert = null;
            }
            String issuer = cert == null ? null : cert.getIssuerX500Principal().getName();
            devices.add(new Trust.Device(HexFormat.of().formatHex(kid), k.getAlgorithm(),
                    cert == null ? null : cert.getSubjectX500Principal().getName(), issuer,
                    cert == null ? null : cert.getNotBefore().toInstant(), cert == null ? null : cert.getNotAfter().toInstant(),
                    cert == null ? "no certificate for this key in the file"
                            : "carried by the file (" + c.certificateChain().size() + " certificate"
                            + (c.certificateChain().size() == 1 ? "" : "s") + "), not validated: no trust root given",
                    null));
        }
        return new Trust(devices, List.of());
    }

    /**
     * The signing keys as the trust inputs judged them ({@code verdict}: an
     * {@link io.certigate.verifier.trust.ExportTrustCheck}'s, one check "key KID" per key and one
     * per anchoring block): each key's chain status and registry status in the check's words, every
     * refusal among the failures.
     *
     * @param inputs the trust inputs, in words
     */
    public static Trust judged(ExportFile.Contents c, io.certigate.verifier.Verdict verdict, List<String> inputs) {
        Trust fromFile = keysFromFile(c);
        List<Trust.Device> devices = new ArrayList<>();
        for (Trust.Device d : fromFile.devices()) {
            String key = "key " + d.keyId();
            String chain = "not judged: it signed no record in the file";
            List<String> registry = new ArrayList<>();
            List<String> atBlocks = new ArrayList<>();
            int blocksOk = 0;
            for (io.certigate.verifier.Verdict.Check k : verdict.checks()) {
                if (k.subject().equals(key)) {
                    chain = k.detail();
                } else if (k.subject().startsWith(key + " certificate at block")) {
                    if (!k.ok()) {
                        atBlocks.add(k.detail());
                    } else {
                        blocksOk++;
                    }
                } else if (k.subject().startsWith(key + " at block")) {
                    registry.add((k.ok() ? "" : "REFUSED: ") + k.detail());
                }
            }
            if (!atBlocks.isEmpty()) {
                chain = chain + "; " + String.join("; ", atBlocks);
            } else if (blocksOk > 0) {
                chain = chain + "; chain valid to the trust root at the time of each of its " + blocksOk
                        + " anchoring block(s), no record dated after its block";
            }
            devices.add(new Trust.Device(d.keyId(), d.algorithm(), d.subject(), d.issuer(), d.notBefore(), d.notAfter(),
                    chain, registry.isEmpty() ? null : String.join("; ", registry)));
        }
        List<String> failures = verdict.failures().stream().map(k -> k.subject() + ": " + k.detail()).toList();
        return new Trust(devices, inputs, failures);
    }

    /**
     * Completeness from what is known of the device's anchors: every confirmed (or, for
     * {@link Completeness.Basis#GATEWAY_CLAIM}, recorded) anchored range the file covers, the parts of
     * anchored ranges it lacks, and its ranges in no anchor.
     */
    public static Completeness completeness(Ledger ledger, List<long[]> file, Completeness.Basis basis, String source) {
        List<Completeness.Range> covered = new ArrayList<>();
        List<Completeness.Range> missing = new ArrayList<>();
        List<long[]> anchored = new ArrayList<>();
        for (Ledger.Anchor a : ledger.anchors()) {
            boolean counts = a.status() == Ledger.Status.CONFIRMED
                    || (basis == Completeness.Basis.GATEWAY_CLAIM && a.status() == Ledger.Status.UNCHECKED && a.block() > 0);
            if (!counts) {
                continue;
            }
            anchored.add(new long[] {a.firstSeq(), a.lastSeq()});
            String where = "block " + a.block() + (a.txHash() == null ? "" : ", tx " + a.txHash());
            List<long[]> lacking = minus(new long[] {a.firstSeq(), a.lastSeq()}, file);
            if (lacking.isEmpty()) {
                covered.add(new Completeness.Range(a.firstSeq(), a.lastSeq(), where));
            }
            for (long[] m : lacking) {
                missing.add(new Completeness.Range(m[0], m[1], "anchored at " + where + " (seq " + a.firstSeq() + ".." + a.lastSeq()
                        + "), not in this file" + (m[0] > lastOf(file) ? ": the history goes on after the file's last record, seq "
                        + lastOf(file) : "")));
            }
        }
        List<Completeness.Range> unanchored = new ArrayList<>();
        for (long[] f : file) {
            for (long[] u : minus(f, anchored)) {
                unanchored.add(new Completeness.Range(u[0], u[1], "in the file, in no anchored batch"));
            }
        }
        return new Completeness(basis, source, covered, missing, unanchored, null);
    }

    private static long lastOf(List<long[]> ranges) {
        return ranges.isEmpty() ? 0 : ranges.get(ranges.size() - 1)[1];
    }

    /** {@code r} minus the union of {@code ranges}. */
    private static List<long[]> minus(long[] r, List<long[]> ranges) {
        List<long[]> sorted = new ArrayList<>(ranges);
        sorted.sort((a, b) -> Long.compare(a[0], b[0]));
        List<long[]> out = new ArrayList<>();
        long from = r[0];
        for (long[] s : sorted) {
            if (s[1] < from || s[0] > r[1]) {
                continue;
            }
            if (s[0] > from) {
                out.add(new long[] {from, s[0] - 1});
            }
            from = Math.max(from, s[1] + 1);
            if (from > r[1]) {
                break;
            }
        }
        if (from <= r[1]) {
            out.add(new long[] {from, r[1]});
        }
        return out;
    }
}
