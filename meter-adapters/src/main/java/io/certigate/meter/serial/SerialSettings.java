package io.certigate.meter.serial;

import java.time.Duration;

/**
 * Line settings of a serial link.
 *
 * @param baudRate    bits per second
 * @param dataBits    7 or 8
 * @param parity      parity bit
 * @param stopBits    1 or 2
 * @param readTimeout how long one {@link SerialLink#read} waits for data
 */
public record SerialSettings(int baudRate, int dataBits, Parity parity, int stopBits, Duration readTimeout) {

    public enum Parity { NONE, EVEN, ODD }

    public SerialSettings {
        if (baudRate <= 0 || (dataBits != 7 && dataBits != 8) || (stopBits != 1 && stopBits != 2)) {
            throw new IllegalArgumentException("unsupported serial settings " + baudRate + " " + dataBits + parity + stopBits);
        }
        if (readTimeout.isNegative() || readTimeout.isZero()) {
            throw new IllegalArgumentException("read timeout must be positive");
        }
    }

    /** 7 data bits, even parity, 1 stop bit: the TIC line. */
    public static SerialSettings sevenEvenOne(int baud, Duration readTimeout) {
        return new SerialSettings(baud, 7, Parity.EVEN, 1, readTimeout);
    }

    /** 8 data bits, no parity, 1 stop bit. */
    public static SerialSettings eightNoneOne(int baud, Duration readTimeout) {
        return new SerialSettings(baud, 8, Parity.NONE, 1, readTimeout);
    }

    @Override
    public String toString() {
        return baudRate + " " + dataBits + parity.name().charAt(0) + stopBits;
    }
}
