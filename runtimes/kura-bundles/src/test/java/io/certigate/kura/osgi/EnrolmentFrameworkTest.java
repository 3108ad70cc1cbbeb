package io.certigate.kura.osgi;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.core.model.ChainedReading;
import io.certigate.core.model.Reading;
import io.certigate.core.model.ReadingValue;
import io.certigate.core.model.TimeQuality;
import io.certigate.core.spine.Spine;
import io.certigate.provisioning.ca.ConsortiumCa;
import io.certigate.provisioning.enrol.EnrolmentProtocol;
import io.certigate.provisioning.enrol.ProvisioningPsk;
import io.certigate.provisioning.enrol.ProvisioningState;
import io.certigate.provisioning.technician.EnrolmentClient;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.Csr;
import io.certigate.signing.Pkcs12KeyStore;
import io.certigate.signing.SoftwareDeviceKey;
import io.certigate.verifier.trust.ChainValidator;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;

/**
 * The enrolment agent component inside Equinox: configured outside provisioning mode it stays off
 * (no PSK label, nothing to talk to); with the device put into provisioning mode and the
 * configuration applied again, it serves the technician (device-provisioning's EnrolmentClient and
 * a consortium CA, in the test bundle) over CoAP/DTLS with the one-time PSK of the label: CSR,
 * ledger account, chain installed in the device key store, test record signed by the certified key;
 * the device leaves provisioning mode, and the spine then runs on the certified key.
 */
@Tag("integration")
class EnrolmentFrameworkTest {
    static final String DEVICE = "kura-hub-12";
    static final String FILTER = "(device.id=" + DEVICE + ")";
    static final Csr.Identity HUB = new Csr.Identity(DEVICE, "SN-12", "CG-ROAD-1", Csr.SubjectKind.SITE, "A7-PR114");

    @TempDir
    Path dir;

    private final OsgiHarness osgi = new OsgiHarness();

    @AfterEach
    void tearDown() throws Exception {
        osgi.close(); // deletes the configurations, newest first, and waits for the spine to go
    }

    @Test
    void theAgentServesOnlyInProvisioningModeAndEnrolsTheDeviceKey() throws Exception {
        ConsortiumCa ca = consortium();
        Files.writeString(dir.resolve("passphrase"), "correct horse", StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("ledger.pass"), "ledger horse", StandardCharsets.UTF_8);
        ProvisioningState state = new ProvisioningState(dir.resolve("state"));
        int port = freeUdpPort();
        Map<String, Object> enrol = new HashMap<>();
        enrol.put("provisioning.state-dir", state.dir().toString());
        enrol.put("key.store", dir.resolve("device.p12").toString());
        enrol.put("key.passphrase", "file:" + dir.resolve("passphrase"));
        enrol.put("buffer.file", dir.resolve("buffer.db").toString());
        enrol.put("provisioning.algorithm", "es256");
        enrol.put("provisioning.listen", "127.0.0.1:" + port);
        enrol.put("provisioning.timeout-s", 10);
        enrol.put("device.id", DEVICE);
        enrol.put("provisioning.serial", "SN-12");
        enrol.put("provisioning.model", "CG-ROAD-1");
        enrol.put("provisioning.subject", "site:A7-PR114");
        enrol.put("provisioning.ledger-account-key", dir.resolve("ledger.json").toString());
        enrol.put("provisioning.ledger-passphrase", "file:" + dir.resolve("ledger.pass"));
        enrol.put("provisioning.trust-root", Files.writeString(dir.resolve("root.pem"), "-----BEGIN CERTIFICATE-----\n"
                + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(ca.root().getEncoded())
                + "\n-----END CERTIFICATE-----\n").toString());

        // outside provisioning mode: the component is active, the agent is not
        Files.createDirectories(state.dir());
        Configuration config = osgi.configure("io.certigate.kura.enrolment", enrol);
        Thread.sleep(1500);
        assertThat(osgi.components()).contains("EnrolmentComponent enabled, state 8"); // ACTIVE, no failure
        assertThat(state.labelFile()).doesNotExist();
        assertThat(dir.resolve("device.p12")).doesNotExist();

        // a technician puts the device into provisioning mode; the configuration is applied again
        state.enter();
        config.update(new Hashtable<>(enrol));
        long deadline = System.nanoTime() + OsgiHarness.WAIT.toNanos();
        while (!Files.exists(state.labelFile()) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(state.labelFile()).as("PSK label; components: " + osgi.components()).exists();
        ProvisioningPsk psk = ProvisioningPsk.read(state.labelFile());

        byte[] nonce = new byte[16];
        new SecureRandom().nextBytes(nonce);
        List<X509Certificate> chain;
        byte[] cose;
        String account;
        try (EnrolmentClient c = new EnrolmentClient(URI.create("coaps://127.0.0.1:" + port), psk, Duration.ofSeconds(30))) {
            account = c.ledgerAccount();
            chain = ca.issue(c.csr(), HUB, Duration.ofDays(365));
            cose = c.install(new EnrolmentProtocol.Install(chain, Map.of("rpc", "http://127.0.0.1:8545", "chain-id", "1337"), nonce));
        }
        assertThat(account).matches("0x[0-9a-fA-F]{40}");
        assertThat(dir.resolve("ledger.json")).exists();
        X509Certificate leaf = chain.get(0);
        // the test reading is the first record of the device chain, committed by the device's sequencer
        ChainedReading test = EnrolmentProtocol.verifyTestRecord(cose, leaf.getPublicKey(), DEVICE, nonce);
        assertThat(test.seq()).isEqualTo(1);
        assertThat(test.prev()).isEqualTo(new byte[32]);
        assertThat(new ChainValidator(ca.root()).validate(chain, java.time.Instant.now())).isEqualTo(HUB);
        deadline = System.nanoTime() + OsgiHarness.WAIT.toNanos();
        while (state.inProvisioningMode() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(state.inProvisioningMode()).isFalse();
        assertThat(state.labelFile()).doesNotExist();

        // the spine runs on the enrolled key: its chain is the one the consortium issued
        osgi.configure("io.certigate.kura.spine", Map.of("device.id", DEVICE,
                "key.store", dir.resolve("device.p12").toString(), "key.passphrase", "file:" + dir.resolve("passphrase"),
                "buffer.file", dir.resolve("buffer.db").toString()));
        ServiceReference<Spine> spineRef = osgi.awaitService(Spine.class, FILTER, -1);
        Spine spine = osgi.context.getService(spineRef);
        assertThat(spine.key().certificateChain()).isEqualTo(chain);
        spine.sequencer().submit(new Reading(1_764_000_000_000L, TimeQuality.NTP, "coap:road-1", "road.shock", "road-1",
                ReadingValue.of(12), "m/s2")).get(10, TimeUnit.SECONDS);
        // the spine carries on the chain the enrolment started: seq 1 is the technician's test record
        osgi.awaitReadings(spine.key(), spine, rs -> rs.size() == 2);
        assertThat(((io.certigate.core.model.StoredRecord.Signed) spine.buffer().range(1, 1).get(0)).cose()).isEqualTo(cose);
        osgi.context.ungetService(spineRef);
    }

    /** A two-level consortium CA whose keys are PKCS#12 files of the test. */
    private ConsortiumCa consortium() throws Exception {
        char[] pass = "ca pass".toCharArray();
        SoftwareDeviceKey root = Pkcs12KeyStore.create(dir.resolve("root.p12"), CoseAlgorithm.ES256, "root", pass);
        SoftwareDeviceKey issuing = Pkcs12KeyStore.create(dir.resolve("issuing.p12"), CoseAlgorithm.ES256, "issuing", pass);
        ConsortiumCa.Hierarchy h = ConsortiumCa.init(root, issuing, "Road Consortium", Clock.systemUTC(), Duration.ofDays(3650),
                Duration.ofDays(1825));
        Pkcs12KeyStore.installChain(dir.resolve("root.p12"), pass, h.rootChain());
        return new ConsortiumCa(Pkcs12KeyStore.installChain(dir.resolve("issuing.p12"), pass, h.issuingChain()), Clock.systemUTC());
    }

    private static int freeUdpPort() throws Exception {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
