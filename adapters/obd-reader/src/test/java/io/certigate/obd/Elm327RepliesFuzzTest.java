package io.certigate.obd;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Tag;

/**
 * Fuzz target on the reply parser: whatever text comes from an adapter, parsing ends with a typed
 * reply or an {@link ObdReplyException}, never another exception and never a hang; decoding a
 * data reply (PID values, VIN) behaves the same way.
 *
 * <p>In a normal {@code mvn test} this runs in Jazzer's regression mode over the seed inputs in
 * {@code src/test/resources/io/certigate/obd/Elm327RepliesFuzzTestInputs/parse/}. Fuzz for real
 * with {@code JAZZER_FUZZ=1 mvn -pl obd-reader test -Dtest=Elm327RepliesFuzzTest}.
 *
 * <p>Input layout: byte 0 picks the request (low nibble) and the header layout (bits 4-5); the
 * rest is the reply text, ISO-8859-1.
 */
@Tag("unit")
class Elm327RepliesFuzzTest {
    private static final List<ObdRequest> REQUESTS = List.of(ObdRequest.of(0x01, 0x00), ObdRequest.of(0x01, 0x0D),
            ObdRequest.of(0x01, 0x0C), ObdRequest.of(0x01, 0xA6), ObdRequest.of(0x09, 0x02), ObdRequest.of(0x01, 0x20),
            ObdRequest.of(0x01, 0x31), ObdRequest.of(0x01, 0x05), ObdRequest.of(0x03, ObdRequest.NO_PID));

    @FuzzTest(maxDuration = "60s")
    void parse(byte[] input) {
        if (input.length == 0) {
            return;
        }
        ObdRequest request = REQUESTS.get((input[0] & 0x0F) % REQUESTS.size());
        HeaderLayout layout = HeaderLayout.values()[(input[0] >> 4) & 0x03];
        String raw = new String(input, 1, input.length - 1, StandardCharsets.ISO_8859_1);
        ObdReply reply;
        try {
            reply = Elm327Replies.parse(request, layout, raw);
        } catch (ObdReplyException e) {
            if (e.raw() == null) {
                throw new AssertionError("exception without its raw reply", e);
            }
            return;
        }
        if (reply instanceof ObdReply.Data data) {
            decode(data, raw);
        }
    }

    private static void decode(ObdReply.Data data, String raw) {
        try {
            if (data.request().mode() == 0x09) {
                Vin.fromReply(data, raw);
            } else if (data.request().mode() == 0x01 && data.request().pid() % 0x20 == 0) {
                SupportedPids.none().with(data);
            } else if (data.request().mode() == 0x01) {
                ObdPid pid = ObdPid.of(data.request().pid());
                if (pid != null) {
                    pid.decode(data.responses().get(0), raw);
                }
            }
        } catch (ObdReplyException e) {
            // a reply with wrong content is reported, as it should be
        }
    }
}
