package io.certigate.meter.coap;

/**
 * One SenML record after base-field resolution (RFC 8428 §4.6): full name, unit, time and exactly
 * the value kind that was present. Immutable.
 *
 * @param name        bn + n
 * @param unit        u or bu, or null
 * @param time        bt + t in seconds (absolute if ≥ 2^28, else relative to now; RFC 8428 §4.5.3)
 * @param value       bv + v, or null
 * @param stringValue vs, or null
 * @param boolValue   vb, or null
 * @param dataValue   vd (base64url text in JSON, decoded), or null
 * @param sum         bs + s, or null
 */
public record SenmlRecord(String name, String unit, double time, Double value, String stringValue, Boolean boolValue,
        byte[] dataValue, Double sum) {

    /** RFC 8428 §4.6: times below 2^28 are relative to the time of reception. */
    public static final double RELATIVE_LIMIT = 268_435_456.0;

    public boolean relativeTime() {
        return time < RELATIVE_LIMIT;
    }
}
