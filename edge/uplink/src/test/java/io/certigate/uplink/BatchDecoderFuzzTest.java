package io.certigate.uplink;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.certigate.cbor.CborFormatException;
import io.certigate.cbor.CborReader;
import io.certigate.core.model.ReadingCodec;
import io.certigate.core.model.RecordFormatException;
import io.certigate.signing.CoseException;
import io.certigate.signing.CoseSign1;
import java.io.ByteArrayOutputStream;
import java.util.List;
import org.junit.jupiter.api.Tag;

/**
 * Fuzz target on what the collector runs on a broker payload: {@link BatchDecoder#items} returns
 * the items or throws {@link BatchDecoder.BatchFormatException} with an offset inside the payload;
 * the items are non-empty and, put back together after the array head, are exactly the payload.
 * Each item then goes where the fleet's {@code RecordCollector} sends it (a tagged item to
 * {@link CoseSign1#parse} and {@link ReadingCodec#decode}, anything else to the tombstone's
 * {@link CborReader}); each of those ends with a value or its own format exception.
 *
 * <p>{@code mvn test} replays the seeds in
 * {@code src/test/resources/io/certigate/uplink/BatchDecoderFuzzTestInputs/items/};
 * {@code scripts/fuzz batch 10} fuzzes for ten minutes.
 */
@Tag("unit")
class BatchDecoderFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void items(byte[] payload) {
        List<byte[]> items;
        try {
            items = BatchDecoder.items(payload);
        } catch (BatchDecoder.BatchFormatException e) {
            assertThat(e.offset()).isBetween(0, payload.length);
            return;
        }
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (byte[] item : items) {
            assertThat(item).isNotEmpty();
            joined.writeBytes(item);
        }
        byte[] body = joined.toByteArray();
        assertThat(body.length).isLessThan(payload.length);
        assertThat(java.util.Arrays.copyOfRange(payload, payload.length - body.length, payload.length)).isEqualTo(body);
        for (byte[] item : items) {
            collect(item);
        }
    }

    private static void collect(byte[] item) {
        try {
            if ((item[0] & 0xff) == 0xd2) {
                ReadingCodec.decode(CoseSign1.parse(item).payload());
            } else {
                CborReader.decode(item);
            }
        } catch (CoseException | RecordFormatException | CborFormatException e) {
            // refused as malformed, which the collector counts
        }
    }
}
