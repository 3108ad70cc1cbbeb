package io.certigate.app.spine;

import io.certigate.core.buffer.RecordBuffer;
import io.certigate.core.export.Exporter;
import io.certigate.core.model.StoredRecord;
import io.certigate.verifier.export.EntrySource;
import io.certigate.verifier.export.ExportEntry;
import io.certigate.verifier.export.ExportFormatException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Iterator;

/**
 * A buffer's records in seq order, read page by page, as the verifier's {@link EntrySource}: how
 * {@code verify --buffer} and {@code report --buffer} stream a buffer without exporting it first.
 * How far through it is, is the seq reached over the buffer's head seq.
 */
public final class BufferEntries implements EntrySource {
    private final Path file;
    private final long last;
    private final Iterator<StoredRecord> records;
    private long seq;

    /** @param file the buffer's file, named in errors */
    public BufferEntries(RecordBuffer buffer, Path file) {
        this.file = file;
        this.last = buffer.head().seq();
        this.records = Exporter.scan(buffer, 1, Long.MAX_VALUE);
    }

    @Override
    public ExportEntry next() throws ExportFormatException {
        try {
            if (!records.hasNext()) {
                return null;
            }
            StoredRecord r = records.next();
            seq = r.seq();
            return new ExportEntry(r, false);
        } catch (UncheckedIOException e) {
            throw new ExportFormatException(file + ": " + e.getCause().getMessage(), e);
        }
    }

    @Override
    public double fraction() {
        return last <= 0 ? -1 : Math.min(1.0, (double) seq / last);
    }
}
