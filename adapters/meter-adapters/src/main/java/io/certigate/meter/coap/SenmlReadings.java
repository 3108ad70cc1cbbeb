package io.certigate.meter.coap;

import io.certigate.core.model.Reading;
import io.certigate.core.model.ReadingValue;
import io.certigate.core.model.TimeQuality;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Maps a resolved SenML pack from an authenticated sensor to readings (source
 * {@code coap:<sensor>}, subject = the sensor id) and extracts its sequence number. The sensor id
 * is the DTLS PSK identity, never a name inside the payload.
 */
public final class SenmlReadings {

    /** The readings of one pack and the sensor's sequence number that identifies it. */
    public record Pack(long sequence, List<Reading> readings) {
        public Pack {
            readings = List.copyOf(readings);
        }
    }

    private SenmlReadings() {}

    /**
     * @param sensorClockQuality time quality given to absolute SenML times (the sensor's clock)
     * @param gatewayClockQuality time quality of relative times, which the gateway's clock resolves
     */
    public static Pack map(String sensor, List<SenmlRecord> records, Instant now, TimeQuality sensorClockQuality,
            TimeQuality gatewayClockQuality) throws SenmlException {
        Long seq = null;
        List<Reading> out = new ArrayList<>(records.size());
        for (SenmlRecord r : records) {
            SenmlMeasurement m = SenmlMeasurement.of(r.name()).orElseThrow(() -> new SenmlException(
                    SenmlException.Problem.UNKNOWN_MEASUREMENT, "unknown measurement '" + r.name() + "'"));
            checkUnit(r, m);
            if (r.value() == null) {
                throw new SenmlException(SenmlException.Problem.MISSING_FIELD, "record '" + r.name() + "' needs a numeric value (v)");
            }
            if (m == SenmlMeasurement.SEQ) {
                double v = r.value();
                if (v < 0 || v != Math.rint(v) || v > 9.007199254740992E15) {
                    throw new SenmlException(SenmlException.Problem.MALFORMED, "seq must be a non-negative integer, got " + v);
                }
                if (seq != null && seq != (long) v) {
                    throw new SenmlException(SenmlException.Problem.MALFORMED, "two different seq values in one pack");
                }
                seq = (long) v;
                continue;
            }
            long t;
            TimeQuality tq;
            if (r.relativeTime()) {
                t = now.toEpochMilli() + Math.round(r.time() * 1000);
                tq = gatewayClockQuality;
            } else {
                t = Math.round(r.time() * 1000);
                tq = sensorClockQuality;
            }
            if (t < 0) {
                throw new SenmlException(SenmlException.Problem.MALFORMED, "record '" + r.name() + "' is before 1970");
            }
            out.add(new Reading(t, tq, "coap:" + sensor, m.kind(), sensor, value(r.value()), m.ucum()));
        }
        if (seq == null) {
            throw new SenmlException(SenmlException.Problem.MISSING_FIELD, "the pack has no 'seq' record (sensor sequence number)");
        }
        if (out.isEmpty()) {
            throw new SenmlException(SenmlException.Problem.MISSING_FIELD, "the pack has no measurement besides 'seq'");
        }
        return new Pack(seq, out);
    }

    private static void checkUnit(SenmlRecord r, SenmlMeasurement m) throws SenmlException {
        String u = r.unit();
        if (u != null && !SenmlMeasurement.KNOWN_SENML_UNITS.contains(u)) {
            throw new SenmlException(SenmlException.Problem.UNKNOWN_UNIT, "unknown SenML unit '" + u + "' in record '" + r.name() + "'");
        }
        if (m.senmlUnit() == null ? u != null && !u.equals("count") : !m.senmlUnit().equals(u)) {
            throw new SenmlException(u == null ? SenmlException.Problem.MISSING_FIELD : SenmlException.Problem.UNKNOWN_UNIT,
                    "record '" + r.name() + "' must be in " + (m.senmlUnit() == null ? "no unit" : "'" + m.senmlUnit() + "'")
                            + (u == null ? " (unit missing)" : ", not '" + u + "'"));
        }
    }

    /** Decimal values are kept exact as written (shortest decimal of the double). */
    private static ReadingValue value(double v) {
        BigDecimal d = new BigDecimal(Double.toString(v)).stripTrailingZeros();
        if (d.scale() < 0) {
            d = d.setScale(0);
        }
        if (d.unscaledValue().bitLength() > 63) {
            return ReadingValue.of(v);
        }
        return ReadingValue.of(d);
    }
}
