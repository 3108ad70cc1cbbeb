package io.certigate.core.port;

/**
 * Line settings of a serial link; how long a read waits is an argument of each
 * {@link SerialLink#read}, not a line setting.
 *
 * @param baudRate bits per second
 * @param dataBits 7 or 8
 * @param parity   parity bit
 * @param stopBits 1 or 2
 */
public record SerialSettings(int baudRate, int dataBits, Parity parity, int stopBits) {

    public enum Parity { NONE, EVEN, ODD }

    public SerialSettings {
        if (parity == null || baudRate <= 0 || (dataBits != 7 && dataBits != 8) || (stopBits != 1 && stopBits != 2)) {
            throw new IllegalArgumentException("unsupported serial settings: baud " + baudRate + ", data bits " + dataBits
                    + ", parity " + parity + ", stop bits " + stopBits + " (data bits 7 or 8, stop bits 1 or 2)");
        }
    }

    /** 7 data bits, even parity, 1 stop bit: the Linky TIC line. */
    public static SerialSettings sevenEvenOne(int baud) {
        return new SerialSettings(baud, 7, Parity.EVEN, 1);
    }

    /** 8 data bits, no parity, 1 stop bit: RFID readers, ELM327 adapters. */
    public static SerialSettings eightNoneOne(int baud) {
        return new SerialSettings(baud, 8, Parity.NONE, 1);
    }

    /** The same line at another speed. */
    public SerialSettings withBaudRate(int baud) {
        return new SerialSettings(baud, dataBits, parity, stopBits);
    }

    /** As technicians write it: {@code 1200 7E1}. */
    @Override
    public String toString() {
        return baudRate + " " + dataBits + parity.name().charAt(0) + stopBits;
    }
}
