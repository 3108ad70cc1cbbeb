package io.certigate.app.fleet;

import static io.certigate.app.fleet.ConsumerFixture.client;
import static io.certigate.app.fleet.ConsumerFixture.get;
import static io.certigate.app.fleet.ConsumerFixture.register;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certigate.anchor.ledger.LedgerAccount;
import io.certigate.anchor.testing.TestChain;
import io.certigate.anchor.testing.TestParties;
import io.certigate.app.CliRun;
import io.certigate.fleet.collector.DeviceKeys;
import io.certigate.fleet.store.FleetStore;
import io.certigate.fleet.store.StoreConnector;
import io.certigate.testbed.PostgresServer;
import io.certigate.testbed.device.TestDevice;
import io.certigate.testbed.device.TestPki;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Properties;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code consumer} role as {@code certigate fleet run} configures it, on PostgreSQL and the anvil
 * dev chain: the holder grants with {@code certigate consent grant}, hands the salt to the fleet with
 * {@code certigate fleet subject add}, and the consumer gets the passport with only the covered kind
 * and the records; the configuration's consumer keys are checked.
 */
@Tag("integration")
class FleetConsumerRoleTest {
    static final String VIN = "WVWZZZ1JZXW000077";

    @TempDir
    Path dir;

    @Test
    void theRoleServesThePassportOfTheCoveredKindsToAConsumerTheHolderConsentedTo() throws Exception {
        try (TestChain chain = TestChain.start(dir.resolve("chain"));
                PostgresServer pg = PostgresServer.start(dir.resolve("pg"))) {
            TestParties parties = TestParties.deploy(chain);
            TestPki ca = TestPki.create("consortium");
            Path caPem = TestPki.writePem(dir.resolve("ca.pem"), List.of(ca.caCertificate()));
            LedgerAccount holder = parties.account(dir, "holder");
            LedgerAccount insurer = parties.account(dir, "insurer");
            SSLContext insurerTls = client(ca, register(chain, parties, ca, dir, "consumer:insurer", insurer.address()));
            register(chain, parties, ca, dir, "holder:carol", holder.address());

            Path config = ConsumerFixture.consumerConfig(dir, pg, chain, parties, ca, caPem);
            FleetConfig cfg = FleetConfig.load(config);
            assertThat(cfg.roles()).containsExactly(FleetConfig.Role.CONSUMER);
            assertThat(cfg.consumer().ca()).isEqualTo(caPem);

            // the vehicle's chain in the store: odometer and speed
            TestDevice device = TestDevice.create(dir, "tcu-7");
            StoreConnector db = cfg.consumer().store().connector();
            new FleetStore(db).createOrUpdateSchema();
            ConsumerFixture.writeChain(db, device, ConsumerFixture.odometerAndSpeed(VIN));

            // the holder grants with the consent command, then hands the salt to the fleet
            ConsumerFixture.grantMileageAndAddSubject(chain, parties, dir, config, VIN, holder.address(),
                    insurer.address());

            DeviceKeys keys = new DeviceKeys(List.of(), false);
            keys.add(device.id(), device.key().publicKey());
            try (FleetConsumerRole role = FleetConsumerRole.start(cfg.consumer(), keys, List.of(), null, Clock.systemUTC())) {
                HttpResponse<String> page = get(insurerTls, role.port(), "/v1/subjects/" + VIN
                        + "/passport?purpose=insurance.mileage");
                assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
                assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("text/html"));
                assertThat(page.body()).contains("vehicle.odometer").doesNotContain("vehicle.speed");
                HttpResponse<String> export = get(insurerTls, role.port(), "/v1/subjects/" + VIN
                        + "/records?purpose=insurance.mileage");
                assertThat(export.statusCode()).as(export.body()).isEqualTo(200);
                assertThat(export.body()).contains("\"omitted\" : true").contains(device.id());
                assertThat(get(insurerTls, role.port(), "/v1/subjects/" + VIN + "/records?purpose=fleet.maintenance")
                        .statusCode()).as("another purpose").isEqualTo(403);
                assertThat(get(insurerTls, role.port(), "/v1/subjects/" + VIN + "/proofs?purpose=insurance.mileage")
                        .statusCode()).as("no anchor contract configured: no proof bundles").isEqualTo(404);
            }

            // with the anchor contract the gateways anchor in: proof bundles (these records were never anchored)
            Properties withAnchors = new Properties();
            try (var in = Files.newInputStream(config)) {
                withAnchors.load(in);
            }
            withAnchors.setProperty("fleet.consumer.anchor-contract", "0x" + "ab".repeat(20));
            assertThatThrownBy(() -> FleetConsumerRole.start(FleetConfig.parse(withAnchors, "f.properties").consumer(),
                    keys, List.of(), null, Clock.systemUTC())).isInstanceOf(FleetNode.FleetStartException.class)
                    .hasMessageContaining("no contract at fleet.consumer.anchor-contract");
            withAnchors.setProperty("fleet.consumer.anchor-contract", chain.contract);
            try (FleetConsumerRole role = FleetConsumerRole.start(FleetConfig.parse(withAnchors, "f.properties")
                    .consumer(), keys, List.of(), null, Clock.systemUTC())) {
                HttpResponse<String> proofs = get(insurerTls, role.port(), "/v1/subjects/" + VIN
                        + "/proofs?purpose=insurance.mileage");
                assertThat(proofs.statusCode()).as(proofs.body()).isEqualTo(200);
                assertThat(proofs.body()).contains("record 1 is not anchored yet").contains("record 3 is not anchored yet")
                        .doesNotContain("\"bundle\"").doesNotContain("\"seq\":2");
            }

            CliRun.Result removed = CliRun.run("fleet", "subject", "remove", "--config", config.toString(), "--subject", VIN);
            assertThat(removed.exit()).as(removed.err()).isZero();
        }
    }

    @Test
    void theConsumerRoleNeedsItsKeys() {
        Properties p = new Properties();
        p.setProperty("fleet.roles", "consumer");
        p.setProperty("fleet.kafka.bootstrap-servers", "127.0.0.1:9");
        assertThatThrownBy(() -> FleetConfig.parse(p, "f.properties")).hasMessageContaining("fleet.store.jdbc-url");
        p.setProperty("fleet.store.jdbc-url", "jdbc:postgresql://127.0.0.1/x");
        assertThatThrownBy(() -> FleetConfig.parse(p, "f.properties"))
                .hasMessageContaining("fleet.store.master-key-source");
        p.setProperty("fleet.store.master-key-source", "env:FLEET_MASTER_KEY");
        assertThatThrownBy(() -> FleetConfig.parse(p, "f.properties")).hasMessageContaining("fleet.consumer.ca");
        p.setProperty("fleet.verify.ca", "ca.pem");
        assertThatThrownBy(() -> FleetConfig.parse(p, "f.properties"))
                .hasMessageContaining("fleet.consumer.ledger.rpc-url");
        p.setProperty("fleet.consumer.ledger.rpc-url", "http://127.0.0.1:8545");
        p.setProperty("fleet.consumer.ledger.chain-id", "31337");
        p.setProperty("fleet.consumer.consent-registry", "not-an-address");
        assertThatThrownBy(() -> FleetConfig.parse(p, "f.properties")).hasMessageContaining("not-an-address");
        p.setProperty("fleet.consumer.consent-registry", "0x" + "ab".repeat(20));
        p.setProperty("fleet.consumer.key-store", "api.p12");
        p.setProperty("fleet.consumer.passphrase-source", "env:API_PASS");
        FleetConfig c = FleetConfig.parse(p, "f.properties");
        assertThat(c.consumer().port()).isEqualTo(8443);
        assertThat(c.consumer().ca()).isEqualTo(Path.of("ca.pem"));
        assertThat(c.consumer().chainId()).isEqualTo(31337);
        assertThat(c.consumer().anchorContract()).as("no proof bundles by default").isNull();
        p.setProperty("fleet.consumer.anchor-contract", "0x1234");
        assertThatThrownBy(() -> FleetConfig.parse(p, "f.properties")).hasMessageContaining("0x1234");
        p.setProperty("fleet.consumer.anchor-contract", "0x" + "cd".repeat(20));
        assertThat(FleetConfig.parse(p, "f.properties").consumer().anchorContract()).isEqualTo("0x" + "cd".repeat(20));
        p.setProperty("fleet.consumer.prot", "1");
        assertThatThrownBy(() -> FleetConfig.parse(p, "f.properties")).hasMessageContaining("fleet.consumer.port");
    }
}
