package io.certigate.app.report;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a passport's verdict rests on besides the readings themselves: the file's own check, the
 * devices and trust inputs, the ledger, and completeness. The readings are streamed separately
 * ({@link PassportWriter#accept}).
 *
 * @param subject      the VIN or meter id
 * @param device       the device id
 * @param source       the file the passport was made from, in words
 * @param generated    when the passport was generated
 * @param file         the file's own check (signatures, chain links) over all its records
 * @param trust        the signing keys and the trust inputs used
 * @param ledger       the anchoring transactions
 * @param completeness whether the history is complete
 */
public record Evidence(String subject, String device, String source, Instant generated, FileCheck file, Trust trust,
        Ledger ledger, Completeness completeness) {

    /**
     * The check of the whole file (every record, not only the subject's).
     *
     * @param records       records in the file (signed, erased and hash-only)
     * @param failures      how many checks failed
     * @param firstFailures the first few failures in words
     * @param firstSeq      first seq in the file, 0 if none
     * @param lastSeq       last seq in the file, 0 if none
     */
    public record FileCheck(long records, long failures, List<String> firstFailures, long firstSeq, long lastSeq) {
        public FileCheck {
            firstFailures = List.copyOf(firstFailures);
        }
    }

    public Evidence {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(trust, "trust");
        Objects.requireNonNull(ledger, "ledger");
        Objects.requireNonNull(completeness, "completeness");
    }
}
