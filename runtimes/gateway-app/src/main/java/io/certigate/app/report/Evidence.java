package io.certigate.app.report;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a passport's verdict rests on besides the readings themselves: the file's own check, the
 * devices and trust inputs, the ledger, and completeness; or, for a passport read from the fleet
 * store ({@link #fleet()} not null), the fleet tier's verification and the devices it stored the
 * subject's records of. The readings are streamed separately ({@link PassportWriter#accept}).
 *
 * @param subject      the VIN or meter id
 * @param device       the device id; for a fleet passport, the devices' ids joined
 * @param source       the file (or the store) the passport was made from, in words
 * @param generated    when the passport was generated
 * @param file         the file's own check (signatures, chain links) over all its records
 * @param trust        the signing keys and the trust inputs used
 * @param ledger       the anchoring transactions
 * @param completeness whether the history is complete
 * @param fleet        for a passport read from the fleet store, what it rests on instead of a file's check
 *                     ({@code file}, {@code trust}, {@code ledger} and {@code completeness} are then not shown); null otherwise
 */
public record Evidence(String subject, String device, String source, Instant generated, FileCheck file, Trust trust,
        Ledger ledger, Completeness completeness, FleetBasis fleet) {

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

    /** The evidence of a passport made from one device's file (an export or a buffer). */
    public Evidence(String subject, String device, String source, Instant generated, FileCheck file, Trust trust, Ledger ledger,
            Completeness completeness) {
        this(subject, device, source, generated, file, trust, ledger, completeness, null);
    }

    /** The evidence of a passport read from the fleet store: {@code fleet} says what it rests on. */
    public static Evidence ofFleet(String subject, FleetBasis fleet) {
        String devices = String.join(", ", fleet.devices().stream().map(FleetBasis.Device::id).toList());
        return new Evidence(subject, devices, "the fleet store " + fleet.store(), fleet.readAt(),
                new FileCheck(0, 0, List.of(), 0, 0), new Trust(List.of(), fleet.trust()),
                Ledger.none("the fleet store holds no anchors"),
                Completeness.notChecked("read from the fleet store"), fleet);
    }

    /** Whether the readings come from the fleet store, across devices. */
    public boolean acrossDevices() {
        return fleet != null;
    }
}
