package io.certigate.app.spine;

import io.certigate.core.buffer.RecordBuffer;
import io.certigate.core.export.Exporter;
import io.certigate.core.export.Selection;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code certigate erase}: right to erasure, keeping the chain and every proof verifiable. */
@Command(name = "erase", mixinStandardHelpOptions = true,
        description = {"Replace records (a seq range and/or a subject) by tombstones that keep seq, record hash and leaf hash.",
            "The payload is dropped; the chain and every other reading's proof stay verifiable."})
public final class EraseCommand implements Callable<Integer> {
    @Mixin
    SpineOptions spine;

    @Option(names = "--from-seq", defaultValue = "1", description = "First seq of the range to erase.")
    long fromSeq;

    @Option(names = "--to-seq", defaultValue = "" + Long.MAX_VALUE, description = "Last seq of the range to erase.")
    long toSeq;

    @Option(names = "--subject", description = "Erase only the readings of this subject.")
    String subject;

    @Option(names = "--yes", description = "Required: erasure cannot be undone.")
    boolean yes;

    @Override
    public Integer call() throws Exception {
        if (subject == null && fromSeq == 1 && toSeq == Long.MAX_VALUE) {
            System.err.println("erase: give --subject or a --from-seq/--to-seq range");
            return 2;
        }
        if (!yes) {
            System.err.println("erase: erasure cannot be undone; add --yes to proceed");
            return 2;
        }
        try (RecordBuffer buffer = RecordBuffer.open(spine.buffer, spine.bufferOptions())) {
            List<Long> seqs = Exporter.matching(buffer, new Selection(fromSeq, toSeq, null, null, null, subject));
            int n = buffer.erase(seqs);
            System.out.println("erased " + n + " records" + (seqs.isEmpty() ? "" : " (seq " + seqs.get(0) + ".." + seqs.get(seqs.size() - 1) + ")"));
        }
        return 0;
    }
}
