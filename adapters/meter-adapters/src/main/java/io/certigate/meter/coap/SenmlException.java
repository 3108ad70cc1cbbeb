package io.certigate.meter.coap;

/** A SenML pack that cannot be used; {@link #problem()} decides the CoAP response code. */
public final class SenmlException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What is wrong, from the decoder's point of view. */
    public enum Problem {
        /** Not JSON/CBOR, not an array of maps, a field of the wrong type, a value out of range. */
        MALFORMED,
        /** A must-understand field (name ending in "_") or a newer base version. */
        UNSUPPORTED,
        /** A record without a name or without a value, or a pack without its sequence number. */
        MISSING_FIELD,
        /** A unit this gateway does not know, or the wrong unit for the measurement. */
        UNKNOWN_UNIT,
        /** A measurement name this gateway does not map to a reading. */
        UNKNOWN_MEASUREMENT
    }

    private final Problem problem;

    public SenmlException(Problem problem, String message) {
        super(message);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
