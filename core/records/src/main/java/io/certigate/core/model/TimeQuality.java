package io.certigate.core.model;

/** How trustworthy a reading's observation time is; the {@code tq} field of a Reading. */
public enum TimeQuality {
    /** From a GNSS fix. */
    GNSS("gnss"),
    /** From a clock disciplined by NTP. */
    NTP("ntp"),
    /** From a free-running real-time clock. */
    RTC("rtc"),
    /** The source gave no usable time (for example a meter whose clock is degraded). */
    NONE("none");

    private final String code;

    TimeQuality(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    public static TimeQuality fromCode(String code) {
        for (TimeQuality q : values()) {
            if (q.code.equals(code)) {
                return q;
            }
        }
        throw new IllegalArgumentException("unknown time quality '" + code + "' (expected gnss, ntp, rtc or none)");
    }
}
