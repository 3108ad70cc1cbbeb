package io.certigate.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certigate.provisioning.ca.ConsortiumCa;
import io.certigate.provisioning.device.KeyBackend;
import io.certigate.provisioning.enrol.EnrolmentAgent;
import io.certigate.provisioning.enrol.EnrolmentProtocol;
import io.certigate.provisioning.enrol.ProvisioningPsk;
import io.certigate.provisioning.enrol.ProvisioningState;
import io.certigate.provisioning.enrol.SpineHandover;
import io.certigate.provisioning.technician.EnrolmentClient;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.CoseSign1;
import io.certigate.signing.Csr;
import io.certigate.signing.DeviceKey;
import io.certigate.signing.Pkcs11DeviceKey;
import io.certigate.signing.testing.SoftHsmToken;
import io.certigate.verifier.trust.ChainValidator;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CA and device keys on a real PKCS#11 token (SoftHSM2): issuing, enrolment over DTLS, no export. */
@Tag("integration")
class Pkcs11ProvisioningTest {
    static final char[] PIN = "5678".toCharArray();
    static SoftHsmToken token;

    @TempDir
    Path dir;

    @BeforeAll
    static void token() throws Exception {
        token = SoftHsmToken.shared();
    }

    @Test
    void caOnTheTokenIssuesForADeviceKeyOnTheTokenEnrolledOverDtls() throws Exception {
        Clock clock = Clock.systemUTC();
        KeyBackend rootB = new KeyBackend.Pkcs11(token.config("ca-root"), PIN);
        KeyBackend issB = new KeyBackend.Pkcs11(token.config("ca-issuing"), PIN);
        ConsortiumCa.Hierarchy h = ConsortiumCa.init(rootB.generate(CoseAlgorithm.ES256, "root"),
                issB.generate(CoseAlgorithm.ES256, "issuing"), "Token Consortium", clock,
                Duration.ofDays(3650), Duration.ofDays(1825));
        rootB.installChain(h.rootChain());
        ConsortiumCa ca = new ConsortiumCa(issB.installChain(h.issuingChain()), clock);
        assertThat(issB.open().certificateChain()).isEqualTo(h.issuingChain());

        Csr.Identity vehicle = new Csr.Identity("obd-9", "SN-9", "CG-OBD-2", Csr.SubjectKind.VIN, "VF1AB000123456789");
        KeyBackend device = new KeyBackend.Pkcs11(token.config("device-obd-9"), PIN);
        ProvisioningState state = new ProvisioningState(dir);
        state.enter();
        ScheduledExecutorService ex = Executors.newSingleThreadScheduledExecutor();
        ExecutorService writer = Executors.newSingleThreadExecutor();
        SpineHandover spine = SpineHandover.onBuffer(dir.resolve("buffer.db"), vehicle.deviceId(), clock, writer,
                Duration.ofSeconds(30));
        try (EnrolmentAgent agent = new EnrolmentAgent(state, device, new EnrolmentAgent.Settings(
                new InetSocketAddress("127.0.0.1", 0), vehicle, CoseAlgorithm.ES256, Duration.ofSeconds(3), 8, null,
                h.root()),
                clock, new SecureRandom(), ex, s -> { }, spine)) {
            int port = agent.start().getPort();
            byte[] nonce = new byte[16];
            new SecureRandom().nextBytes(nonce);
            List<X509Certificate> chain;
            byte[] cose;
            try (EnrolmentClient c = new EnrolmentClient(URI.create("coaps://127.0.0.1:" + port),
                    ProvisioningPsk.read(state.labelFile()), Duration.ofSeconds(30))) {
                chain = ca.issue(c.csr(), vehicle, Duration.ofDays(365));
                cose = c.install(new EnrolmentProtocol.Install(chain, Map.of(), nonce));
            }
            DeviceKey installed = agent.provisioned().get(10, TimeUnit.SECONDS);
            assertThat(installed).isInstanceOf(Pkcs11DeviceKey.class);
            // the test reading went through the sequencer, signed on the token
            assertThat(EnrolmentProtocol.verifyTestRecord(cose, chain.get(0).getPublicKey(), vehicle.deviceId(), nonce)
                    .seq()).isEqualTo(1);
            spine.spine().get(10, TimeUnit.SECONDS).close();
            assertThat(new ChainValidator(ca.root()).validate(chain, Instant.now())).isEqualTo(vehicle);
            assertThat(device.open().certificateChain()).isEqualTo(chain);
        } finally {
            ex.shutdownNow();
            writer.shutdownNow();
        }
    }

    /**
     * Issue #20: a key rotation on a token destroys the previous key's objects there (a superseded
     * key must not stay able to sign), and the device says so; the new key stays.
     */
    @Test
    void aKeyRotationOnTheTokenDestroysThePreviousKey() throws Exception {
        ConsortiumCa ca = io.certigate.provisioning.testing.TestCa.create("Rotation Consortium", Clock.systemUTC());
        Csr.Identity meter = new Csr.Identity("tic-rot", "SN-ROT", "CG-TIC-1", Csr.SubjectKind.METER, "09333333333333");
        KeyBackend first = new KeyBackend.Pkcs11(token.config("rot-1"), PIN);
        KeyBackend second = new KeyBackend.Pkcs11(token.config("rot-2"), PIN);
        List<String> console = new java.util.ArrayList<>();
        enrol(ca, meter, first, console);
        assertThat(console).noneMatch(l -> l.contains("key rotation"));
        assertThat(privateKeyObjects()).contains(idLine("rot-1"));

        enrol(ca, meter, second, console);
        assertThat(console).anyMatch(l -> l.equals("key rotation: the previous key is retired: " + first.describe()
                + " destroyed on the token"));
        assertThat(first.exists()).isFalse();
        assertThatThrownBy(first::open).hasMessageContaining("holds no private key");
        // OpenSC no longer sees the old private key; the new one is there
        assertThat(privateKeyObjects()).doesNotContain(idLine("rot-1")).contains(idLine("rot-2"));
        assertThat(second.open().certificateChain().get(0).getPublicKey()).isNotNull();
    }

    /** Puts the state in {@code dir} in provisioning mode and enrols {@code backend}'s key there. */
    private void enrol(ConsortiumCa ca, Csr.Identity id, KeyBackend backend, List<String> console) throws Exception {
        Clock clock = Clock.systemUTC();
        ProvisioningState state = new ProvisioningState(dir.resolve("state"));
        state.enter();
        ScheduledExecutorService ex = Executors.newSingleThreadScheduledExecutor();
        ExecutorService writer = Executors.newSingleThreadExecutor();
        SpineHandover spine = SpineHandover.onBuffer(dir.resolve("rotation.db"), id.deviceId(), clock, writer,
                Duration.ofSeconds(30));
        try (EnrolmentAgent agent = new EnrolmentAgent(state, backend, new EnrolmentAgent.Settings(
                new InetSocketAddress("127.0.0.1", 0), id, CoseAlgorithm.ES256, Duration.ofSeconds(3), 8, null, ca.root()),
                clock, new SecureRandom(), ex, console::add, spine)) {
            int port = agent.start().getPort();
            try (EnrolmentClient c = new EnrolmentClient(URI.create("coaps://127.0.0.1:" + port),
                    ProvisioningPsk.read(state.labelFile()), Duration.ofSeconds(30))) {
                c.install(new EnrolmentProtocol.Install(ca.issue(c.csr(), id, Duration.ofDays(365)), Map.of(),
                        new byte[16]));
            }
            agent.provisioned().get(10, TimeUnit.SECONDS);
            spine.spine().get(10, TimeUnit.SECONDS).close();
        } finally {
            ex.shutdownNow();
            writer.shutdownNow();
        }
    }

    /** OpenSC's listing of the token's private key objects. */
    private static String privateKeyObjects() throws Exception {
        return SoftHsmToken.run(List.of("pkcs11-tool", "--module", SoftHsmToken.LIBRARY.toString(),
                "--slot", Long.toString(token.slot), "--login", "--pin", token.pin, "--list-objects", "--type", "privkey"));
    }

    /** The line OpenSC prints for an object whose CKA_ID is {@code alias} (SunPKCS11 sets the alias as the id). */
    private static String idLine(String alias) {
        return "ID:         " + java.util.HexFormat.of().formatHex(alias.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                + "\n";
    }

    @Test
    void anAttemptToExportATokenKeyFails() throws Exception {
        Pkcs11DeviceKey key = (Pkcs11DeviceKey) new KeyBackend.Pkcs11(token.config("device-export"), PIN)
                .generate(CoseAlgorithm.ES256, "exp-1");
        // no encoding through the JCA handle
        assertThat(key.privateKeyHandle().getEncoded()).isNull();
        assertThatThrownBy(() -> KeyFactory.getInstance("EC").getKeySpec(key.privateKeyHandle(), PKCS8EncodedKeySpec.class))
                .isInstanceOf(Exception.class);
        // it cannot be written into a software key store
        KeyStore p12 = KeyStore.getInstance("PKCS12");
        p12.load(null, null);
        assertThatThrownBy(() -> {
            p12.setKeyEntry("stolen", key.privateKeyHandle(), "x".toCharArray(),
                    key.certificateChain().toArray(new Certificate[0]));
            p12.store(new ByteArrayOutputStream(), "x".toCharArray());
        }).isInstanceOf(Exception.class);
        // asking the token itself for the private value (C_GetAttributeValue CKA_VALUE) is refused by the token
        java.security.Provider p = java.security.Security.getProvider("SunPKCS11").configure("--name = export-attempt\n"
                + "library = " + SoftHsmToken.LIBRARY + "\nslot = " + token.slot + "\n");
        KeyStore onToken = KeyStore.getInstance("PKCS11", p);
        onToken.load(null, PIN);
        java.security.Key handle = onToken.getKey("device-export", null);
        assertThat(handle).isInstanceOf(java.security.PrivateKey.class);
        assertThatThrownBy(() -> KeyFactory.getInstance("EC", p).getKeySpec(handle, java.security.spec.ECPrivateKeySpec.class))
                .hasStackTraceContaining("CKR_ATTRIBUTE_SENSITIVE");
        // an independent PKCS#11 client (OpenSC) sees the key as sensitive and never extractable
        String id = java.util.HexFormat.of().formatHex("device-export".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        String listed = SoftHsmToken.run(List.of("pkcs11-tool", "--module", SoftHsmToken.LIBRARY.toString(),
                "--slot", Long.toString(token.slot), "--login", "--pin", token.pin, "--list-objects", "--type", "privkey",
                "--id", id));
        assertThat(listed).contains("ID:         " + id).contains("sensitive").contains("never extractable");
        // while signing on the token works
        assertThat(CoseSign1.verify(CoseSign1.sign(key, new byte[] {5}), key.publicKey(), key.keyId())).containsExactly(5);
    }
}
