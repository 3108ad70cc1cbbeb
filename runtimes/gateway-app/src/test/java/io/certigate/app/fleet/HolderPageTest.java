package io.certigate.app.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.anchor.ledger.LedgerAccount;
import io.certigate.anchor.ledger.LedgerClient;
import io.certigate.anchor.testing.TestChain;
import io.certigate.anchor.testing.TestParties;
import io.certigate.app.CertigateCli;
import io.certigate.app.consent.HolderPage;
import io.certigate.app.report.Chromium;
import io.certigate.consent.ConsentRegistryClient;
import io.certigate.fleet.collector.DeviceKeys;
import io.certigate.fleet.consumer.ConsumerApiServer;
import io.certigate.fleet.store.FleetStore;
import io.certigate.fleet.store.StoreConnector;
import io.certigate.testbed.PostgresServer;
import io.certigate.testbed.device.TestDevice;
import io.certigate.testbed.device.TestPki;
import io.certigate.verifier.consent.Consent;
import java.io.BufferedReader;
import java.io.PipedReader;
import java.io.PipedWriter;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The holder's page ({@code certigate consent page}) against the consumer role on PostgreSQL and the
 * anvil dev chain, rendered by headless Chromium: it shows the subject, the consent in force and the
 * consumer's access; the revocation its form makes lands on chain, and the consumer's next request is
 * refused as {@code revoked}.
 *
 * <p>The test helper runs Chromium with {@code --dump-dom}, which renders a page but clicks
 * nothing; the revocation is the POST the page's form makes (its action and hidden fields taken from
 * the DOM Chromium rendered), sent by the test's HTTP client.
 */
@Tag("integration")
class HolderPageTest {
    static final String VIN = "WVWZZZ1JZXW000078";

    @TempDir
    Path dir;

    @Test
    void theHolderSeesTheConsentAndTheAccessAndARevocationThroughThePageStopsTheConsumer() throws Exception {
        try (TestChain chain = TestChain.start(dir.resolve("chain"));
                PostgresServer pg = PostgresServer.start(dir.resolve("pg"))) {
            TestParties parties = TestParties.deploy(chain);
            TestPki ca = TestPki.create("consortium");
            Path caPem = TestPki.writePem(dir.resolve("ca.pem"), List.of(ca.caCertificate()));
            LedgerAccount holder = parties.account(dir, "holder");
            LedgerAccount insurer = parties.account(dir, "insurer");
            SSLContext insurerTls = ConsumerFixture.client(ca, ConsumerFixture.register(chain, parties, ca, dir,
                    "consumer:insurer", insurer.address()));
            Path holderKeys = ConsumerFixture.register(chain, parties, ca, dir, "holder:carol", holder.address());
            Path config = ConsumerFixture.consumerConfig(dir, pg, chain, parties, ca, caPem);
            FleetConfig cfg = FleetConfig.load(config);
            TestDevice device = TestDevice.create(dir, "tcu-8");
            StoreConnector db = cfg.consumer().store().connector();
            new FleetStore(db).createOrUpdateSchema();
            ConsumerFixture.writeChain(db, device, ConsumerFixture.odometerAndSpeed(VIN));

            Path subjects = ConsumerFixture.grantMileageAndAddSubject(chain, parties, dir, config, VIN,
                    holder.address(), insurer.address());
            Path holderLedger = dir.resolve("holder-ledger.properties"); // the holder's, saved by the fixture

            DeviceKeys keys = new DeviceKeys(List.of(), false);
            keys.add(device.id(), device.key().publicKey());
            String records = "/v1/subjects/" + VIN + "/records?purpose=insurance.mileage";
            try (FleetConsumerRole role = FleetConsumerRole.start(cfg.consumer(), keys, List.of(), null, Clock.systemUTC());
                    LedgerClient ledger = chain.client()) {
                assertThat(ConsumerFixture.get(insurerTls, role.port(), records).statusCode()).isEqualTo(200);

                ConsentRegistryClient registry = new ConsentRegistryClient(ledger, parties.consentRegistry, holder,
                        Duration.ofSeconds(30));
                HolderPage.FleetAccesses fleet = new HolderPage.FleetAccesses(URI.create("https://localhost:" + role.port()),
                        ConsumerApiServer.tls(holderKeys, ConsumerFixture.PW, List.of(ca.caCertificate())));
                try (HolderPage page = HolderPage.start(registry, holder.address(), subjects, fleet, 0)) {
                    assertThat(page.url().getHost()).isEqualTo("127.0.0.1");
                    Chromium chromium = new Chromium(dir.resolve("chromium"));
                    Chromium.Rendered before = chromium.render(page.url());
                    assertThat(before.text()).contains(VIN).contains("insurance.mileage").contains("vehicle.odometer")
                            .contains("in force").contains(VIN + " insurance.mileage records served");
                    long id = registry.consentsOf(holder.address()).get(0).id();

                    // the form as Chromium rendered it
                    Matcher form = Pattern.compile("<form method=\"post\" action=\"([^\"]+)\"><input type=\"hidden\""
                            + " name=\"token\" value=\"([^\"]+)\"><input type=\"hidden\" name=\"id\" value=\"(\\d+)\">")
                            .matcher(before.dom());
                    assertThat(form.find()).as(before.dom()).isTrue();
                    assertThat(Long.parseLong(form.group(3))).isEqualTo(id);
                    URI action = page.url().resolve(form.group(1));

                    // without the page's token (another page or local user): refused, nothing sent to the chain
                    assertThat(post(action, "token=guess&id=" + id).statusCode()).isEqualTo(403);
                    assertThat(post(URI.create(page.url().resolve("/").toString() + "x/revoke"), "token=" + form.group(2)
                            + "&id=" + id).statusCode()).isEqualTo(404);
                    assertThat(post(URI.create(action.toString().replace("127.0.0.1", "localhost")), "token="
                            + form.group(2) + "&id=" + id, "http://localhost:" + action.getPort()).statusCode())
                            .as("another host name for 127.0.0.1").isEqualTo(404);
                    // with the token, from a page of another origin (a local file's form sends Origin: null)
                    assertThat(post(action, "token=" + form.group(2) + "&id=" + id, "null").statusCode()).isEqualTo(403);
                    assertThat(registry.consent(id).orElseThrow().revokedIn()).isZero();
                    // the same from Chromium: a local page that knows the token and submits the form on load
                    Path hostile = Files.writeString(dir.resolve("hostile.html"), "<!DOCTYPE html><html><body><form"
                            + " method=\"post\" action=\"" + action + "\"><input type=\"hidden\" name=\"token\" value=\""
                            + form.group(2) + "\"><input type=\"hidden\" name=\"id\" value=\"" + id + "\"></form>"
                            + "<script>document.forms[0].submit()</script></body></html>");
                    Chromium.Rendered answer = chromium.render(hostile.toUri());
                    assertThat(answer.text()).as("the server's answer to the submission").contains("refused: a revocation is made from this page only");
                    assertThat(registry.consent(id).orElseThrow().revokedIn()).isZero();

                    HttpResponse<String> revoked = post(action, "token=" + form.group(2) + "&id=" + form.group(3));
                    assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
                    Matcher block = Pattern.compile("in block <span class=\"block\">(\\d+)</span>").matcher(revoked.body());
                    assertThat(block.find()).as(revoked.body()).isTrue();
                    Consent onChain = registry.consent(id).orElseThrow();
                    assertThat(onChain.revokedIn()).isEqualTo(Long.parseLong(block.group(1)));

                    HttpResponse<String> refused = ConsumerFixture.get(insurerTls, role.port(), records);
                    assertThat(refused.statusCode()).isEqualTo(403);
                    assertThat(refused.body()).contains("\"refused\":\"revoked\"");

                    Chromium.Rendered after = chromium.render(page.url());
                    assertThat(after.text()).contains("revoked at block " + onChain.revokedIn())
                            .contains(VIN + " insurance.mileage records refused revoked:");
                    assertThat(after.dom()).doesNotContain("<form");
                }

                // the same page as `certigate consent page` serves it, the fleet reached with the holder's files
                Files.writeString(dir.resolve("holder-tls.pass"), new String(ConsumerFixture.PW));
                PipedReader printed = new PipedReader();
                CommandLine cli = CertigateCli.commandLine().setOut(new PrintWriter(new PipedWriter(printed), true));
                Thread command = new Thread(() -> cli.execute("consent", "page", "--ledger", holderLedger.toString(),
                        "--consent-registry", parties.consentRegistry, "--subjects", subjects.toString(), "--fleet",
                        "https://localhost:" + role.port(), "--key-store", holderKeys.toString(), "--passphrase-source",
                        "file:" + dir.resolve("holder-tls.pass"), "--ca", caPem.toString(), "--port", "0"));
                command.start();
                try {
                    String line = new BufferedReader(printed).readLine();
                    assertThat(line).startsWith("the holder's page: http://127.0.0.1:");
                    HttpResponse<String> served = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                            line.substring(line.indexOf("http")))).build(), HttpResponse.BodyHandlers.ofString());
                    assertThat(served.statusCode()).isEqualTo(200);
                    assertThat(served.body()).contains(VIN).contains("revoked at block "
                            + registry.consentsOf(holder.address()).get(0).revokedIn())
                            .contains("Logged by the fleet at https://localhost:" + role.port() + ": 2.");
                } finally {
                    command.interrupt();
                    command.join(30_000);
                }
                assertThat(command.isAlive()).as("the command ends when interrupted").isFalse();
            }
        }
    }

    static HttpResponse<String> post(URI uri, String form) throws Exception {
        return post(uri, form, uri.getScheme() + "://" + uri.getAuthority());
    }

    /** The POST a browser's form submission makes, with its Origin header. */
    static HttpResponse<String> post(URI uri, String form, String origin) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Origin", origin)
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
