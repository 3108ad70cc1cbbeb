package io.certigate.core.export;

import io.certigate.core.model.ChainedReading;

/**
 * Which records an export (or an erasure) selects: a seq range, and optionally an observation
 * time range, a kind and a subject. Null filters select everything.
 */
public record Selection(long fromSeq, long toSeq, Long fromTimeMs, Long toTimeMs, String kind, String subject) {
    public static final Selection ALL = new Selection(1, Long.MAX_VALUE, null, null, null, null);

    public Selection {
        if (fromSeq < 1 || toSeq < fromSeq) {
            throw new IllegalArgumentException("seq range " + fromSeq + ".." + toSeq + " is empty or starts below 1");
        }
    }

    /** True when the reading passes the time, kind and subject filters. */
    public boolean matches(ChainedReading c) {
        long t = c.reading().observedAtMillis();
        return (fromTimeMs == null || t >= fromTimeMs) && (toTimeMs == null || t <= toTimeMs)
                && (kind == null || kind.equals(c.reading().kind()))
                && (subject == null || subject.equals(c.reading().subject()));
    }

    public boolean filtersPayload() {
        return fromTimeMs != null || toTimeMs != null || kind != null || subject != null;
    }
}
