package io.certigate.meter.rfid;

import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Suppresses the repeated reads of a tag held in front of a reader: a tag is reported when it was
 * not seen during the last {@code window}; every read, reported or not, restarts its window, so a
 * tag left on the reader is reported once. Time is passed in, nothing here reads a clock.
 */
public final class TagDebouncer {
    private final long windowMillis;
    private final Map<String, Long> lastSeen = new HashMap<>();

    public TagDebouncer(Duration window) {
        if (window.isNegative()) {
            throw new IllegalArgumentException("debounce window must not be negative");
        }
        this.windowMillis = window.toMillis();
    }

    /** True when this read of {@code tagId} at {@code nowMillis} should be reported. */
    public synchronized boolean accept(String tagId, long nowMillis) {
        Long last = lastSeen.put(tagId, nowMillis);
        if (lastSeen.size() > 1024) {
            evict(nowMillis);
        }
        return last == null || nowMillis - last >= windowMillis || nowMillis < last;
    }

    private void evict(long now) {
        for (Iterator<Long> it = lastSeen.values().iterator(); it.hasNext();) {
            if (now - it.next() >= windowMillis) {
                it.remove();
            }
        }
    }
}
