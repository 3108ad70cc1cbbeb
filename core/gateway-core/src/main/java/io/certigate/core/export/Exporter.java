package io.certigate.core.export;

import io.certigate.core.buffer.BufferException;
import io.certigate.core.buffer.RecordBuffer;
import io.certigate.core.io.OutputFile;
import io.certigate.core.model.ChainedReading;
import io.certigate.core.model.ReadingCodec;
import io.certigate.core.model.RecordFormatException;
import io.certigate.core.model.StoredRecord;
import io.certigate.core.spine.DeviceIdentity;
import io.certigate.signing.CoseException;
import io.certigate.signing.CoseSign1;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/** Writes a selection of a buffer's records to an export file, and finds records for erasure. */
public final class Exporter {
    private static final int PAGE = 5000;

    private Exporter() {}

    /** What an export wrote. */
    public record Result(long selected, long omitted, long erased) {}

    /**
     * Writes the selection to {@code out} through a temporary file renamed into place when
     * complete; an {@code out} that is the buffer file or one of its side files is refused before
     * anything is written ({@link OutputFile}).
     */
    public static Result export(RecordBuffer buffer, Selection selection, Path out) throws BufferException, IOException {
        OutputFile.checkNotAnInput(out, buffer.file());
        List<List<X509Certificate>> chains = DeviceIdentity.chains(buffer);
        long[] counts = new long[3];
        Iterable<ExportWriter.ExportEntry> entries = () -> new Iterator<>() {
            private final Iterator<StoredRecord> records = scan(buffer, selection.fromSeq(), selection.toSeq());

            @Override
            public boolean hasNext() {
                return records.hasNext();
            }

            @Override
            public ExportWriter.ExportEntry next() {
                StoredRecord r = records.next();
                boolean omitted = r instanceof StoredRecord.Signed s && selection.filtersPayload()
                        && !selection.matches(decode(s));
                counts[omitted ? 1 : r instanceof StoredRecord.Erased ? 2 : 0]++;
                return new ExportWriter.ExportEntry(r, omitted);
            }
        };
        try {
            OutputFile.write(out, o -> ExportWriter.write(o, buffer.deviceId(), chains, entries), buffer.file());
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return new Result(counts[0], counts[1], counts[2]);
    }

    /** Seqs of the signed records in the range that the selection matches (for erasure by subject). */
    public static List<Long> matching(RecordBuffer buffer, Selection selection) {
        List<Long> out = new ArrayList<>();
        Iterator<StoredRecord> it = scan(buffer, selection.fromSeq(), selection.toSeq());
        while (it.hasNext()) {
            StoredRecord r = it.next();
            if (r instanceof StoredRecord.Signed s && selection.matches(decode(s))) {
                out.add(s.seq());
            }
        }
        return out;
    }

    /** The payload of a record this device signed; the buffer holds only what the sequencer wrote. */
    static ChainedReading decode(StoredRecord.Signed s) {
        try {
            return ReadingCodec.decode(CoseSign1.parse(s.coseUnsafe()).payload());
        } catch (CoseException | RecordFormatException e) {
            throw new IllegalStateException("buffer record " + s.seq() + " is unreadable: " + e.getMessage(), e);
        }
    }

    /** Pages through [from, to] in seq order. */
    public static Iterator<StoredRecord> scan(RecordBuffer buffer, long from, long to) {
        return new Iterator<>() {
            private long next = from;
            private Iterator<StoredRecord> page = List.<StoredRecord>of().iterator();
            private boolean done;

            @Override
            public boolean hasNext() {
                while (!page.hasNext() && !done) {
                    List<StoredRecord> l;
                    try {
                        l = buffer.range(next, Math.min(to, next + PAGE - 1 < next ? Long.MAX_VALUE : next + PAGE - 1));
                    } catch (BufferException e) {
                        throw new UncheckedIOException(new IOException(e.getMessage(), e));
                    }
                    long end = next + PAGE - 1;
                    if (end < next || end >= to || next > buffer.head().seq()) {
                        done = true;
                    } else {
                        next = end + 1;
                    }
                    page = l.iterator();
                }
                return page.hasNext();
            }

            @Override
            public StoredRecord next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return page.next();
            }
        };
    }
}
