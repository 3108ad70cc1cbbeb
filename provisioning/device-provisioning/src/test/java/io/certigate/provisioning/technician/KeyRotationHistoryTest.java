package io.certigate.provisioning.technician;

import static org.assertj.core.api.Assertions.assertThat;

import io.certigate.core.buffer.RecordBuffer;
import io.certigate.core.sequencer.Sequencer;
import io.certigate.core.spine.DeviceIdentity;
import io.certigate.core.spine.Spine;
import io.certigate.core.testing.TestSpine;
import io.certigate.provisioning.ca.ConsortiumCa;
import io.certigate.provisioning.device.KeyBackend;
import io.certigate.provisioning.testing.TestCa;
import io.certigate.signing.CoseAlgorithm;
import io.certigate.signing.Csr;
import io.certigate.signing.DeviceKey;
import io.certigate.signing.SignatureVerifier;
import io.certigate.verifier.chain.ChainVerifier;
import io.certigate.verifier.chain.VerificationReport;
import io.certigate.verifier.trust.ChainValidator;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Re-provisioning with a new key keeps the device's history verifiable: the buffer remembers both
 * certified chains, both validate to the consortium root, and the whole hash chain verifies with
 * the keys they certify (and not with the new key alone).
 */
@Tag("component")
class KeyRotationHistoryTest {
    static final Csr.Identity CAR = new Csr.Identity(TestSpine.DEVICE, "SN-ROT", "CG-OBD-2", Csr.SubjectKind.VIN,
            "VF1RFB00X57177144");

    @TempDir
    Path dir;

    DeviceKey provision(ConsortiumCa ca, String file) throws Exception {
        KeyBackend b = new KeyBackend.Pkcs12(dir.resolve(file), "k".toCharArray());
        DeviceKey k = b.generate(CoseAlgorithm.EDDSA, CAR.deviceId());
        return b.installChain(ca.issue(Csr.build(k, CAR), CAR, Duration.ofDays(365)));
    }

    void sign(DeviceKey key, long from, int n) throws Exception {
        ExecutorService ex = Executors.newSingleThreadExecutor();
        try (Spine s = Spine.open(key, dir.resolve("buffer.db"), RecordBuffer.Options.defaults(CAR.deviceId()),
                Sequencer.Options.DEFAULT, Clock.systemUTC(), ex)) {
            for (int i = 0; i < n; i++) {
                s.sequencer().submit(TestSpine.odometer(from + i)).get(30, TimeUnit.SECONDS);
            }
        } finally {
            ex.shutdownNow();
        }
    }

    @Test
    void historySignedBeforeARotationStillVerifies() throws Exception {
        ConsortiumCa ca = TestCa.create("Rotation Consortium", Clock.systemUTC());
        DeviceKey first = provision(ca, "key-1.p12");
        sign(first, 0, 3);
        DeviceKey second = provision(ca, "key-2.p12");
        sign(second, 3, 3);

        try (RecordBuffer buffer = RecordBuffer.open(dir.resolve("buffer.db"), RecordBuffer.Options.defaults(CAR.deviceId()))) {
            List<List<X509Certificate>> chains = DeviceIdentity.chains(buffer);
            assertThat(chains).hasSize(2);
            List<PublicKey> keys = new ArrayList<>();
            for (List<X509Certificate> chain : chains) {
                assertThat(new ChainValidator(ca.root()).validate(chain, Instant.now())).isEqualTo(CAR);
                keys.add(chain.get(0).getPublicKey());
            }
            assertThat(keys).containsExactly(first.publicKey(), second.publicKey());

            VerificationReport all = new ChainVerifier(CAR.deviceId(), keys, SignatureVerifier.BOUNCY_CASTLE)
                    .verify(buffer.range(1, 6));
            assertThat(all.ok()).as(all.toString()).isTrue();
            assertThat(all.verified()).isEqualTo(6);

            VerificationReport newKeyOnly = new ChainVerifier(CAR.deviceId(), List.of(second.publicKey()),
                    SignatureVerifier.BOUNCY_CASTLE).verify(buffer.range(1, 6));
            assertThat(newKeyOnly.ok()).isFalse();
        }
    }
}
