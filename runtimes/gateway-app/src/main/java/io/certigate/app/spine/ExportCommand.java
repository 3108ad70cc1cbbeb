package io.certigate.app.spine;

import io.certigate.core.buffer.RecordBuffer;
import io.certigate.core.export.Exporter;
import io.certigate.core.export.Selection;
import io.certigate.core.io.OutputFile;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code certigate export}: a range of records plus the device certificates, to a JSON file. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Write a range of records (by seq, time, kind or subject) and the device's certificates to a file.",
            "Records in the seq range that the filters leave out are written as hashes only, so the chain stays checkable.",
            "The buffer is opened read-only and never created; -o is written whole or not at all and may not be the buffer."})
public final class ExportCommand implements Callable<Integer> {
    @Mixin
    SpineOptions spine;

    @Option(names = {"-o", "--out"}, required = true, description = "Export file to write.")
    Path out;

    @Option(names = "--from-seq", defaultValue = "1", description = "First seq of the range (default 1).")
    long fromSeq;

    @Option(names = "--to-seq", defaultValue = "" + Long.MAX_VALUE, description = "Last seq of the range (default: the last record).")
    long toSeq;

    @Option(names = "--since", description = "Observation time from (ISO-8601 instant, e.g. 2026-11-24T00:00:00Z).")
    Instant since;

    @Option(names = "--until", description = "Observation time until (ISO-8601 instant).")
    Instant until;

    @Option(names = "--kind", description = "Only this kind, e.g. vehicle.odometer.")
    String kind;

    @Option(names = "--subject", description = "Only this subject (VIN, meter id, tag id).")
    String subject;

    @Override
    public Integer call() throws Exception {
        Selection sel = new Selection(fromSeq, toSeq, since == null ? null : since.toEpochMilli(),
                until == null ? null : until.toEpochMilli(), kind, subject);
        OutputFile.checkNotAnInput(out, spine.buffer);
        try (RecordBuffer buffer = RecordBuffer.openReadOnly(spine.buffer, spine.device)) {
            if (io.certigate.core.spine.DeviceIdentity.chains(buffer).isEmpty()) {
                System.err.println("export: warning: " + spine.buffer + " holds no device certificate; the export "
                        + "cannot be verified without the device's public key");
            }
            Exporter.Result r = Exporter.export(buffer, sel, out);
            System.out.println("exported " + r.selected() + " records, " + r.erased() + " erased, " + r.omitted()
                    + " outside the selection (hashes only) to " + out);
        }
        return 0;
    }
}
