package io.certigate.app.report;

import io.certigate.signing.KeyIds;
import io.certigate.verifier.chain.Finding;
import io.certigate.verifier.chain.VerificationReport;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * What a passport's sections are made of once the pass over its input is done ({@link PassportPass}
 * gathers the readings, the seq ranges and the recomputed roots): the file's own check
 * ({@link #fileCheck}), its keys as the file carries them ({@link #keysFromFile}) or as the trust
 * inputs judged them ({@link #judged}), and completeness against the known anchors ({@link #completeness}).
 */
public final class PassportReport {
    private static final int FIRST_FAILURES = 5;

    private PassportReport() {}

    /** The file's own check over all its records. */
    public static Evidence.FileCheck fileCheck(VerificationReport r) {
        List<String> first = r.findings().stream().filter(f -> f.kind().isFailure()).limit(FIRST_FAILURES).map(Finding::toString)
                .toList();
        return new Evidence.FileCheck(r.records(), r.failures(), first, r.firstSeq(), r.lastSeq());
    }

    /** The keys as the file carries them, each with its certificate when the file has one; no trust input. */
    public static Trust keysFromFile(List<PublicKey> keys, List<X509Certificate> certificateChain) {
        List<Trust.Device> devices = new ArrayList<>();
        for (PublicKey k : keys) {
            byte[] kid = KeyIds.of(k);
            X509Certificate cert = certificateChain.isEmpty() ? null : certificateChain.get(0);
            if (cert != null && !Arrays.equals(KeyIds.of(cert.getPublicKey()), kid)) {
                cert = null;
            }
            String issuer = cert == null ? null : cert.getIssuerX500Principal().getName();
            devices.add(new Trust.Device(HexFormat.of().formatHex(kid), k.getAlgorithm(),
                    cert == null ? null : cert.getSubjectX500Principal().getName(), issuer,
                    cert == null ? null : cert.getNotBefore().toInstant(), cert == null ? null : cert.getNotAfter().toInstant(),
                    cert == null ? "no certificate for this key in the file"
                            : "carried by the file (" + certificateChain.size() + " certificate"
                            + (certificateChain.size() == 1 ? "" : "s") + "), not validated: no trust root given",
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
    public static Trust judged(List<PublicKey> keys, List<X509Certificate> certificateChain,
            io.certigate.verifier.Verdict verdict, List<String> inputs) {
        Trust fromFile = keysFromFile(keys, certificateChain);
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
