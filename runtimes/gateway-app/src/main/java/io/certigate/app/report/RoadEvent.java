package io.certigate.app.report;

import io.certigate.core.model.Reading;
import io.certigate.core.model.ReadingValue;
import io.certigate.motion.RoadShocks;
import java.util.OptionalLong;

/**
 * One located {@code road.shock} reading, as the road map places it.
 *
 * @param device   the device (vehicle box) that signed it
 * @param seq      its seq in that device's chain
 * @param atMillis the event's time, epoch ms
 * @param lat      latitude, decimal degrees
 * @param lon      longitude, decimal degrees
 * @param peakG    the peak vertical acceleration, g
 * @param speedKmh the vehicle's speed, km/h, or -1 when unknown
 * @param verified whether the verifier accepted the record (signature, chain link); false when it reported a failure at its seq
 */
public record RoadEvent(String device, long seq, long atMillis, double lat, double lon, double peakG, long speedKmh,
        boolean verified) {

    /** The event of {@code r} when it is a located {@code road.shock} reading, else null. */
    public static RoadEvent of(String device, long seq, Reading r, boolean verified) {
        if (!r.kind().equals(RoadShocks.KIND) || r.position() == null) {
            return null;
        }
        double peak = r.value() instanceof ReadingValue.Decimal d ? d.value().doubleValue()
                : r.value() instanceof ReadingValue.Int i ? i.value() : Double.NaN;
        OptionalLong speed = RoadShocks.number(r.flags(), RoadShocks.SPEED);
        return new RoadEvent(device, seq, r.observedAtMillis(), r.position().latitude().doubleValue(),
                r.position().longitude().doubleValue(), peak, speed.orElse(-1), verified);
    }
}
