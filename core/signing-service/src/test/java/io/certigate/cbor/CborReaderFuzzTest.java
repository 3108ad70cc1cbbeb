package io.certigate.cbor;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Tag;

/**
 * Fuzz target on the strict deterministic CBOR reader: any input decodes to an item or is refused
 * with a {@link CborFormatException} carrying an offset inside the input; nothing else escapes and
 * nothing hangs. An accepted input is deterministic by definition, so re-encoding the item gives
 * back exactly the same bytes (RFC 8949 §4.2.1).
 *
 * <p>{@code mvn test} replays the seeds in
 * {@code src/test/resources/io/certigate/cbor/CborReaderFuzzTestInputs/decode/}; {@code scripts/fuzz
 * cbor 10} fuzzes for ten minutes.
 */
@Tag("unit")
class CborReaderFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void decode(byte[] input) {
        CborItem item;
        try {
            item = CborReader.decode(input);
        } catch (CborFormatException e) {
            assertThat(e.offset()).isBetween(0, input.length);
            return;
        }
        assertThat(new CborWriter().item(item).toByteArray()).isEqualTo(input);
    }
}
