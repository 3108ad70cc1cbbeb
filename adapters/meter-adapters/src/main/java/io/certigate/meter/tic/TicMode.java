package io.certigate.meter.tic;

/**
 * The two TIC modes of a Linky meter (Enedis-NOI-CPT_54E): the historic mode kept for
 * compatibility with older meters, and the standard mode. Each fixes the serial speed and the
 * separator between the fields of a group; both use 7 data bits, even parity, 1 stop bit.
 */
public enum TicMode {
    /** 1200 baud, fields separated by SP; the checksum excludes the separator before it. */
    HISTORIC(1200, (byte) 0x20, false),
    /** 9600 baud, fields separated by HT; the checksum includes the separator before it. */
    STANDARD(9600, (byte) 0x09, true);

    private final int baudRate;
    private final byte separator;
    private final boolean checksumCoversLastSeparator;

    TicMode(int baudRate, byte separator, boolean checksumCoversLastSeparator) {
        this.baudRate = baudRate;
        this.separator = separator;
        this.checksumCoversLastSeparator = checksumCoversLastSeparator;
    }

    public int baudRate() {
        return baudRate;
    }

    public byte separator() {
        return separator;
    }

    public boolean checksumCoversLastSeparator() {
        return checksumCoversLastSeparator;
    }

    /** The checksum character of a group whose bytes between LF and the checksum are {@code body}. */
    public byte checksum(byte[] body, int from, int to) {
        int end = checksumCoversLastSeparator ? to : to - 1;
        int sum = 0;
        for (int i = from; i < end; i++) {
            sum += body[i] & 0xFF;
        }
        return (byte) ((sum & 0x3F) + 0x20);
    }
}
