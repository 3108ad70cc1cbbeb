package io.certigate.serial.jsc;

import com.fazecast.jSerialComm.SerialPort;
import com.fazecast.jSerialComm.SerialPortInvalidPortException;
import io.certigate.core.port.SerialLink;
import io.certigate.core.port.SerialPortPaths;
import io.certigate.core.port.SerialSettings;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A {@link SerialLink} on jSerialComm, without flow control. Opens a port by path; a pty works too
 * (jSerialComm does not list {@code /dev/pts/*} but opens it). Reads are semi-blocking: they return
 * what arrived as soon as something did, or 0 after the read's timeout. The link's name is the
 * device's file name ({@code ttyUSB0}), which adapters put in source ids.
 */
public final class JSerialCommLink implements SerialLink {
    private final SerialPort port;
    private final String path;
    private final String name;
    private final byte[] chunk = new byte[512];
    private int readTimeoutMs;

    private JSerialCommLink(SerialPort port, String path, int readTimeoutMs) {
        this.port = port;
        this.path = path;
        Path fileName = Path.of(path).getFileName();
        this.name = fileName == null ? path : fileName.toString();
        this.readTimeoutMs = readTimeoutMs;
    }

    /** An opener for the port at {@code path}. */
    public static SerialLink.Opener at(String path) {
        return settings -> open(path, settings);
    }

    /**
     * Opens the port at {@code path} with the given line settings.
     *
     * @throws IOException naming the path and the operating system's reason when the port is missing
     *                     or cannot be opened; an unplugged USB adapter (its device node gone) is an
     *                     I/O error too, so that a reader retries instead of dying
     */
    public static JSerialCommLink open(String path, SerialSettings settings) throws IOException {
        SerialPortPaths.requirePresent(path);
        SerialPort p;
        try {
            p = SerialPort.getCommPort(path);
        } catch (SerialPortInvalidPortException e) {
            // the node vanished between the check and here: jSerialComm's unchecked exception
            throw new IOException(path + ": no such serial port: " + e.getMessage(), e);
        }
        apply(p, settings);
        p.setFlowControl(SerialPort.FLOW_CONTROL_DISABLED);
        int timeout = 200;
        p.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING, timeout, 0);
        if (!p.openPort()) {
            throw new IOException(SerialPortPaths.cannotOpen(path, p.getLastErrorCode()) + " (" + settings + ")");
        }
        return new JSerialCommLink(p, path, timeout);
    }

    private static boolean apply(SerialPort p, SerialSettings s) {
        int parity = switch (s.parity()) {
            case EVEN -> SerialPort.EVEN_PARITY;
            case ODD -> SerialPort.ODD_PARITY;
            case NONE -> SerialPort.NO_PARITY;
        };
        return p.setComPortParameters(s.baudRate(), s.dataBits(),
                s.stopBits() == 2 ? SerialPort.TWO_STOP_BITS : SerialPort.ONE_STOP_BIT, parity);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int read(ByteBuffer dst, Duration timeout) throws IOException {
        requireOpen();
        int ms = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
        if (ms != readTimeoutMs) {
            port.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING, ms, 0);
            readTimeoutMs = ms;
        }
        int n = port.readBytes(chunk, Math.min(chunk.length, dst.remaining()));
        if (n < 0) {
            throw new EOFException(path + ": serial port went away (error " + port.getLastErrorCode() + ")");
        }
        dst.put(chunk, 0, n);
        return n;
    }

    @Override
    public void write(byte[] data) throws IOException {
        requireOpen();
        int off = 0;
        while (off < data.length) {
            int n = port.writeBytes(data, data.length - off, off);
            if (n <= 0) {
                throw new IOException(path + ": write failed (error " + port.getLastErrorCode() + ")");
            }
            off += n;
        }
    }

    @Override
    public void configure(SerialSettings settings) throws IOException {
        requireOpen();
        if (!apply(port, settings)) {
            throw new IOException(path + ": cannot set " + settings + ": " + SerialPortPaths.reason(port.getLastErrorCode()));
        }
    }

    private void requireOpen() throws IOException {
        if (!port.isOpen()) {
            throw new IOException(path + ": serial port is closed");
        }
    }

    @Override
    public void close() {
        port.closePort();
    }
}
