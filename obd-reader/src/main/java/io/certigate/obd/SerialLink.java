package io.certigate.obd;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;

/**
 * A byte stream to an ELM327 adapter: a serial port, a TCP socket to a Wi-Fi adapter, or a
 * simulator. Implementations are used by one thread at a time.
 */
public interface SerialLink extends Closeable {

    /** The port as the operator named it ({@code /dev/ttyUSB0}, {@code tcp://192.168.0.10:35000}). */
    String name();

    /** Opens the port; a link may be opened again after {@link #close()}. */
    void open() throws IOException;

    /**
     * Reads what is available into {@code buffer}, waiting at most {@code timeout} for the first
     * byte.
     *
     * @return the number of bytes read, 0 when the timeout passed without data
     * @throws java.io.EOFException when the peer closed the connection or the port went away
     */
    int read(byte[] buffer, Duration timeout) throws IOException;

    /** Writes all of {@code bytes}. */
    void write(byte[] bytes) throws IOException;

    /** Closes the port; closing a closed link does nothing. */
    @Override
    void close();
}
