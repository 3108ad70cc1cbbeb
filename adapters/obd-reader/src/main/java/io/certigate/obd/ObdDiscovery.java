package io.certigate.obd;

import java.io.IOException;
import java.util.function.Consumer;

/** What a vehicle offers: supported-PID discovery (01 00, 01 20, ... 01 C0) and the VIN (09 02). */
public final class ObdDiscovery {
    private ObdDiscovery() {}

    /** Attempts per bitmap PID before discovery gives up. */
    static final int ATTEMPTS = 3;

    /**
     * Asks the bitmap PIDs in turn while the previous bitmap says the next one exists. A bitmap
     * answered by a condition (NO DATA) or a malformed reply is asked again (the vehicle announced
     * it, so silence is transient); after {@link #ATTEMPTS} tries discovery fails rather than
     * report PIDs as unsupported that the vehicle may support. A negative response ends discovery.
     *
     * @param malformed told of every malformed reply met on the way (to count and log it)
     * @throws Elm327Exception when a bitmap stays unanswered
     */
    public static SupportedPids supportedPids(Elm327Session session, Consumer<ObdReplyException> malformed)
            throws IOException, Elm327Exception, InterruptedException {
        SupportedPids pids = SupportedPids.none();
        for (int base : SupportedPids.RANGES) {
            if (base != 0 && !pids.continuesAfter(base - 0x20)) {
                break;
            }
            ObdRequest request = ObdRequest.of(0x01, base);
            SupportedPids next = null;
            String last = null;
            for (int attempt = 0; attempt < ATTEMPTS && next == null; attempt++) {
                try {
                    ObdReply reply = session.query(request);
                    if (reply instanceof ObdReply.Negative) {
                        return pids;
                    }
                    if (reply instanceof ObdReply.Data data) {
                        next = pids.with(data);
                    } else {
                        last = ((ObdReply.Condition) reply).raw();
                    }
                } catch (ObdReplyException e) {
                    malformed.accept(e);
                    last = e.raw();
                }
            }
            if (next == null) {
                throw new Elm327Exception(session.port(), request.command(), "supported-PIDs bitmap not answered after "
                        + ATTEMPTS + " attempts", last);
            }
            pids = next;
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
