package io.certigate.core.buffer;

import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * The statements a registered table's owner runs on the buffer, inside one of the buffer's
 * transactions ({@link TableAccess#write}) or on its reader ({@link TableAccess#read}), without
 * ever holding the buffer's connection. Parameters are bound in order ({@code Long}, {@code
 * Integer}, {@code String}, {@code byte[]} or null). A {@code Tx} is valid only while the work it
 * was given to runs. An owner's statements concern its own table; the record table is changed
 * through the methods named for it.
 */
public interface Tx {
    /** Work run with a {@code Tx}; an exception rolls a write transaction back. */
    @FunctionalInterface
    interface Work<T> {
        T run(Tx tx) throws SQLException;
    }

    /** One result row, columns numbered from 1. */
    interface Row {
        long getLong(int column) throws SQLException;

        /** The column as a Long, or null when it is NULL. */
        Long getLongOrNull(int column) throws SQLException;

        String getString(int column) throws SQLException;

        byte[] getBytes(int column) throws SQLException;
    }

    /** Turns a row into a value. */
    @FunctionalInterface
    interface RowMapper<T> {
        T map(Row row) throws SQLException;
    }

    /** Runs an INSERT, UPDATE or DELETE (or DDL); returns the rows changed. Refused on a read. */
    int update(String sql, Object... args) throws SQLException;

    /** Every row of a query, mapped. */
    <T> List<T> query(String sql, RowMapper<T> mapper, Object... args) throws SQLException;

    /** The first row of a query, mapped, or empty. */
    <T> Optional<T> queryOne(String sql, RowMapper<T> mapper, Object... args) throws SQLException;

    /** The first column of the first row as a long, or {@code ifNull} when there is no row or it is NULL. */
    long scalar(String sql, long ifNull, Object... args) throws SQLException;

    /** The rowid of the last row this transaction inserted. */
    long lastInsertId() throws SQLException;

    /**
     * Assigns the unbatched records [from, to] to anchor batch {@code batchId}, in this
     * transaction (so a batch row and its records commit together); returns how many it assigned.
     */
    int assignBatch(long batchId, long from, long to) throws SQLException;

    /** Marks the records of batch {@code batchId} anchored at {@code nowMs}, in this transaction. */
    int markAnchored(long batchId, long nowMs) throws SQLException;
}
