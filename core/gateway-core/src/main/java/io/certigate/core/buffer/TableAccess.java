package io.certigate.core.buffer;

/**
 * A registered table's way into the buffer ({@link RecordBuffer#register}): its statements run
 * inside the buffer's write transactions (committed with {@code synchronous=FULL}) or on its
 * reader, through a {@link Tx}, never with the buffer's connection in hand.
 */
public final class TableAccess {
    private final BufferConnections db;
    private final BufferTable table;
    private final int version;

    TableAccess(BufferConnections db, BufferTable table, int version) {
        this.db = db;
        this.table = table;
        this.version = version;
    }

    public String name() {
        return table.name();
    }

    BufferTable definition() {
        return table;
    }

    /**
     * The table's version in the file: the definition's on a read-write buffer (migrated on
     * registration); on a read-only one, whatever the file holds (an earlier version is read as it
     * is, never migrated), 0 when the table is absent.
     */
    public int version() {
        return version;
    }

    /** False only on a read-only buffer whose file has no such table (nothing was ever stored in it). */
    public boolean present() {
        return version > 0;
    }

    /** Runs {@code work} in one {@code BEGIN IMMEDIATE} write transaction of the buffer; refused when read-only. */
    public <T> T write(String what, Tx.Work<T> work) throws BufferException {
        return db.write(c -> SqlTx.run(c, true, work), what);
    }

    /** Runs {@code work} on the buffer's reader connection (each statement sees a consistent snapshot). */
    public <T> T read(Tx.Work<T> work) throws BufferException {
        return db.read(c -> SqlTx.run(c, false, work));
    }
}
