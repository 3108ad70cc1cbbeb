package io.certigate.testbed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real PostgreSQL made, started, crashed and restarted; talked to with the package's {@code psql}. */
@Tag("component")
class PostgresServerTest {

    @Test
    void keepsCommittedDataAcrossACrashAndACleanRestartOnTheSamePort(@TempDir Path dir) throws Exception {
        try (PostgresServer pg = PostgresServer.start(dir)) {
            assertThat(pg.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:" + pg.port() + "/certigate");
            assertThat(pg.running()).isTrue();
            psql(pg, "CREATE TABLE t (v int); INSERT INTO t VALUES (1)");

            pg.kill();
            assertThat(pg.running()).isFalse();
            pg.startAgain();
            assertThat(psql(pg, "SELECT count(*) FROM t")).isEqualTo("1");

            int port = pg.port();
            pg.restart();
            assertThat(pg.port()).isEqualTo(port);
            psql(pg, "INSERT INTO t VALUES (2)");
            assertThat(psql(pg, "SELECT sum(v) FROM t")).isEqualTo("3");
            assertThat(psql(pg, "SHOW listen_addresses")).isEqualTo("127.0.0.1");
        }
    }

    @Test
    void aServerThatCannotStartIsAClearErrorWithTheLogTail(@TempDir Path dir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> PostgresServer.start(dir, taken.getLocalPort()))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("pg_ctl start failed")
                    .hasMessageContaining("server log");
        }
    }

    private static String psql(PostgresServer pg, String sql) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(List.of(PostgresServer.binaries().resolve("psql").toString(),
                "-h", "127.0.0.1", "-p", Integer.toString(pg.port()), "-U", pg.user(), "-d", PostgresServer.DATABASE,
                "-v", "ON_ERROR_STOP=1", "-tAc", sql)).redirectErrorStream(true);
        pb.environment().put("PGPASSWORD", pg.password());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor()).as(out).isZero();
        return out;
    }
}
