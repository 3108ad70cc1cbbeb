package io.certigate.app.consent;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.anchor.ledger.LedgerAccount;
import io.certigate.anchor.ledger.LedgerClient;
import io.certigate.anchor.testing.TestChain;
import io.certigate.anchor.testing.TestParties;
import io.certigate.app.CliRun;
import io.certigate.fleet.consumer.PartyCertificates;
import io.certigate.provisioning.registry.DeviceRegistryClient;
import io.certigate.testbed.device.TestPki;
import io.certigate.verifier.ledger.RegistryAbi;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.utils.Numeric;

/**
 * {@code certigate consent party register|show|revoke} on a real anvil dev chain with a
 * DeviceRegistry and a ConsentRegistry (anchor-client's {@code TestParties}; the chain's admin is
 * the registrar): what a registration prints, that the consumer API's own mapping
 * ({@link PartyCertificates}) then maps the certificate to the account, show and revoke by
 * certificate and by id; and each refusal (a device certificate, another CA's, a server
 * certificate, an id that is not a party's, a key or an id or an account registered already, a
 * malformed account) with exit 1, a message that says what is wrong, and nothing registered.
 */
@Tag("integration")
class PartyCommandTest {
    @TempDir
    static Path dir;
    static TestChain chain;
    static TestParties parties;
    static TestPki ca;
    static Path caPem;
    static Path pass;
    static int files;

    @BeforeAll
    static void start() throws Exception {
        chain = TestChain.start(dir);
        parties = TestParties.deploy(chain);
        ca = TestPki.create("consortium");
        caPem = TestPki.writePem(dir.resolve("ca.pem"), List.of(ca.caCertificate()));
        pass = Files.writeString(dir.resolve("registrar.pass"), new String(TestChain.PASSPHRASE));
    }

    @AfterAll
    static void stop() {
        if (chain != null) {
            chain.close();
        }
    }

    static Path pem(X509Certificate cert) throws Exception {
        return TestPki.writePem(dir.resolve("party-" + (++files) + ".pem"), List.of(cert));
    }

    static List<String> ledger() {
        return new ArrayList<>(List.of("--rpc", chain.config().rpcUrl(), "--chain-id",
                Long.toString(chain.config().chainId()), "--registry", parties.deviceRegistry, "--registrar-key",
                dir.resolve("admin.key.json").toString(), "--registrar-passphrase", "file:" + pass));
    }

    static CliRun.Result register(Path cert, String account, String... more) {
        List<String> args = new ArrayList<>(List.of("consent", "party", "register", "--ca", caPem.toString(), "--cert",
                cert.toString(), "--account", account));
        args.addAll(ledger());
        args.addAll(List.of(more));
        return CliRun.run(args.toArray(String[]::new));
    }

    static CliRun.Result show(String... which) {
        List<String> args = new ArrayList<>(List.of("consent", "party", "show", "--rpc", chain.config().rpcUrl(),
                "--chain-id", Long.toString(chain.config().chainId()), "--registry", parties.deviceRegistry));
        args.addAll(List.of(which));
        return CliRun.run(args.toArray(String[]::new));
    }

    static DeviceRegistryClient.Entry entry(X509Certificate cert) throws Exception {
        try (LedgerClient c = chain.client()) {
            return new DeviceRegistryClient(c, parties.deviceRegistry, null, Duration.ofSeconds(30))
                    .entryOf(RegistryAbi.keyHash(cert.getPublicKey())).orElse(null);
        }
    }

    static PartyCertificates.Party partyOf(X509Certificate cert) throws Exception {
        try (LedgerClient c = chain.client()) {
            return new PartyCertificates(c, parties.deviceRegistry).partyOf(cert);
        }
    }

    static X509Certificate client(String cn) throws Exception {
        return ca.issue(TestPki.p256().getPublic(), cn, false);
    }

    @Test
    void everyPartyCommandHasHelp() {
        for (String[] c : new String[][] {{"consent", "party"}, {"consent", "party", "register"},
            {"consent", "party", "show"}, {"consent", "party", "revoke"}, {"consent", "party", "request"},
            {"consent", "party", "install"}, {"ca", "issue-party"}}) {
            CliRun.Result r = CliRun.run(ConsentCliTest.with(c, "--help"));
            assertThat(r.exit()).as(String.join(" ", c)).isZero();
            assertThat(r.out()).contains("Usage: certigate " + String.join(" ", c));
        }
    }

    @Test
    void registerShowRevoke() throws Exception {
        LedgerAccount acme = parties.account(dir, "acme");
        X509Certificate cert = client("consumer:acme");
        Path file = pem(cert);
        CliRun.Result r = register(file, acme.address());
        assertThat(r.exit()).as(r.err()).isZero();
        String account = acme.address().toLowerCase(Locale.ROOT);
        assertThat(r.out()).containsPattern("registered party consumer:acme in the DeviceRegistry "
                + parties.deviceRegistry + " at block \\d+ \\(tx 0x[0-9a-f]{64}\\)")
                .contains("account      " + account)
                .containsPattern("certificate  .*CN=consumer:acme, SHA-256 0x")
                .contains("SHA-256 " + Numeric.toHexString(PartyCertificates.certHash(cert)))
                .contains("key          SHA-256 " + Numeric.toHexString(RegistryAbi.keyHash(cert.getPublicKey())))
                .contains("id           consumer:acme (on chain as SHA-256 0x");
        assertThat(partyOf(cert).account()).as("the consumer API maps the certificate to the account").isEqualTo(account);

        CliRun.Result byCert = show("--cert", file.toString());
        assertThat(byCert.exit()).as(byCert.out() + byCert.err()).isZero();
        assertThat(byCert.out()).contains("party consumer:acme: active").contains("account      " + account)
                .contains("(this certificate)");
        CliRun.Result byId = show("--id", "consumer:acme");
        assertThat(byId.exit()).isZero();
        assertThat(byId.out()).contains("party consumer:acme: active");

        List<String> revoke = new ArrayList<>(List.of("consent", "party", "revoke", "--id", "consumer:acme", "--reason",
                "contract ended"));
        revoke.addAll(ledger());
        CliRun.Result rv = CliRun.run(revoke.toArray(String[]::new));
        assertThat(rv.exit()).as(rv.err()).isZero();
        assertThat(rv.out()).containsPattern("revoked party consumer:acme \\(key SHA-256 0x[0-9a-f]{64}, account "
                + account + "\\) at block \\d+ \\(tx 0x[0-9a-f]{64}\\): contract ended");
        CliRun.Result after = show("--cert", file.toString());
        assertThat(after.exit()).isEqualTo(1);
        assertThat(after.out()).contains("party consumer:acme: revoked at block");
        assertThat(partyOf(cert).known()).isFalse();
        assertThat(partyOf(cert).refusal()).contains("revoked");

        CliRun.Result again = CliRun.run(revoke.toArray(String[]::new));
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).contains("was revoked already at block");
        CliRun.Result unknown = show("--id", "consumer:nobody");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.out()).contains("party consumer:nobody: not registered");
    }

    @Test
    void aPartyCertifiedByTheProjectsOwnCaIsRegistered() throws Exception {
        Path caDir = dir.resolve("own-ca");
        CliRun.Result init = CliRun.run("ca", "init", "--dir", caDir.toString(), "--consortium", "Party Fleet",
                "--secret", "file:" + pass);
        assertThat(init.exit()).as(init.err()).isZero();
        Path keyStore = dir.resolve("insurer.p12");
        Path csr = dir.resolve("insurer.csr");
        Path chainPem = dir.resolve("insurer.pem");
        Path partyPass = Files.writeString(dir.resolve("insurer.pass"), "insurer pass\n");
        CliRun.Result req = CliRun.run("consent", "party", "request", "--id", "consumer:insurer", "--key-store",
                keyStore.toString(), "--passphrase-source", "file:" + partyPass, "--out", csr.toString());
        assertThat(req.exit()).as(req.err()).isZero();
        CliRun.Result issued = CliRun.run("ca", "issue-party", "--dir", caDir.toString(), "--csr", csr.toString(),
                "--id", "consumer:insurer", "--out", chainPem.toString(), "--secret", "file:" + pass);
        assertThat(issued.exit()).as(issued.err()).isZero();
        CliRun.Result installed = CliRun.run("consent", "party", "install", "--key-store", keyStore.toString(),
                "--passphrase-source", "file:" + partyPass, "--chain", chainPem.toString());
        assertThat(installed.exit()).as(installed.err()).isZero();

        LedgerAccount insurer = parties.account(dir, "insurer");
        List<String> args = new ArrayList<>(List.of("consent", "party", "register", "--ca",
                caDir.resolve("root.pem").toString(), "--cert", chainPem.toString(), "--account", insurer.address()));
        args.addAll(ledger());
        CliRun.Result r = CliRun.run(args.toArray(String[]::new));
        assertThat(r.exit()).as(r.err()).isZero();
        String account = insurer.address().toLowerCase(Locale.ROOT);
        assertThat(r.out()).contains("registered party consumer:insurer").contains("account      " + account);
        X509Certificate cert = io.certigate.uplink.mqtt.TlsSettings.readCertificates(chainPem).get(0);
        assertThat(partyOf(cert).account()).as("the consumer API maps the certificate to the account").isEqualTo(account);
        assertThat(io.certigate.signing.Pkcs12KeyStore.open(keyStore, "insurer pass".toCharArray()).certificateChain()
                .get(0)).isEqualTo(cert);
    }

    @Test
    void certificatesThatAreNotAPartysAreRefusedAndNothingIsRegistered() throws Exception {
        String account = parties.account(dir, "refused").address();
        X509Certificate device = ca.issueDevice(TestPki.p256().getPublic(), "tcu-77");
        X509Certificate foreign = TestPki.create("elsewhere").issue(TestPki.p256().getPublic(), "consumer:x", false);
        X509Certificate server = ca.issue(TestPki.p256().getPublic(), "consumer:y", true);
        X509Certificate noId = client("Dana Example");
        Object[][] cases = {
            {device, new String[0], "is a device certificate (urn:certigate:"},
            {foreign, new String[0], "not a certificate of the consortium CA"},
            {server, new String[0], "lacks clientAuth"},
            {noId, new String[0], "give --id holder:<name> or --id consumer:<name>"},
            {noId, new String[] {"--id", "dana"}, "must be holder:<name> or consumer:<name>"},
        };
        for (Object[] c : cases) {
            X509Certificate cert = (X509Certificate) c[0];
            CliRun.Result r = register(pem(cert), account, (String[]) c[1]);
            assertThat(r.exit()).as("%s: %s", c[2], r.out()).isEqualTo(1);
            assertThat(r.err()).contains((String) c[2]);
            assertThat(r.out()).doesNotContain("registered party");
            assertThat(entry(cert)).as("nothing registered for %s", c[2]).isNull();
        }
        CliRun.Result badAccount = register(pem(client("consumer:z")), "0x1234");
        assertThat(badAccount.exit()).isEqualTo(1);
        assertThat(badAccount.err()).contains("0x1234");
    }

    @Test
    void aKeyAnIdAndAnAccountAreRegisteredOnce() throws Exception {
        String first = parties.account(dir, "first").address();
        String second = parties.account(dir, "second").address();
        X509Certificate cert = client("holder:erin");
        Path file = pem(cert);
        assertThat(register(file, first).exit()).isZero();

        CliRun.Result sameKey = register(file, second);
        assertThat(sameKey.exit()).isEqualTo(1);
        assertThat(sameKey.err()).contains("is registered already").contains("issue the party a new certificate");

        X509Certificate renewed = client("holder:erin");
        CliRun.Result sameId = register(pem(renewed), second);
        assertThat(sameId.exit()).isEqualTo(1);
        assertThat(sameId.err()).contains("id holder:erin has a registered key already").contains("--replace");
        assertThat(entry(renewed)).isNull();

        X509Certificate other = client("holder:frank");
        CliRun.Result sameAccount = register(pem(other), first);
        assertThat(sameAccount.exit()).isEqualTo(1);
        assertThat(sameAccount.err()).contains("account " + first.toLowerCase(Locale.ROOT)
                + " is bound to another registered key");
        assertThat(entry(other)).isNull();

        CliRun.Result replaced = register(pem(renewed), first, "--replace");
        assertThat(replaced.exit()).as(replaced.err()).isZero();
        assertThat(replaced.out()).contains("registered party holder:erin").contains("is superseded from that block");
        assertThat(partyOf(renewed).account()).isEqualTo(first.toLowerCase(Locale.ROOT));
        assertThat(partyOf(cert).refusal()).contains("replaced by a newer one");
    }
}
