package io.certigate.core.spine;

import io.certigate.core.config.WholeSetting;

/**
 * The spine's whole-number settings, defined once for the standalone configuration file and the
 * Kura spine component (whose metatype spells some keys with dots, see {@link WholeSetting#withKey}).
 */
public final class SpineSettings {
    private SpineSettings() {}

    /** Readings waiting to be signed at most; producers block beyond. The queue is allocated at this size. */
    public static final WholeSetting QUEUE_CAPACITY = WholeSetting.ofInt("sequencer.queue-capacity", 4096, 1, 1 << 20,
            "readings waiting to be signed at most (producers block beyond)");

    /** Readings signed and committed in one transaction at most. */
    public static final WholeSetting MAX_GROUP = WholeSetting.ofInt("sequencer.max-group", 512, 1, 1 << 16,
            "readings signed and committed together at most");

    /** Records the buffer keeps at most; 0 for no limit. */
    public static final WholeSetting MAX_RECORDS = WholeSetting.ofLong("buffer.max-records", 0, 0, Long.MAX_VALUE,
            "records kept at most (0: no limit)");

    /** SQLite busy timeout (an int of milliseconds for SQLite). */
    public static final WholeSetting BUSY_TIMEOUT_MS = WholeSetting.ofInt("buffer.busy-timeout-ms", 5000, 1, 3_600_000,
            "how long a statement waits for another connection's lock, ms");

    /** PKCS#11 slot id. */
    public static final WholeSetting PKCS11_SLOT = WholeSetting.ofLong("key.pkcs11.slot", 0, 0, Long.MAX_VALUE,
            "PKCS#11 slot id");
}
