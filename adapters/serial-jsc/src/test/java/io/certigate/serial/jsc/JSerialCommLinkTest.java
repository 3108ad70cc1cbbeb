package io.certigate.serial.jsc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certigate.core.port.SerialLink;
import io.certigate.core.port.SerialSettings;
import io.certigate.testbed.pty.PtyPair;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** jSerialComm on a socat pty pair (a serial cable) and on device nodes that are not serial ports. */
@Tag("component")
class JSerialCommLinkTest {
    private static final Duration WAIT = Duration.ofSeconds(2);

    @TempDir
    Path dir;

    @Test
    void aMissingDeviceNodeIsAnIoErrorNamingThePathAndTheReason() {
        String path = dir.resolve("ttyUSB0").toString();
        assertThatThrownBy(() -> JSerialCommLink.at(path).open(SerialSettings.sevenEvenOne(1200)))
                .isInstanceOf(NoSuchFileException.class).hasMessageContaining(path)
                .hasMessageContaining("no such file or directory");
    }

    @Test
    void aFileThatIsNoTerminalIsRefusedWithTheOsReason() throws IOException {
        Path file = Files.createFile(dir.resolve("not-a-tty"));
        assertThatThrownBy(() -> JSerialCommLink.open(file.toString(), SerialSettings.eightNoneOne(9600)))
                .isInstanceOf(IOException.class).hasMessageContaining(file.toString())
                .hasMessageContaining("cannot open the serial port").hasMessageContaining("9600 8N1");
    }

    @Test
    void bytesCrossThePairInBothDirectionsAndAQuietLineReadsZero() throws Exception {
        try (PtyPair pty = PtyPair.open(dir.resolve("pty"));
                SerialLink gw = JSerialCommLink.open(pty.gatewaySide().toString(), SerialSettings.eightNoneOne(38400));
                SerialLink dev = JSerialCommLink.open(pty.deviceSide().toString(), SerialSettings.eightNoneOne(38400))) {
            assertThat(gw.name()).isEqualTo("ttyGW");
            dev.write("ELM327 v1.5\r\r>".getBytes(StandardCharsets.US_ASCII));
            assertThat(readUntil(gw, '>')).isEqualTo("ELM327 v1.5\r\r>");
            gw.configure(SerialSettings.eightNoneOne(9600));
            gw.write("ATI\r".getBytes(StandardCharsets.US_ASCII));
            assertThat(readUntil(dev, '\r')).isEqualTo("ATI\r");
            assertThat(gw.read(ByteBuffer.allocate(16), Duration.ofMillis(50))).as("nothing was sent").isZero();
        }
    }

    @Test
    void aClosedLinkFailsItsReadsAndWrites() throws Exception {
        try (PtyPair pty = PtyPair.open(dir.resolve("pty"))) {
            SerialLink gw = JSerialCommLink.open(pty.gatewaySide().toString(), SerialSettings.sevenEvenOne(1200));
            gw.close();
            gw.close();
            assertThatThrownBy(() -> gw.read(ByteBuffer.allocate(8), WAIT)).isInstanceOf(IOException.class)
                    .hasMessageContaining(pty.gatewaySide().toString()).hasMessageContaining("closed");
            assertThatThrownBy(() -> gw.write(new byte[] { 1 })).isInstanceOf(IOException.class)
                    .hasMessageContaining("closed");
        }
    }

    private static String readUntil(SerialLink link, char last) throws IOException {
        StringBuilder seen = new StringBuilder();
        ByteBuffer buf = ByteBuffer.allocate(64);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (seen.indexOf(String.valueOf(last)) < 0 && System.nanoTime() < deadline) {
            buf.clear();
            int n = link.read(buf, Duration.ofMillis(100));
            seen.append(new String(buf.array(), 0, n, StandardCharsets.US_ASCII));
        }
        return seen.toString();
    }
}
