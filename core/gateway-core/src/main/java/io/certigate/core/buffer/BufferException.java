package io.certigate.core.buffer;

import java.nio.file.Path;

/** A buffer operation failed; {@link #reason()} says how, the message names the file. */
public class BufferException extends Exception {
    public enum Reason {
        /** The configured record limit is reached and the policy forbids making room. */
        CAPACITY,
        /** The file system (or SQLite's page limit) has no room: SQLITE_FULL. */
        DISK_FULL,
        /** The file is damaged or is not a certigate buffer, or belongs to another device. */
        REFUSED_FILE,
        /** No file at the path, for an operation that never creates one ({@link RecordBuffer#openReadOnly}). */
        MISSING,
        /** Any other I/O or SQLite failure. */
        IO
    }

    private final Reason reason;

    public BufferException(Reason reason, Path file, String message, Throwable cause) {
        super(message + " [" + file + "]", cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
