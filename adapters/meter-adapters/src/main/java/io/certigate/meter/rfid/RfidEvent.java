package io.certigate.meter.rfid;

/** What a reader decoder makes of a frame: a tag, or a rejected frame with its bytes. */
public sealed interface RfidEvent {

    /** The wire formats the decoders understand. */
    enum Format { EM4100, WIEGAND26 }

    /**
     * @param id     tag id, the reading's subject: 10 upper-case hex characters for EM4100
     *               (version byte and card number), {@code W26-FFF-CCCCC} for Wiegand-26
     * @param number the card number (EM4100: last 4 bytes; Wiegand: the 16-bit card field)
     * @param format where it came from
     */
    record Tag(String id, long number, Format format) implements RfidEvent {}

    /**
     * @param raw    the frame's bytes, control characters escaped
     * @param reason why it was rejected
     */
    record Rejected(String raw, String reason) implements RfidEvent {}
}
