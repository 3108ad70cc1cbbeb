package io.certigate.gnss;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Tag;

/**
 * Fuzz target on the whole NMEA path (framing, checksum, decoding, epoch merge): whatever bytes
 * come from a receiver, in whatever chunks, nothing is thrown, every byte is either part of a
 * decoded sentence or counted, and a fix that comes out is consistent (a position only with a
 * valid fix, within the coordinate ranges).
 *
 * <p>In a normal {@code mvn test} this runs in Jazzer's regression mode over the seed inputs in
 * {@code src/test/resources/io/certigate/gnss/NmeaReceiverFuzzTestInputs/accept/}. Fuzz for real
 * with {@code scripts/fuzz nmea}.
 *
 * <p>Input layout: byte 0 is the chunk length (1..256) the rest is fed in.
 */
@Tag("unit")
class NmeaReceiverFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void accept(byte[] input) {
        if (input.length == 0) {
            return;
        }
        int chunk = (input[0] & 0xFF) + 1;
        NmeaReceiver r = new NmeaReceiver(NmeaReceiverFuzzTest::check);
        long decoded = 0;
        for (int i = 1; i < input.length; i += chunk) {
            decoded += r.accept(ByteBuffer.wrap(input, i, Math.min(chunk, input.length - i)), i, i);
        }
        NmeaStats.Counts c = r.stats().counts();
        if (c.sentences() != decoded || c.unknown() < 0 || c.bad() < 0) {
            throw new AssertionError("counts do not add up: " + c + ", decoded " + decoded);
        }
        if (r.latest() != null && r.latest().position(Long.MAX_VALUE).isPresent() != r.latest().hasPosition()) {
            throw new AssertionError("position without a valid fix: " + r.latest());
        }
    }

    private static void check(GnssFix f) {
        if (f.hasPosition()) {
            f.position(f.receivedNanos()); // Position's own range checks
        } else if (f.latitude() != null && !f.valid()) {
            throw new AssertionError("coordinates on an invalid fix: " + f);
        }
    }
}
