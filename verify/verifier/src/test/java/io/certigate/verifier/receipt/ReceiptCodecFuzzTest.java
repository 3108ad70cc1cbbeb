package io.certigate.verifier.receipt;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Tag;

/**
 * Fuzz target on the receipt reader: any input is a {@link Receipt} or a
 * {@link ReceiptFormatException}; nothing else escapes. An accepted receipt is in the one layout
 * the codec writes: encoding its parts again gives the input's bytes. Its verification against an
 * arbitrary entry and key runs without escaping either.
 *
 * <p>{@code mvn test} replays the seeds in
 * {@code src/test/resources/io/certigate/verifier/receipt/ReceiptCodecFuzzTestInputs/parse/} (a valid
 * receipt and corrupted ones: cut short, wrong vds, attached payload, an unwrapped proof, a 31-byte
 * path hash, an untagged array); {@code scripts/fuzz receipt 10} fuzzes for ten minutes.
 */
@Tag("unit")
class ReceiptCodecFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void parse(byte[] input) {
        Receipt r;
        try {
            r = ReceiptCodec.parse(input);
        } catch (ReceiptFormatException e) {
            return;
        }
        assertThat(ReceiptCodec.encode(r.protectedHeader(), r.proof(), r.signature())).isEqualTo(input);
        assertThat(r.proof().path()).allSatisfy(h -> assertThat(h).hasSize(32));
    }
}
