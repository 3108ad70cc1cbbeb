package io.certigate.fleet.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * Opens a connection to the store's PostgreSQL database (the caller closes it), and carries the
 * store's keys ({@link StoreKeys}, null when no master key is configured) to the writer and the reads.
 */
@FunctionalInterface
public interface StoreConnector {

    Connection open() throws SQLException;

    /** The keys payloads are encrypted under; null when none were given. */
    default StoreKeys keys() {
        return null;
    }

    /** This connector carrying {@code keys}. */
    default StoreConnector withKeys(StoreKeys keys) {
        StoreConnector self = this;
        return new StoreConnector() {
            @Override
            public Connection open() throws SQLException {
                return self.open();
            }

            @Override
            public StoreKeys keys() {
                return keys;
            }
        };
    }

    /**
     * Connections by the PostgreSQL JDBC driver to {@code jdbcUrl} as {@code user} ({@code password}
     * null for a trust login), with a connect timeout of 10 s, TCP keep-alive so that a database
     * that went away is noticed, and JDBC batches of inserts rewritten into multi-row inserts.
     */
    static StoreConnector of(String jdbcUrl, String user, char[] password) {
        if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("not a PostgreSQL JDBC URL: " + jdbcUrl);
        }
        char[] pw = password == null ? null : password.clone();
        return () -> {
            Properties p = new Properties();
            p.setProperty("user", user);
            if (pw != null) {
                p.setProperty("password", new String(pw));
            }
            p.setProperty("connectTimeout", "10");
            p.setProperty("tcpKeepAlive", "true");
            p.setProperty("reWriteBatchedInserts", "true");
            p.setProperty("ApplicationName", "certigate-fleet-store");
            return DriverManager.getConnection(jdbcUrl, p);
        };
    }
}
