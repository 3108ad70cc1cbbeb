package io.certigate.obd;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/** What an ELM327 answered to one OBD request, as {@link Elm327Replies#parse} reads it. Immutable. */
public sealed interface ObdReply {

    /**
     * One or more ECUs answered with data.
     *
     * @param request   the request this answers
     * @param responses one per ECU message (a multi-frame message is reassembled into one), in order
     */
    record Data(ObdRequest request, List<EcuResponse> responses) implements ObdReply {
        public Data {
            Objects.requireNonNull(request, "request");
            responses = List.copyOf(responses);
            if (responses.isEmpty()) {
                throw new IllegalArgumentException("a data reply has at least one response");
            }
        }

        /** The first ECU's data bytes after the service and PID echo. */
        public byte[] first() {
            return responses.get(0).data();
        }

        /**
         * The answer of the primary ECU: with headers, the lowest id (the engine ECU, 7E8 on
         * 11-bit CAN, answers before transmission 7E9); without headers, the first printed.
         */
        public EcuResponse primary() {
            EcuResponse best = responses.get(0);
            for (EcuResponse r : responses) {
                if (r.header() != null && best.header() != null && r.header().compareTo(best.header()) < 0) {
                    best = r;
                }
            }
            return best;
        }
    }

    /** The adapter reported a condition instead of data (NO DATA, UNABLE TO CONNECT, ...). */
    record Condition(ObdRequest request, ElmCondition condition, String raw) implements ObdReply {
        public Condition {
            Objects.requireNonNull(condition, "condition");
        }
    }

    /** An ECU refused the request with a negative response ({@code 7F mode NRC}). */
    record Negative(ObdRequest request, String header, int responseCode) implements ObdReply {}

    /**
     * One ECU's answer.
     *
     * @param header the CAN id or legacy header as printed (e.g. {@code 7E8}), or null when headers are off
     * @param data   the bytes after the response service byte and the PID echo
     */
    record EcuResponse(String header, byte[] data) {
        public EcuResponse {
            data = data.clone();
        }

        @Override
        public byte[] data() {
            return data.clone();
        }

        public int length() {
            return data.length;
        }

        /** Data byte {@code i} as an unsigned int. */
        public int at(int i) {
            return data[i] & 0xFF;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof EcuResponse r && Objects.equals(header, r.header) && Arrays.equals(data, r.data);
        }

        @Override
        public int hashCode() {
            return 31 * Objects.hashCode(header) + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return (header == null ? "" : header + ":") + HexFormat.ofDelimiter(" ").withUpperCase().formatHex(data);
        }
    }
}
