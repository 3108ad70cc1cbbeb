package io.certigate.fleet.store;

import io.certigate.fleet.topics.VerifiedRecord;
import io.certigate.testbed.PostgresServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** A real PostgreSQL for the store's tests, a fresh database per test, and record fixtures. */
final class StorePostgres implements AutoCloseable {
    private static final AtomicInteger DATABASES = new AtomicInteger();

    final PostgresServer server;

    /** A file holding a master key for the store (64 hex digits). */
    final Path masterKey;

    StorePostgres(Path dir) throws IOException, InterruptedException {
        this.server = PostgresServer.start(dir);
        this.masterKey = java.nio.file.Files.writeString(dir.resolve("store-master.key"),
                StoreKeys.newMasterKeyHex() + "\n");
    }

    /** A new, empty database; its options read the password from the server's password file. */
    StoreOptions newDatabase() throws SQLException {
        String name = "store_test_" + DATABASES.incrementAndGet();
        try (Connection c = DriverManager.getConnection(server.jdbcUrl(), server.user(), server.password());
                Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        }
        String url = server.jdbcUrl().substring(0, server.jdbcUrl().lastIndexOf('/') + 1) + name;
        return StoreOptions.of("test", Map.of(StoreSettings.JDBC_URL.key(), url, StoreSettings.USER.key(),
                server.user(), StoreSettings.PASSWORD.key(), "file:" + server.passwordFile(),
                StoreSettings.RETRY_MIN_MS.key(), "50", StoreSettings.RETRY_MAX_MS.key(), "500",
                StoreSettings.MASTER_KEY_SOURCE.key(), "file:" + masterKey))
                .withGroup("store-test-" + name);
    }

    @Override
    public void close() throws IOException {
        server.close();
    }

    /** A signed record of {@code device}: its COSE bytes stand-in is unique per (device, seq, variant). */
    static VerifiedRecord signed(String device, long seq, long tMs, String kind, String subject, String variant) {
        byte[] cose = ("cose " + device + " " + seq + " " + variant + " " + "x".repeat(180))
                .getBytes(StandardCharsets.UTF_8);
        return new VerifiedRecord(device, seq, tMs, kind, subject, leaf(cose), sha256(cose), cose, seq > 1,
                tMs + 50);
    }

    static VerifiedRecord signed(String device, long seq, long tMs, String subject) {
        return signed(device, seq, tMs, "vehicle.odometer", subject, "a");
    }

    /** The erasure of {@code r}: its hashes, no COSE bytes. */
    static VerifiedRecord erasureOf(VerifiedRecord r, long verifiedAtMs) {
        return new VerifiedRecord(r.device(), r.seq(), -1, null, null, r.leafHash(), r.chainHash(), null, r.linked(),
                verifiedAtMs);
    }

    static byte[] leaf(byte[] cose) {
        byte[] b = new byte[cose.length + 1];
        System.arraycopy(cose, 0, b, 1, cose.length);
        return sha256(b);
    }

    static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static Duration seconds(long s) {
        return Duration.ofSeconds(s);
    }
}
