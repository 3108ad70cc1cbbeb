package io.certigate.meter.rfid;

import java.nio.ByteBuffer;
import java.util.List;

/** An incremental reader-protocol decoder: bytes in, tag events out. */
public interface RfidDecoder {

    List<RfidEvent> accept(ByteBuffer in);

    /** A decoder for a reader's wire format. */
    static RfidDecoder of(RfidEvent.Format format) {
        if (format == RfidEvent.Format.EM4100) {
            Rdm6300FrameAssembler a = new Rdm6300FrameAssembler();
            return a::accept;
        }
        Wiegand26LineAssembler w = new Wiegand26LineAssembler();
        return w::accept;
    }
}
