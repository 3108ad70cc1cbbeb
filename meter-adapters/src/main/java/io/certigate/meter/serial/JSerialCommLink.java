package io.certigate.meter.serial;

import com.fazecast.jSerialComm.SerialPort;
import com.fazecast.jSerialComm.SerialPortInvalidPortException;
            // an unplugged USB adapter: its device node is gone. An I/O error, so that the reader retries
import io.certigate.core.port.SerialPortPaths;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * A {@link SerialLink} on jSerialComm. Opens a port by path (a pty path works too; jSerialComm does
 * not list {@code /dev/pts/*} but opens it). Reads are semi-blocking with the settings' timeout.
 */
public final class JSerialCommLink implements SerialLink {
    private final SerialPort port;
    private final String name;
    private final byte[] chunk = new byte[512];

    private JSerialCommLink(SerialPort port, String name) {
        this.port = port;
        this.name = name;
    }

    /** An opener for the port at {@code path}. */
    public static SerialLink.Opener at(String path) {
        return settings -> open(path, settings);
    }

    /**
     * @throws IOException naming the path and the operating system's reason when the port is missing
     *                     or cannot be opened
     */
    public static JSerialCommLink open(String path, SerialSettings s) throws IOException {
        SerialPortPaths.requirePresent(path);
        SerialPort p;
        try {
            p = SerialPort.getCommPort(path);
        } catch (SerialPortInvalidPortException e) {
            // an unplugged USB adapter: its device node is gone. An I/O error, so that the reader retries
            throw new IOException(path + ": not a serial port: " + e.getMessage(), e);
        }
        int parity = s.parity() == SerialSettings.Parity.EVEN ? SerialPort.EVEN_PARITY
                : s.parity() == SerialSettings.Parity.ODD ? SerialPort.ODD_PARITY : SerialPort.NO_PARITY;
        p.setComPortParameters(s.baudRate(), s.dataBits(), s.stopBits() == 2 ? SerialPort.TWO_STOP_BITS : SerialPort.ONE_STOP_BIT,
                parity);
        p.setFlowControl(SerialPort.FLOW_CONTROL_DISABLED);
        p.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING, (int) Math.max(1, s.readTimeout().toMillis()), 0);
        if (!p.openPort()) {
            throw new IOException(SerialPortPaths.cannotOpen(path, p.getLastErrorCode()) + " (" + s + ")");
        }
        Path fileName = Path.of(path).getFileName();
        return new JSerialCommLink(p, fileName == null ? path : fileName.toString());
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (!port.isOpen()) {
            throw new IOException("serial port " + name + " is closed");
        }
        int n = port.readBytes(chunk, Math.min(chunk.length, dst.remaining()));
        if (n < 0) {
            throw new IOException("serial port " + name + " read failed, error code " + port.getLastErrorCode());
        }
        dst.put(chunk, 0, n);
        return n;
    }

    @Override
    public void write(byte[] data) throws IOException {
        int off = 0;
        while (off < data.length) {
            int n = port.writeBytes(data, data.length - off, off);
            if (n < 0) {
                throw new IOException("serial port " + name + " write failed, error code " + port.getLastErrorCode());
            }
            off += n;
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void close() {
        port.closePort();
    }
}
