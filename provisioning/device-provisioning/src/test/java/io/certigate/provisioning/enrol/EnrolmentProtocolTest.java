package io.certigate.provisioning.enrol;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certigate.cbor.CborWriter;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Install requests of the wrong shape are refused with a message that names the field. */
@Tag("unit")
class EnrolmentProtocolTest {

    @Test
    void namesTheFieldOfAMalformedInstallRequest() {
        assertThatThrownBy(() -> EnrolmentProtocol.decodeInstall(new CborWriter().arrayHeader(0).toByteArray()))
                .isInstanceOf(EnrolmentException.class).hasMessage("malformed install request: not a CBOR map");
        assertThatThrownBy(() -> EnrolmentProtocol.decodeInstall(new CborWriter().mapHeader(1).text("chain").mapHeader(0)
                .toByteArray())).hasMessage("malformed install request: 'chain' is not an array");
        assertThatThrownBy(() -> EnrolmentProtocol.decodeInstall(new CborWriter().mapHeader(1).text("chain").arrayHeader(1)
                .text("MIIB").toByteArray())).hasMessage("malformed install request: chain[0] is not a byte string");
        assertThatThrownBy(() -> EnrolmentProtocol.decodeInstall(new CborWriter().mapHeader(1).text("chain").arrayHeader(1)
                .bytes(new byte[] {0x30, 0x03, 0x02, 0x01}).toByteArray()))
                .hasMessageStartingWith("malformed install request: chain[0]: ");
        assertThatThrownBy(() -> EnrolmentProtocol.decodeInstall(new CborWriter().mapHeader(1).text("nonce").bytes(new byte[16])
                .toByteArray())).hasMessage("missing 'chain'");
    }
}
