package io.certigate.testbed.pty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one socat launcher: a pty pair is a cable; a pty socat cannot create is a clear error. */
@Tag("component")
class SocatTest {
    @TempDir
    Path dir;

    @Test
    void aPtyPairCarriesBytesFromTheDeviceToTheGateway() throws Exception {
        PtyPair pair = PtyPair.open(dir.resolve("ptys"));
        try (InputStream gateway = Files.newInputStream(pair.gatewaySide());
                OutputStream device = Files.newOutputStream(pair.deviceSide())) {
            assertThat(pair.alive()).isTrue();
            device.write("ADCO 041876097359 B\r\n".getBytes(StandardCharsets.US_ASCII));
            device.flush();
            byte[] read = gateway.readNBytes(21);
            assertThat(new String(read, StandardCharsets.US_ASCII)).isEqualTo("ADCO 041876097359 B\r\n");
        } finally {
            pair.close();
        }
        assertThat(pair.alive()).isFalse();
    }

    @Test
    void aLinkSocatCannotCreateIsAClearError() {
        Path link = dir.resolve("no-such-directory/tty");
        assertThatThrownBy(() -> Socat.start(List.of(link), Socat.pty(link), Socat.pty(dir.resolve("other"))))
                .isInstanceOf(IOException.class).hasMessageContaining("socat did not create").hasMessageContaining(link.toString());
    }
}
