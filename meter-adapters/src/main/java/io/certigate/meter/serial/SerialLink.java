package io.certigate.meter.serial;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A byte link to a device: a serial port, a pty, a TCP bridge or a simulator. The adapters only
 * see this, so the same adapter runs on jSerialComm, on another transport, or in a test.
 */
public interface SerialLink extends Closeable {

    /**
     * Reads what is available into {@code dst}, waiting at most the link's read timeout.
     *
     * @return bytes read, 0 when the timeout passed without data
     * @throws IOException when the link failed or was closed; the caller reopens it
     */
    int read(ByteBuffer dst) throws IOException;

    /** Writes all of {@code data}. */
    void write(byte[] data) throws IOException;

    /** The port's name for logs and source ids, e.g. {@code ttyUSB0}. */
    String name();

    /** Opens links with given settings; what a port path or a test wires in. */
    @FunctionalInterface
    interface Opener {
        SerialLink open(SerialSettings settings) throws IOException;
    }
}
