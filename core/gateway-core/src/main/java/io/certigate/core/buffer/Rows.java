package io.certigate.core.buffer;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Small statements on a buffer connection shared by the parts of the buffer: meta rows and counts. */
final class Rows {
    private Rows() {}

    static byte[] getMeta(Connection c, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(BufferSql.META_GET)) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getBytes(1) : null;
            }
        }
    }

    static void putMeta(Connection c, String key, byte[] value) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(BufferSql.META_PUT)) {
            ps.setString(1, key);
            ps.setBytes(2, value);
            ps.executeUpdate();
        }
    }

    /** The first column of the first row of {@code sql}, 0 when there is none or it is NULL. */
    static long scalar(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            if (!rs.next()) {
                return 0;
            }
            long v = rs.getLong(1);
            return rs.wasNull() ? 0 : v;
        }
    }

    /** A count taken with one or more long parameters. */
    static long count(Connection c, String sql, long... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setLong(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    /** The rows of a {@code PRAGMA quick_check} or {@code integrity_check}, joined: "ok" when sound. */
    static String check(Connection c, String pragma) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(pragma)) {
            StringBuilder sb = new StringBuilder();
            while (rs.next()) {
                sb.append(sb.length() == 0 ? "" : "; ").append(rs.getString(1));
            }
            return sb.toString();
        }
    }
}
