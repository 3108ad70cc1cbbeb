package io.certigate.provisioning.enrol;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.certigate.signing.Csr;
import io.certigate.signing.SigningException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.HexFormat;
import org.junit.jupiter.api.Tag;

/**
 * Fuzz targets on the three enrolment messages that arrive from the other side: the install request
 * a device reads from the technician ({@link EnrolmentProtocol#decodeInstall}), the CSR the
 * technician and the CA read from the device ({@link Csr#verify}) and the test record the
 * technician reads back ({@link EnrolmentProtocol#verifyTestRecord}). Each returns its typed value
 * or throws its own exception ({@link EnrolmentException}, {@link SigningException}); nothing else
 * escapes. An accepted install request re-encodes to a request that decodes to the same content.
 *
 * <p>{@code mvn test} replays the seeds in
 * {@code src/test/resources/io/certigate/provisioning/enrol/EnrolmentProtocolFuzzTestInputs/<method>/};
 * {@code scripts/fuzz install|csr|testrecord 10} fuzzes one for ten minutes.
 */
@Tag("unit")
class EnrolmentProtocolFuzzTest {
    /** RFC 8032 §7.1 test 1 public key: the test record seeds are signed with its private key. */
    private static final PublicKey DEVICE_KEY = ed25519("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    private static final byte[] NONCE = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f");

    @FuzzTest(maxDuration = "60s")
    void install(byte[] body) throws EnrolmentException {
        EnrolmentProtocol.Install install;
        try {
            install = EnrolmentProtocol.decodeInstall(body);
        } catch (EnrolmentException e) {
            return;
        }
        assertThat(install.chain()).isNotEmpty();
        assertThat(install.nonce().length).isGreaterThanOrEqualTo(EnrolmentProtocol.MIN_NONCE);
        EnrolmentProtocol.Install again = EnrolmentProtocol.decodeInstall(EnrolmentProtocol.encodeInstall(install));
        assertThat(again.chain()).isEqualTo(install.chain());
        assertThat(again.ledger()).isEqualTo(install.ledger());
        assertThat(again.nonce()).isEqualTo(install.nonce());
    }

    @FuzzTest(maxDuration = "60s")
    void csr(byte[] der) {
        try {
            Csr.Verified v = Csr.verify(der);
            assertThat(v.identity().deviceId()).isNotEmpty();
        } catch (SigningException e) {
            // refused, as the CA and the technician report it
        }
    }

    @FuzzTest(maxDuration = "60s")
    void testRecord(byte[] cose) {
        try {
            EnrolmentProtocol.verifyTestRecord(cose, DEVICE_KEY, "gw-fuzz", NONCE);
        } catch (EnrolmentException e) {
            // refused, as the technician reports it
        }
    }

    private static PublicKey ed25519(String hex) {
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(
                    new X509EncodedKeySpec(HexFormat.of().parseHex("302a300506032b6570032100" + hex)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
