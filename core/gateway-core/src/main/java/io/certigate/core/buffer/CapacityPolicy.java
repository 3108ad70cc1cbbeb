package io.certigate.core.buffer;

/** What the buffer does when it holds its configured maximum number of records. */
public enum CapacityPolicy {
    /** Refuse new readings with a clear error until records are purged or the limit raised. */
    REJECT,
    /** Delete the oldest records that are both delivered and anchored; refuse if there are none. */
    PURGE_DELIVERED_AND_ANCHORED;

    public static CapacityPolicy parse(String s) {
        switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "reject":
                return REJECT;
            case "purge":
            case "purge-delivered-and-anchored":
                return PURGE_DELIVERED_AND_ANCHORED;
            default:
                throw new IllegalArgumentException("unknown capacity policy '" + s + "' (expected reject or purge)");
        }
    }
}
