package io.certigate.app.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.app.CliRun;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code certigate fleet demo} through the CLI's entry point, small: 3 gateways of 120 records,
 * stated every 50 records (the last statement of each covers 20), on the real brokers, PostgreSQL,
 * Mosquitto and the anvil dev chain; every record stored once, every statement receipted, and the
 * receipts, histories and ledger checks all pass.
 */
@Tag("integration")
class FleetDemoCommandTest {
    @TempDir
    Path dir;

    @Test
    void demoAnchorsEveryGatewaysStatementsAndVerifiesThem() {
        CliRun.Result r = CliRun.run("fleet", "demo", "--gateways", "3", "--records", "120", "--batch", "20",
                "--anchor-batch", "50", "--anchor-interval-ms", "2000", "--dir", dir.toString());
        System.out.println(r.out());
        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(r.out())
                .contains("fleet demo: stored 360 of 360 records; 3 gateways with every seq exactly once; 0 findings")
                .contains("then 9 batch statements")
                .contains("fleet demo: anchoring: 9 of 9 statements receipted and verified")
                .contains("3 of 3 gateway statement histories verified against the statement chain server and the ledger")
                .containsPattern("fleet demo: ledger: 9 statements, ([1-9]\\d*) intervals, \\1 ledger transactions of fleet")
                .containsPattern("; \\d+ gas, \\d+\\.\\d{4} gas per reading")
                .contains("fleet demo: OK");
    }
}
