package io.certigate.core.port;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * A byte link to a device: a serial port, a pty, a TCP bridge to a Wi-Fi adapter, or a scripted
 * peer in a test. The adapters (OBD, TIC, RFID) only see this, so the same adapter runs on
 * jSerialComm, on a socket or on a simulator. A link is used by one thread at a time; it is opened
 * by an {@link Opener} and not reopened: after an I/O error the adapter closes it and opens a new one.
 */
public interface SerialLink extends Closeable {

    /** The port's name for logs and source ids, e.g. {@code ttyUSB0} or {@code tcp://192.168.0.10:35000}. */
    String name();

    /**
     * Reads what is available into {@code dst}, waiting at most {@code timeout} for the first byte.
     *
     * @return bytes read, 0 when the timeout passed without data
     * @throws java.io.EOFException when the peer closed the connection or the device went away
     * @throws IOException          when the link failed or was closed; the caller opens a new one
     */
    int read(ByteBuffer dst, Duration timeout) throws IOException;

    /** Writes all of {@code data}. */
    void write(byte[] data) throws IOException;

    /**
     * Changes the line settings of the open link (an ELM327's baud rate is probed this way, without
     * closing the port). A link without a serial line, such as a TCP bridge, ignores them.
     */
    void configure(SerialSettings settings) throws IOException;

    /** Closes the link; closing a closed link does nothing. */
    @Override
    void close();

    /** Opens links with given line settings: what a port path, a TCP address or a test wires in. */
    @FunctionalInterface
    interface Opener {
        /**
         * @throws IOException naming the port and the reason when it is missing or cannot be opened
         */
        SerialLink open(SerialSettings settings) throws IOException;
    }
}
