package io.certigate.signing;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.certigate.cbor.CborWriter;
import java.security.PublicKey;
import org.junit.jupiter.api.Tag;

/**
 * Fuzz target on COSE_Sign1 parsing and verification: any input is a parsed record or a
 * {@link CoseException}. A parsed record is strict: written back it gives the same bytes, and its
 * protected header is exactly {1: alg, 4: kid} as the signer writes it. Each parsed record is then
 * verified with both verifier implementations against the known-answer key of its algorithm; the
 * two must agree (both accept, or both refuse by returning false or throwing CoseException).
 *
 * <p>{@code mvn test} replays the seeds in
 * {@code src/test/resources/io/certigate/signing/CoseSign1FuzzTestInputs/parseAndVerify/};
 * {@code scripts/fuzz cose 10} fuzzes for ten minutes.
 */
@Tag("unit")
class CoseSign1FuzzTest {

    @FuzzTest(maxDuration = "60s")
    void parseAndVerify(byte[] input) throws Exception {
        CoseSign1.Parsed p;
        try {
            p = CoseSign1.parse(input);
        } catch (CoseException e) {
            return;
        }
        assertThat(p.signature()).hasSize(64);
        assertThat(new CborWriter().mapHeader(2).integer(1).integer(p.algorithm().coseId()).integer(4).bytes(p.keyId())
                .toByteArray()).isEqualTo(p.protectedHeader());
        assertThat(new CborWriter().tag(CoseSign1.TAG).arrayHeader(4).bytes(p.protectedHeader()).mapHeader(0)
                .bytes(p.payload()).bytes(p.signature()).toByteArray()).isEqualTo(input);
        PublicKey key = p.algorithm() == CoseAlgorithm.EDDSA ? KnownKeys.ed25519() : KnownKeys.p256();
        assertThat(accepts(SignatureVerifier.JDK, input, key)).isEqualTo(accepts(SignatureVerifier.BOUNCY_CASTLE, input, key));
    }

    private static boolean accepts(SignatureVerifier v, byte[] cose, PublicKey key) {
        try {
            CoseSign1.verify(cose, key, null, v);
            return true;
        } catch (CoseException e) {
            return false;
        }
    }
}
