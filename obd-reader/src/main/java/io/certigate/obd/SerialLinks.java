package io.certigate.obd;

import java.time.Duration;

/** Makes the link for a port as an operator writes it: a device path or {@code tcp://host:port}. */
public final class SerialLinks {
    private SerialLinks() {}

    /**
     * @param port a serial device path or {@code tcp://host[:port]}
     * @param baud the serial baud rate, 0 to probe; ignored for TCP
     */
    public static SerialLink forPort(String port, int baud, Duration timeout) {
        if (port.regionMatches(true, 0, "tcp://", 0, 6)) {
            return TcpLink.parse(port, timeout);
        }
        return new JSerialCommLink(port, baud, timeout);
    }
}
