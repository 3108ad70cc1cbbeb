package io.certigate.obd;

import java.io.IOException;

/** What a vehicle offers: supported-PID discovery (01 00, 01 20, ... 01 C0) and the VIN (09 02). */
public final class ObdDiscovery {
    private ObdDiscovery() {}

    /**
     * Asks the bitmap PIDs in turn while the previous bitmap says the next one exists. A bitmap
     * PID answered by a condition (NO DATA) ends discovery with what was found so far.
     */
    public static SupportedPids supportedPids(Elm327Session session)
            throws IOException, Elm327Exception, ObdReplyException, InterruptedException {
        SupportedPids pids = SupportedPids.none();
        for (int base : SupportedPids.RANGES) {
            if (base != 0 && !pids.continuesAfter(base - 0x20)) {
                break;
            }
            ObdReply reply = session.query(ObdRequest.of(0x01, base));
            if (!(reply instanceof ObdReply.Data data)) {
                break;
            }
            pids = pids.with(data);
        }
        return pids;
    }

    /**
     * Reads the VIN.
     *
     * @return the VIN, or null when the vehicle does not answer service 09 PID 02 (NO DATA, a
     *         negative response): VIN reporting was optional before model year 2005
     * @throws ObdReplyException when an answer came but is no valid VIN
     */
    public static Vin vin(Elm327Session session) throws IOException, Elm327Exception, ObdReplyException, InterruptedException {
        ObdRequest request = ObdRequest.of(0x09, 0x02);
        String raw = session.command(request.command(), java.time.Duration.ofSeconds(3));
        ObdReply reply = Elm327Replies.parse(request, session.layout(), raw);
        if (reply instanceof ObdReply.Data data) {
            return Vin.fromReply(data, raw);
        }
        return null;
    }
}
