package io.certigate.core.buffer;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The definition of a table that another module keeps in the device's buffer file (the anchor
 * batches, the odometer state, the CoAP sensor marks): its name and its migrations, in order.
 * Migration {@code i} (from 1) brings the table from version {@code i - 1} to {@code i}; the first
 * one creates it. The table's {@link #version()} is the number of migrations. Registered with
 * {@link RecordBuffer#register}, which runs the missing migrations of a read-write buffer.
 *
 * <pre>{@code
 * BufferTable.named("obd_odometer")
 *         .migration("CREATE TABLE IF NOT EXISTS obd_odometer (...)")          // version 1
 *         .migration("ALTER TABLE obd_odometer ADD COLUMN source TEXT");        // version 2
 * }</pre>
 *
 * <p>A migration's statements run in one write transaction together with the new version in the
 * file's {@code buffer_table}, so a crash leaves the table at one version or the next. A table
 * created by a release that did not record versions yet is at version 1 when it exists.
 */
public final class BufferTable {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");
    /** The buffer's own tables: never registered by another module. */
    private static final List<String> RESERVED = List.of("meta", "record", "buffer_table");

    private final String name;
    private final List<List<String>> migrations;

    private BufferTable(String name, List<List<String>> migrations) {
        this.name = name;
        this.migrations = migrations;
    }

    /** A table without migrations yet: add at least the one that creates it. */
    public static BufferTable named(String name) {
        if (!NAME.matcher(name).matches() || RESERVED.contains(name) || name.startsWith("sqlite_")) {
            throw new IllegalArgumentException("'" + name + "' is not a name for a table of the buffer (lower case, "
                    + "digits and _, not one of " + RESERVED + ")");
        }
        return new BufferTable(name, List.of());
    }

    /** This definition with one more version, reached by running {@code statements} in order. */
    public BufferTable migration(String... statements) {
        if (statements.length == 0) {
            throw new IllegalArgumentException("a migration of table " + name + " needs at least one statement");
        }
        List<List<String>> next = new ArrayList<>(migrations);
        next.add(List.of(statements));
        return new BufferTable(name, List.copyOf(next));
    }

    public String name() {
        return name;
    }

    /** The version this definition describes: its number of migrations. */
    public int version() {
        return migrations.size();
    }

    /** The statements that bring the table from {@code version - 1} to {@code version}. */
    List<String> migrationTo(int version) {
        return migrations.get(version - 1);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BufferTable t && name.equals(t.name) && migrations.equals(t.migrations);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, migrations);
    }

    @Override
    public String toString() {
        return name + " v" + version();
    }
}
