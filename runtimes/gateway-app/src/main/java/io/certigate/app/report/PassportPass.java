package io.certigate.app.report;

import io.certigate.core.model.ChainedReading;
import io.certigate.core.model.ReadingCodec;
import io.certigate.core.model.RecordFormatException;
import io.certigate.core.model.StoredRecord;
import io.certigate.signing.CoseException;
import io.certigate.signing.CoseSign1;
import io.certigate.verifier.chain.CheckedEntry;
import io.certigate.verifier.chain.EntryObserver;
import io.certigate.verifier.chain.Finding;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What a passport takes from the single pass over its input, entry by entry as the chain verifier
 * hands them over checked ({@link EntryObserver}): the seq ranges the input holds ({@link Coverage}),
 * each anchored batch's root recomputed from the leaves ({@link RecomputedRoots}), and the subject's
 * readings with their verdicts, fed to the {@link PassportWriter}. Nothing here keeps the records:
 * the page is assembled from bounded aggregates once the pass is over.
 */
final class PassportPass implements EntryObserver {
    private final String subject;
    private final Ledger ledger;
    private final PassportWriter passport;
    private final Coverage coverage = new Coverage();
    private final RecomputedRoots roots;

    /**
     * @param ledger   the anchors known before the pass (the gateway's batches or the ledger's events): each
     *                 reading is given the one holding it; its status as recomputed is looked up when the page is written
     * @param passport receives the subject's readings, in seq order
     */
    PassportPass(String subject, Ledger ledger, PassportWriter passport) {
        this.subject = subject;
        this.ledger = ledger;
        this.passport = passport;
        this.roots = new RecomputedRoots(ledger);
    }

    @Override
    public void entry(CheckedEntry e) {
        long seq = e.seq();
        coverage.add(seq);
        roots.accept(seq, e.leafHash());
        if (!(e.entry().record() instanceof StoredRecord.Signed s)) {
            return;
        }
        // a record whose signature or link failed is still shown, with what failed, when its payload reads
        ChainedReading cr = e.reading() != null ? e.reading() : decode(s);
        if (cr == null || !cr.reading().subject().equals(subject)) {
            return;
        }
        List<Finding> failures = e.findings().stream().filter(f -> f.kind().isFailure()).toList();
        String problem = failures.isEmpty() ? null : failures.stream().map(Finding::toString).collect(Collectors.joining("; "));
        passport.accept(new PassportEntry(cr, problem == null, problem, ledger.find(seq)));
    }

    private static ChainedReading decode(StoredRecord.Signed s) {
        try {
            return ReadingCodec.decode(CoseSign1.parse(s.coseUnsafe()).payload());
        } catch (CoseException | RecordFormatException e) {
            return null; // reported by the verifier as malformed; nothing to show for a subject
        }
    }

    /** The seq ranges the input held, merged. */
    List<long[]> coverage() {
        return coverage.ranges();
    }

    /** The anchors, each whose whole batch went by judged by its recomputed root. */
    Ledger ledger() {
        return roots.ledger();
    }
}
