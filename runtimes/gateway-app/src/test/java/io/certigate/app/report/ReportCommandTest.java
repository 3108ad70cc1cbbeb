package io.certigate.app.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.app.CliRun;
import io.certigate.core.export.Exporter;
import io.certigate.core.export.Selection;
import io.certigate.core.testing.TestSpine;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code report}'s ledger options: refused settings exit 2, an unreachable node exits 1 naming it, and no passport is written. */
@Tag("component")
class ReportCommandTest {
    private static final String CONTRACT = "0x" + "12".repeat(20);

    @TempDir
    Path dir;
    Path export;
    Path out;

    @BeforeEach
    void export() throws Exception {
        try (TestSpine spine = TestSpine.start(dir)) {
            PassportReportTest.drive(spine);
            export = dir.resolve("export.json");
            Exporter.export(spine.buffer, Selection.ALL, export);
        }
        out = dir.resolve("passport.html");
    }

    @Test
    void anExportWithRpcNeedsTheContract() {
        CliRun.Result r = CliRun.run("report", "--export", export.toString(), "--subject", PassportReportTest.VIN,
                "--rpc", "http://127.0.0.1:8545", "-o", out.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--rpc on an export needs --contract ADDRESS");
        assertThat(out).doesNotExist();
    }

    @Test
    void aBadRpcUrlOrContractIsRefused() {
        CliRun.Result r = CliRun.run("report", "--export", export.toString(), "--subject", PassportReportTest.VIN,
                "--rpc", "ftp://127.0.0.1:8545", "--contract", CONTRACT, "-o", out.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("ledger rpc url must be http(s): ftp://127.0.0.1:8545");
        r = CliRun.run("report", "--export", export.toString(), "--subject", PassportReportTest.VIN,
                "--rpc", "http://127.0.0.1:8545", "--contract", "0x12", "-o", out.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("contract must be a 0x-prefixed 20-byte address: 0x12");
        assertThat(out).doesNotExist();
    }

    @Test
    void anUnreachableNodeIsNamedAndNothingIsWritten() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        CliRun.Result r = CliRun.run("report", "--export", export.toString(), "--subject", PassportReportTest.VIN,
                "--rpc", "http://127.0.0.1:" + port, "--contract", CONTRACT, "-o", out.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("ledger node unreachable");
        assertThat(out).doesNotExist();
        assertThat(Files.list(dir).map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("passport"));
    }
}
