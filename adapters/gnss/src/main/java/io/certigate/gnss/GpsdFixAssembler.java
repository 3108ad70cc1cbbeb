package io.certigate.gnss;

/**
 * Merges gpsd's reports into a {@link GnssFix}: each TPV is one epoch (time, validity from its mode,
 * position, speed, track); the latest SKY adds HDOP and satellite counts. Not thread-safe.
 */
public final class GpsdFixAssembler {
    private GpsdReports.Sky sky;
    private GnssFix latest;

    /** @return the updated fix, or null when the report changes none (VERSION, DEVICES, ...) */
    public GnssFix accept(GpsdReports.Report r, long millis, long nanos) {
        if (r instanceof GpsdReports.Sky s) {
            sky = s;
            if (latest == null) {
                return null;
            }
            latest = new GnssFix(latest.utc(), latest.valid(), latest.latitude(), latest.longitude(), s.hdop(), s.used(),
                    s.inView(), latest.speedKmh(), latest.courseDegrees(), latest.receivedAtMillis(), latest.receivedNanos());
            return latest;
        }
        if (r instanceof GpsdReports.Tpv t) {
            boolean valid = t.mode() >= 2 && t.latitude() != null && t.longitude() != null;
            latest = new GnssFix(t.time(), valid, valid ? t.latitude() : null, valid ? t.longitude() : null,
                    sky == null ? null : sky.hdop(), sky == null ? -1 : sky.used(), sky == null ? -1 : sky.inView(),
                    t.speedKmh(), t.trackDegrees(), millis, nanos);
            return latest;
        }
        return null;
    }

    public GnssFix latest() {
        return latest;
    }
}
