package io.certigate.verifier.proof;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Tag;

/**
 * Fuzz target on the proof-bundle reader: any input is a {@link ProofBundle} or a
 * {@link ProofFormatException}; nothing else escapes. An accepted bundle is complete enough to be
 * written back, and what is written reads back to the same bundle (write, read, write gives the
 * same bytes); every record refers to an anchor the bundle holds and every hash is 32 bytes.
 *
 * <p>{@code mvn test} replays the seeds in
 * {@code src/test/resources/io/certigate/anchor/proof/ProofBundleJsonFuzzTestInputs/read/};
 * {@code scripts/fuzz proof 10} fuzzes for ten minutes.
 */
@Tag("unit")
class ProofBundleJsonFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void read(byte[] json) throws ProofFormatException {
        ProofBundle b;
        try {
            b = ProofBundleJson.read(json);
        } catch (ProofFormatException e) {
            return;
        }
        for (ProofBundle.Anchor a : b.anchors()) {
            assertThat(a.root()).hasSize(32);
        }
        for (ProofBundle.Entry e : b.records()) {
            assertThat(e.anchor()).isBetween(0, b.anchors().size() - 1);
            assertThat(e.proof().path()).allSatisfy(h -> assertThat(h).hasSize(32));
        }
        byte[] written = ProofBundleJson.write(b);
        assertThat(ProofBundleJson.write(ProofBundleJson.read(written))).isEqualTo(written);
    }
}
