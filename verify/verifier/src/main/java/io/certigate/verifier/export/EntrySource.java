package io.certigate.verifier.export;

/**
 * An ordered stream of a device's entries, read one at a time so that no input, however large, is
 * held in memory: an export file ({@link ExportReader}), or a buffer read page by page. Entries come
 * in the order the input holds them (seq order for anything the gateway writes).
 */
public interface EntrySource {
    /** The next entry, or null after the last one. */
    ExportEntry next() throws ExportFormatException;

    /** How far through the input this source is, in [0, 1], or -1 when it cannot tell (for progress). */
    default double fraction() {
        return -1;
    }
}
