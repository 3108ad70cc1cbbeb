package io.certigate.app.consent;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.anchor.ledger.LedgerAccount;
import io.certigate.anchor.ledger.LedgerSettings;
import io.certigate.anchor.testing.TestChain;
import io.certigate.anchor.testing.TestParties;
import io.certigate.app.CliRun;
import io.certigate.verifier.consent.SubjectHash;
import io.certigate.verifier.ledger.LedgerReader;
import io.certigate.consent.ConsentRegistryClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code certigate consent grant|revoke|list|deploy} on a real anvil dev chain, with the holder and
 * the consumer registered in a DeviceRegistry: what is printed for a grant, a revocation and a
 * listing, the salts file, and bad input refused with an error naming what was wrong.
 */
@Tag("integration")
class ConsentCliTest {
    static final String VIN = "WVWZZZ1JZXW000042";
    @TempDir
    static Path dir;
    static TestChain chain;
    static TestParties parties;
    static LedgerAccount consumer;
    static LedgerAccount stranger;
    static Path holderLedger;
    static Path consumerLedger;
    static String holder;

    @BeforeAll
    static void start() throws Exception {
        chain = TestChain.start(dir);
        parties = TestParties.deploy(chain);
        LedgerAccount h = parties.account(dir, "holder");
        consumer = parties.account(dir, "consumer");
        stranger = parties.account(dir, "stranger");
        parties.register("holder:bob", h.address());
        parties.register("consumer:insurer", consumer.address());
        holder = h.address();
        Path pass = dir.resolve("pass.txt");
        Files.writeString(pass, new String(TestChain.PASSPHRASE));
        holderLedger = dir.resolve("holder-ledger.properties");
        new LedgerSettings(chain.config(), dir.resolve("holder.key.json"), "file:" + pass).save(holderLedger);
        consumerLedger = dir.resolve("consumer-ledger.properties");
        new LedgerSettings(chain.config(), dir.resolve("consumer.key.json"), "file:" + pass).save(consumerLedger);
    }

    @AfterAll
    static void stop() {
        if (chain != null) {
            chain.close();
        }
    }

    static String[] with(String[] base, String... more) {
        String[] out = Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, out, base.length, more.length);
        return out;
    }

    static String[] grant(Path subjects, String subject, String consumerAddress, String purpose, String kinds, String until) {
        return new String[] {"consent", "grant", "--ledger", holderLedger.toString(), "--consent-registry", parties.consentRegistry,
            "--subjects", subjects.toString(), "--subject", subject, "--consumer", consumerAddress, "--purpose", purpose,
            "--kinds", kinds, "--until", until};
    }

    @Test
    void everyConsentCommandHasHelp() {
        for (String[] c : new String[][] {{"consent"}, {"consent", "grant"}, {"consent", "revoke"}, {"consent", "list"},
            {"consent", "deploy"}}) {
            CliRun.Result r = CliRun.run(with(c, "--help"));
            assertThat(r.exit()).as(String.join(" ", c)).isZero();
            assertThat(r.out()).contains("Usage: certigate " + String.join(" ", c));
        }
    }

    @Test
    void grantListRevokeList() throws Exception {
        Path subjects = dir.resolve("grant-list-revoke").resolve("subjects.properties");
        Files.createDirectories(subjects.getParent());
        CliRun.Result g = CliRun.run(grant(subjects, VIN, consumer.address(), "insurance.mileage",
                "vehicle.odometer,vehicle.speed", "2099-06-30"));
        assertThat(g.exit()).as(g.err()).isZero();
        Matcher m = Pattern.compile("granted consent (\\d+) in block (\\d+) \\(tx 0x[0-9a-f]{64}\\)").matcher(g.out());
        assertThat(m.find()).as(g.out()).isTrue();
        long id = Long.parseLong(m.group(1));
        assertThat(g.out()).containsIgnoringCase("consumer  " + consumer.address())
                .containsIgnoringCase("holder    " + holder)
                .contains("subject   " + VIN + " (on chain only as the salted hash 0x")
                .contains("purpose   insurance.mileage")
                .contains("kinds     vehicle.odometer, vehicle.speed")
                .contains("until 2099-07-01T00:00:00Z (end excluded)")
                .contains("new salt for subject " + VIN + " saved in " + subjects);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(subjects))).isEqualTo("rw-------");
        assertThat(Files.readString(subjects)).contains(VIN + "=");

        // the hash printed is the one on chain, and the fleet tier finds the consent with the salt
        try (LedgerReader r = LedgerReader.connect(chain.config().rpcUrl(), chain.contract)) {
            var reader = new io.certigate.verifier.consent.ConsentReader(r, parties.consentRegistry);
            byte[] salt = io.certigate.consent.SubjectSalts.load(subjects).salt(VIN).orElseThrow();
            byte[] hash = SubjectHash.of(salt, VIN);
            assertThat(g.out()).contains(SubjectHash.hex(hash));
            assertThat(reader.findInForce(holder, consumer.address(), hash, "insurance.mileage", "vehicle.speed", r.blockNumber()))
                    .hasValue(id);
        }

        // a second grant for the same subject reuses its salt and says nothing about one
        CliRun.Result again = CliRun.run(grant(subjects, VIN, consumer.address(), "fleet.maintenance",
                "vehicle.odometer", "2099-12-31T12:00:00Z"));
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.out()).doesNotContain("new salt").contains("until 2099-12-31T12:00:00Z");

        String[] list = {"consent", "list", "--ledger", holderLedger.toString(), "--consent-registry", parties.consentRegistry,
            "--subjects", subjects.toString()};
        CliRun.Result l = CliRun.run(list);
        assertThat(l.exit()).as(l.err()).isZero();
        assertThat(l.out()).containsIgnoringCase("consents of " + holder + " at block")
                .contains("consent " + id + "  IN_FORCE").contains("subject   " + VIN + " (on chain");

        CliRun.Result notHolder = CliRun.run("consent", "revoke", "--ledger", consumerLedger.toString(), "--consent-registry",
                parties.consentRegistry, "--id", Long.toString(id));
        assertThat(notHolder.exit()).isEqualTo(1);
        assertThat(notHolder.err()).contains("NotHolder: only the consent's holder may revoke it");

        CliRun.Result rv = CliRun.run("consent", "revoke", "--ledger", holderLedger.toString(), "--consent-registry",
                parties.consentRegistry, "--id", Long.toString(id), "--subjects", subjects.toString());
        assertThat(rv.exit()).as(rv.err()).isZero();
        assertThat(rv.out()).containsPattern("revoked consent " + id + " in block \\d+ \\(tx 0x[0-9a-f]{64}\\): not in force"
                + " from that block on").contains("subject   " + VIN);

        CliRun.Result after = CliRun.run(list);
        assertThat(after.out()).contains("consent " + id + "  REVOKED").contains("revoked in block");
        // another holder's view, by address, without a key or salts: the subject stays unnamed
        CliRun.Result byAddress = CliRun.run("consent", "list", "--ledger", consumerLedger.toString(), "--consent-registry",
                parties.consentRegistry, "--holder", holder);
        assertThat(byAddress.exit()).as(byAddress.err()).isZero();
        assertThat(byAddress.out()).contains("consent " + id + "  REVOKED").contains("(unnamed: no --subjects file)")
                .doesNotContain(VIN);
    }

    @Test
    void badInputIsRefusedNamingWhatWasWrong() throws Exception {
        Path subjects = dir.resolve("bad").resolve("subjects.properties");
        Files.createDirectories(subjects.getParent());
        long before = count();
        CliRun.Result purpose = CliRun.run(grant(subjects, VIN, consumer.address(), "Insurance Mileage",
                "vehicle.odometer", "2099-01-01"));
        assertThat(purpose.exit()).isEqualTo(1);
        assertThat(purpose.err()).contains("purpose 'Insurance Mileage' is not a code such as insurance.mileage");

        CliRun.Result kind = CliRun.run(grant(subjects, VIN, consumer.address(), "insurance.mileage",
                "vehicle.odometer,vehicle.teleport", "2099-01-01"));
        assertThat(kind.exit()).isEqualTo(1);
        assertThat(kind.err()).contains("reading kind 'vehicle.teleport' is unknown; known kinds:").contains("road.shock");

        CliRun.Result date = CliRun.run(grant(subjects, VIN, consumer.address(), "insurance.mileage",
                "vehicle.odometer", "next-year"));
        assertThat(date.exit()).isEqualTo(1);
        assertThat(date.err()).contains("--until 'next-year' is neither a date (2027-06-30) nor an instant");
        assertThat(subjects).as("nothing checked locally made a salt").doesNotExist();

        CliRun.Result past = CliRun.run(grant(subjects, VIN, consumer.address(), "insurance.mileage",
                "vehicle.odometer", "2020-01-01"));
        assertThat(past.exit()).isEqualTo(1);
        assertThat(past.err()).contains("the consent would end 2020-01-02T00:00:00Z, which is past: the chain's time is");

        CliRun.Result unregistered = CliRun.run(grant(subjects, VIN, stranger.address(), "insurance.mileage",
                "vehicle.odometer", "2099-01-01"));
        assertThat(unregistered.exit()).isEqualTo(1);
        assertThat(unregistered.err()).contains("consumer " + stranger.address() + " is not registered: no active account"
                + " in the DeviceRegistry");

        CliRun.Result address = CliRun.run(grant(subjects, VIN, "0x1234", "insurance.mileage", "vehicle.odometer",
                "2099-01-01"));
        assertThat(address.exit()).isEqualTo(1);
        assertThat(address.err()).contains("consumer '0x1234' is not a ledger account address");

        CliRun.Result unknown = CliRun.run("consent", "revoke", "--ledger", holderLedger.toString(), "--consent-registry",
                parties.consentRegistry, "--id", "424242");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("UnknownConsent: no consent has that id");
        assertThat(count()).as("nothing granted by any of these").isEqualTo(before);
    }

    static long count() throws Exception {
        try (var c = chain.client()) {
            return new ConsentRegistryClient(c, parties.consentRegistry, null, Duration.ofSeconds(5)).count();
        }
    }

    @Test
    void deployBindsANewRegistryToTheDeviceRegistry() throws Exception {
        Path adminLedger = dir.resolve("admin-ledger.properties");
        Path pass = dir.resolve("pass.txt");
        new LedgerSettings(chain.config(), dir.resolve("admin.key.json"), "file:" + pass).save(adminLedger);
        CliRun.Result d = CliRun.run("consent", "deploy", "--ledger", adminLedger.toString(), "--device-registry",
                parties.deviceRegistry);
        assertThat(d.exit()).as(d.err()).isZero();
        String address = d.out().strip();
        assertThat(address).matches("0x[0-9a-fA-F]{40}");
        try (var c = chain.client()) {
            assertThat(new ConsentRegistryClient(c, address, null, Duration.ofSeconds(5)).partyRegistry())
                    .isEqualToIgnoringCase(parties.deviceRegistry);
        }
    }
}
