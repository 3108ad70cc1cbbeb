package io.certigate.obd;

import com.fazecast.jSerialComm.SerialPort;
import com.fazecast.jSerialComm.SerialPortInvalidPortException;
import io.certigate.core.port.SerialPortPaths;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * A serial ELM327 adapter (USB, Bluetooth rfcomm, a pty) through jSerialComm, 8N1 without flow
 * control. The baud rate is configured, or probed over {@link #PROBE_RATES} by sending {@code ATI}
 * and waiting for the prompt (ELM327 datasheet: 38400 is the factory default, 9600 the other
 * strap setting; clones use the others).
 */
public final class JSerialCommLink implements SerialLink {
    private static final System.Logger LOG = System.getLogger(JSerialCommLink.class.getName());

    /** Rates tried in order when none is configured. */
    public static final List<Integer> PROBE_RATES = List.of(38400, 9600, 115200, 230400, 57600, 19200);

    private final String path;
    private final int configuredBaud;
    private final Duration probeTimeout;
    private SerialPort port;
    private int baud;

    /**
     * @param baud         the baud rate, or 0 to probe
     * @param probeTimeout how long to wait for a prompt at each probed rate
     */
    public JSerialCommLink(String path, int baud, Duration probeTimeout) {
        this.path = path;
        this.configuredBaud = baud;
        this.probeTimeout = probeTimeout;
    }

    @Override
    public String name() {
        return path;
    }

    /** The baud rate in use once open. */
    public int baudRate() {
        return baud;
    }

    @Override
    public void open() throws IOException {
        close();
        SerialPortPaths.requirePresent(path);
        SerialPort p;
        try {
            p = SerialPort.getCommPort(path);
        } catch (SerialPortInvalidPortException e) {
            throw new IOException(path + ": no such serial port: " + e.getMessage(), e);
        }
        int first = configuredBaud > 0 ? configuredBaud : PROBE_RATES.get(0);
        p.setComPortParameters(first, 8, SerialPort.ONE_STOP_BIT, SerialPort.NO_PARITY);
        p.setFlowControl(SerialPort.FLOW_CONTROL_DISABLED);
        if (!p.openPort()) {
            throw new IOException(SerialPortPaths.cannotOpen(path, p.getLastErrorCode()));
        }
        port = p;
        baud = first;
        if (configuredBaud == 0) {
            probe();
        }
    }

    private void probe() throws IOException {
        for (int rate : PROBE_RATES) {
            port.setBaudRate(rate);
            drain();
            write("\rATI\r".getBytes(StandardCharsets.US_ASCII));
            if (awaitPrompt()) {
                baud = rate;
                LOG.log(System.Logger.Level.INFO, "{0}: adapter answers at {1} baud", path, String.valueOf(rate));
                return;
            }
        }
        close();
        throw new IOException(path + ": no ELM327 prompt at any of " + PROBE_RATES + " baud (waited "
                + probeTimeout.toMillis() + " ms at each)");
    }

    private boolean awaitPrompt() throws IOException {
        byte[] buf = new byte[256];
        long deadline = System.nanoTime() + probeTimeout.toNanos();
        StringBuilder seen = new StringBuilder();
        while (System.nanoTime() < deadline) {
            int n = read(buf, Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime())));
            seen.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
            if (seen.indexOf(">") >= 0 && seen.indexOf("ELM") >= 0) {
                return true;
            }
        }
        return false;
    }

    private void drain() throws IOException {
        byte[] buf = new byte[256];
        while (read(buf, Duration.ofMillis(20)) > 0) {
            // discard bytes left from another rate
        }
    }

    @Override
    public int read(byte[] buffer, Duration timeout) throws IOException {
        SerialPort p = requireOpen();
        p.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING, (int) Math.max(1, timeout.toMillis()), 0);
        int n = p.readBytes(buffer, buffer.length);
        if (n < 0) {
            throw new EOFException(path + ": serial port went away (error " + p.getLastErrorCode() + ")");
        }
        return n;
    }

    @Override
    public void write(byte[] bytes) throws IOException {
        SerialPort p = requireOpen();
        int off = 0;
        while (off < bytes.length) {
            int n = p.writeBytes(bytes, bytes.length - off, off);
            if (n <= 0) {
                throw new IOException(path + ": write failed (error " + p.getLastErrorCode() + ")");
            }
            off += n;
        }
    }

    private SerialPort requireOpen() throws IOException {
        if (port == null) {
            throw new IOException(path + ": not open");
        }
        return port;
    }

    @Override
    public void close() {
        if (port != null) {
            port.closePort();
            port = null;
        }
    }
}
