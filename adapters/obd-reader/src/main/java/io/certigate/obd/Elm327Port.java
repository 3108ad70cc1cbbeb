package io.certigate.obd;

import io.certigate.core.port.SerialLink;
import io.certigate.core.port.SerialSettings;
import io.certigate.serial.jsc.JSerialCommLink;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * Where an ELM327 adapter is, as the operator names it, and how to open a {@link SerialLink} to
 * it: a serial device (USB, Bluetooth rfcomm, a pty) at 8N1 without flow control, or a Wi-Fi
 * adapter at {@code tcp://host[:port]}. A serial adapter's baud rate is configured, or probed over
 * {@link #PROBE_RATES} by sending {@code ATI} at each rate and waiting for the prompt (ELM327
 * datasheet: 38400 is the factory default, 9600 the other strap setting; clones use the others).
 * Probing changes the rate of the open port ({@link SerialLink#configure}) instead of reopening it.
 */
public final class Elm327Port {
    private static final System.Logger LOG = System.getLogger(Elm327Port.class.getName());

    /** Rates tried in order when none is configured. */
    public static final List<Integer> PROBE_RATES = List.of(38400, 9600, 115200, 230400, 57600, 19200);

    private final String name;
    private final SerialLink.Opener opener;
    private final List<Integer> rates;
    private final Duration probeTimeout;
    private volatile int baudRate;

    /**
     * @param name         the port as the operator wrote it, for messages
     * @param opener       opens the link (a TCP opener ignores the line settings)
     * @param rates        the baud rate to use, or several to probe in this order
     * @param probeTimeout how long to wait for a prompt at each probed rate
     */
    public Elm327Port(String name, SerialLink.Opener opener, List<Integer> rates, Duration probeTimeout) {
        if (rates.isEmpty()) {
            throw new IllegalArgumentException(name + ": no baud rate to open at");
        }
        this.name = name;
        this.opener = opener;
        this.rates = List.copyOf(rates);
        this.probeTimeout = probeTimeout;
    }

    /**
     * @param port    a serial device path or {@code tcp://host[:port]}
     * @param baud    the serial baud rate, 0 to probe; ignored for TCP
     * @param timeout connect timeout (TCP) or wait for a prompt at each probed rate (serial)
     * @throws IllegalArgumentException when a {@code tcp://} address has no host
     */
    public static Elm327Port forPort(String port, int baud, Duration timeout) {
        if (port.regionMatches(true, 0, "tcp://", 0, 6)) {
            return new Elm327Port(port, TcpLink.opener(port, timeout), List.of(PROBE_RATES.get(0)), timeout);
        }
        return new Elm327Port(port, JSerialCommLink.at(port), baud == 0 ? PROBE_RATES : List.of(baud), timeout);
    }

    public String name() {
        return name;
    }

    /** The baud rate the last open settled on; 0 before any. */
    public int baudRate() {
        return baudRate;
    }

    /**
     * Opens a link to the adapter, probing the baud rate when several are configured.
     *
     * @throws IOException when the port cannot be opened, or no rate gave an ELM327 prompt
     */
    public SerialLink open() throws IOException {
        SerialSettings line = SerialSettings.eightNoneOne(rates.get(0));
        SerialLink link = opener.open(line);
        if (rates.size() == 1) {
            baudRate = rates.get(0);
            return link;
        }
        try {
            for (int rate : rates) {
                link.configure(line.withBaudRate(rate));
                drain(link);
                link.write("\rATI\r".getBytes(StandardCharsets.US_ASCII));
                if (awaitPrompt(link)) {
                    baudRate = rate;
                    LOG.log(System.Logger.Level.INFO, "{0}: adapter answers at {1} baud", name, String.valueOf(rate));
                    return link;
                }
            }
        } catch (IOException e) {
            link.close();
            throw e;
        }
        link.close();
        throw new IOException(name + ": no ELM327 prompt at any of " + rates + " baud (waited " + probeTimeout.toMillis()
                + " ms at each)");
    }

    private boolean awaitPrompt(SerialLink link) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(256);
        StringBuilder seen = new StringBuilder();
        long deadline = System.nanoTime() + probeTimeout.toNanos();
        while (System.nanoTime() < deadline) {
            buf.clear();
            int n = link.read(buf, Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime())));
            seen.append(new String(buf.array(), 0, n, StandardCharsets.ISO_8859_1));
            if (seen.indexOf(">") >= 0 && seen.indexOf("ELM") >= 0) {
                return true;
            }
        }
        return false;
    }

    private static void drain(SerialLink link) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(256);
        while (link.read(buf, Duration.ofMillis(20)) > 0) {
            buf.clear(); // bytes left from another rate
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
