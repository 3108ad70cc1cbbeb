package io.certigate.uplink;

import java.util.Locale;

/**
 * What an operator needs to know about an uplink, as one snapshot (read at each metrics scrape).
 *
 * @param connected         MQTT: connected to the broker; CoAP: the last exchange succeeded
 * @param recordsDelivered  records the peer acknowledged and the buffer marked delivered, since start
 * @param reconnects        attempts to get the link back after it failed (MQTT: connect retries
 *                          after a refusal, an unreachable broker or a lost connection; CoAP: retries
 *                          after a failed exchange), since start
 * @param lastProblem       the kind of the last failure, or null if none since start
 * @param lastProblemMillis clock time (epoch ms) of that failure, 0 if none
 */
public record UplinkHealth(boolean connected, long recordsDelivered, long reconnects, Problem lastProblem,
        long lastProblemMillis) {

    /** Why the link failed: a small fixed set, so that it can be a metric label. */
    public enum Problem {
        /** The broker refused the device's credentials (bad user, password or certificate). */
        CREDENTIALS,
        /** The TLS or DTLS handshake failed (CA, certificate, clock). */
        TLS,
        /** The peer could not be reached (connect refused, timeout, name resolution). */
        UNREACHABLE,
        /** An established connection was lost. */
        LOST,
        /** The peer answered with an error code (CoAP 4.xx/5.xx). */
        REJECTED;

        /** The label value: the name in lower case. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
